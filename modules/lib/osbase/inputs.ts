// What an OS base is built from, and the key that names those inputs: two builds with the same key
// give the same base (apart from package updates published in between), so a base or a cached
// tarball with that key can stand in for a new build.
import { createHash } from 'node:crypto';

/** Bump when the build steps change what a base holds: old keys then stop matching. */
export const RECIPE_VERSION = 1;

/** Packages every OSM base has: systemd as init, the broker, sshd, and the network tools. */
export const CORE_PACKAGES = ['systemd-sysv', 'dbus', 'openssh-server', 'mosquitto', 'iproute2', 'ifupdown', 'isc-dhcp-client', 'ca-certificates'];

export interface AptRepo {
  /** File names under /etc/apt: sources.list.d/NAME.sources and keyrings/NAME.asc. */
  name: string;
  uris: string[];
  suites: string[];
  components: string[];
  /** The repository's signing key, ASCII-armored (never fetched at build time: the key is the trust). */
  key: string;
}

export interface BaseInputs {
  suite: string;
  mirror: string;
  /** Empty: no security updates source (a mirror without one). */
  securityMirror: string;
  packages: string[];
  aptRepos: AptRepo[];
  /** .deb files served to the build as a local apt repository (name and SHA-256 of each), from local_debs. */
  localDebs?: LocalDeb[];
}

export interface LocalDeb {
  file: string;
  sha256: string;
}

/** Where a build's local .deb repository sits inside the new root while apt runs (removed after). */
export const LOCAL_REPO_DIR = 'var/lib/osm-local-debs';

/** The apt source of the local repository: a flat repository the operator filled, so trusted without a signature. */
export const LOCAL_REPO_LIST = `deb [trusted=yes] file:/${LOCAL_REPO_DIR} ./\n`;

/** The manifest a base carries at /etc/osm-base.json. */
export interface BaseManifest {
  key: string;
  recipe: number;
  built: string;
  inputs: BaseInputs;
}

export const MANIFEST_PATH = 'etc/osm-base.json';

function canonical(inputs: BaseInputs): unknown {
  return {
    recipe: RECIPE_VERSION,
    suite: inputs.suite,
    mirror: inputs.mirror.replace(/\/+$/, ''),
    securityMirror: inputs.securityMirror.replace(/\/+$/, ''),
    packages: [...new Set([...CORE_PACKAGES, ...inputs.packages])].sort(),
    aptRepos: [...inputs.aptRepos].sort((a, b) => a.name.localeCompare(b.name)),
    // Only when there are some: the keys of bases built without them stay what they were.
    ...(inputs.localDebs?.length ? { localDebs: [...inputs.localDebs].sort((a, b) => a.file.localeCompare(b.file)) } : {}),
  };
}

/** A short stable hash of the inputs (order of packages and repos does not matter). */
export function baseKey(inputs: BaseInputs): string {
  return createHash('sha256').update(JSON.stringify(canonical(inputs))).digest('hex').slice(0, 16);
}

/** Packages installed after debootstrap: the caller's and the vendor ones, less what debootstrap brought. */
export function extraPackages(inputs: BaseInputs): string[] {
  return [...new Set(inputs.packages)].filter((p) => !CORE_PACKAGES.includes(p)).sort();
}

/** `20261205-131500-bookworm`: sorts by build time, so "newest by name" is the newest build. */
export function baseName(stamp: string, suite: string): string {
  return `${stamp}-${suite}`;
}

export function cacheTarball(cacheDir: string, suite: string, key: string): string {
  return `${cacheDir.replace(/\/+$/, '')}/osm-base-${suite}-${key}.tar.zst`;
}

/** /etc/apt/sources.list of the base: the release, its updates, and its security updates. */
export function sourcesList(inputs: BaseInputs): string {
  const lines = [
    '# Managed by osm-play (build-os-base.yaml).',
    `deb ${inputs.mirror} ${inputs.suite} main`,
    `deb ${inputs.mirror} ${inputs.suite}-updates main`,
  ];
  if (inputs.securityMirror) lines.push(`deb ${inputs.securityMirror} ${inputs.suite}-security main`);
  return `${lines.join('\n')}\n`;
}

/** A vendor repository in deb822 form, signed by its own key only. */
export function repoSources(repo: AptRepo): string {
  return [
    '# Managed by osm-play (build-os-base.yaml).',
    'Types: deb',
    `URIs: ${repo.uris.join(' ')}`,
    `Suites: ${repo.suites.join(' ')}`,
    `Components: ${repo.components.join(' ')}`,
    `Signed-By: /etc/apt/keyrings/${repo.name}.asc`,
    '',
  ].join('\n');
}
