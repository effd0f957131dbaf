// Where controller-side lookups find relative files, as Ansible's find_file_in_search_path: the
// role's SUBDIR/ then the role, then the playbook's SUBDIR/ then the playbook directory.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type LookupVars = Record<string, unknown>;

export function searchDirs(vars: LookupVars): string[] {
  const dirs: string[] = [];
  if (typeof vars.role_path === 'string') dirs.push(vars.role_path);
  dirs.push(typeof vars.playbook_dir === 'string' ? vars.playbook_dir : process.cwd());
  return dirs;
}

export function candidates(rel: string, subdir: string, vars: LookupVars): string[] {
  if (isAbsolute(rel)) return [rel];
  return searchDirs(vars).flatMap((d) => [join(d, subdir, rel), join(d, rel)]);
}

export function findFile(rel: string, subdir: string, vars: LookupVars): string | undefined {
  return candidates(rel, subdir, vars).find((p) => existsSync(p));
}

/** The playbook directory, where Ansible's path_dwim puts relative paths (password files). */
export function baseDir(vars: LookupVars): string {
  return typeof vars.playbook_dir === 'string' ? vars.playbook_dir : process.cwd();
}

export function dwim(path: string, vars: LookupVars): string {
  return resolve(baseDir(vars), path);
}
