// Files of a container's own layer that shadow package-managed files of its OS base. A customer
// with such files cannot be moved to another base without mixing two sets of packages.

/** Paths (relative to the layer) where the base's packages live. */
export const PACKAGE_PATHS = ['usr', 'lib', 'lib64', 'bin', 'sbin', 'etc/alternatives', 'var/lib/dpkg'];

/**
 * The listed layer files (relative paths, from `find -printf '%P'`) that count as shadowing:
 * everything except what provisioning wrote (`allowed`, exact paths or `dir/` prefixes).
 */
export function shadowingFiles(files: string[], allowed: string[]): string[] {
  const ok = (f: string): boolean => allowed.some((a) => (a.endsWith('/') ? f.startsWith(a.replace(/^\/+/, '')) : f === a.replace(/^\/+/, '')));
  return files.filter((f) => f !== '' && !ok(f)).sort();
}
