// find's selection, pure: `find -printf` lines parsed into entries, then Ansible's filters (patterns
// as shell globs or Python-style regexes on the base name, excludes, file_type, hidden, age, size).
import { posix } from 'node:path';

/** One line of FIND_FORMAT. */
export interface FoundEntry {
  path: string;
  type: 'file' | 'directory' | 'link' | 'other';
  mode: number;
  size: number;
  uid: number;
  gid: number;
  mtime: number;
  atime: number;
  ctime: number;
  owner: string;
  group: string;
  nlink: number;
  inode: number;
  dev: number;
}

/** Fields separated by tabs, one entry per NUL-terminated record (paths may hold newlines). */
export const FIND_FORMAT = '%y\\t%m\\t%s\\t%U\\t%G\\t%T@\\t%A@\\t%C@\\t%u\\t%g\\t%n\\t%i\\t%D\\t%p\\0';

const TYPES: Record<string, FoundEntry['type']> = { f: 'file', d: 'directory', l: 'link' };

export function parseFindOutput(out: string): FoundEntry[] {
  return out
    .split('\0')
    .filter((r) => r !== '')
    .map((r) => {
      const f = r.split('\t');
      const path = f.slice(13).join('\t');
      return {
        path,
        type: TYPES[f[0]] ?? 'other',
        mode: parseInt(f[1], 8),
        size: Number(f[2]),
        uid: Number(f[3]),
        gid: Number(f[4]),
        mtime: Number(f[5]),
        atime: Number(f[6]),
        ctime: Number(f[7]),
        owner: f[8],
        group: f[9],
        nlink: Number(f[10]),
        inode: Number(f[11]),
        dev: Number(f[12]),
      };
    });
}

/** A shell glob (fnmatch: `*`, `?`, `[...]`, `[!...]`) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Ansible's age: `2d`, `-1w`, `30` (seconds); negative means "younger than". Units s m h d w. */
export function parseAge(age: string): number {
  const m = /^(-?\d+)([smhdw]?)$/i.exec(age.trim());
  if (!m) throw new Error(`age '${age}' is not a number with an optional unit s, m, h, d or w (e.g. 2d, -1w)`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2].toLowerCase() as '' | 's'];
  return Number(m[1]) * unit;
}

/** Ansible's size: `10k`, `-1m`, `100` (bytes); negative means "smaller than". Units b k m g t. */
export function parseSize(size: string): number {
  const m = /^(-?\d+)([bkmgt]?)$/i.exec(size.trim());
  if (!m) throw new Error(`size '${size}' is not a number with an optional unit b, k, m, g or t (e.g. 10k, -1m)`);
  const exp = ['b', 'k', 'm', 'g', 't'].indexOf(m[2].toLowerCase() || 'b');
  return Number(m[1]) * 1024 ** exp;
}

export interface FindFilter {
  patterns: string[];
  excludes: string[];
  useRegex: boolean;
  fileType: 'file' | 'directory' | 'link' | 'any';
  hidden: boolean;
  /** Seconds, signed as parseAge gives them. */
  age?: number;
  ageStamp: 'mtime' | 'atime' | 'ctime';
  /** Bytes, signed as parseSize gives them. */
  size?: number;
}

function matcher(patterns: string[], useRegex: boolean): (name: string) => boolean {
  // Ansible's regexes match from the start of the name (re.match), not necessarily to its end.
  const res = patterns.map((p) => (useRegex ? new RegExp(`^(?:${p})`) : globToRegExp(p)));
  return (name) => res.some((r) => r.test(name));
}

/** The entries that pass every filter, as Ansible's find selects them. `now` in seconds since the epoch. */
export function selectFound(entries: FoundEntry[], f: FindFilter, now: number): FoundEntry[] {
  const wanted = f.patterns.length ? matcher(f.patterns, f.useRegex) : () => true;
  const excluded = f.excludes.length ? matcher(f.excludes, f.useRegex) : () => false;
  return entries.filter((e) => {
    const name = posix.basename(e.path);
    if (!f.hidden && name.startsWith('.')) return false;
    if (f.fileType !== 'any' && e.type !== f.fileType) return false;
    if (!wanted(name) || excluded(name)) return false;
    if (f.age !== undefined) {
      const age = now - e[f.ageStamp];
      if (f.age >= 0 ? age < f.age : age > -f.age) return false;
    }
    if (f.size !== undefined && e.type === 'file' && (f.size >= 0 ? e.size < f.size : e.size > -f.size)) return false;
    return true;
  });
}

/** A found entry as Ansible's find returns it (its stat-like dict). */
export function foundResult(e: FoundEntry): Record<string, unknown> {
  const bit = (b: number) => (e.mode & b) !== 0;
  return {
    path: e.path,
    mode: `0${(e.mode & 0o7777).toString(8).padStart(3, '0')}`,
    isreg: e.type === 'file',
    isdir: e.type === 'directory',
    islnk: e.type === 'link',
    size: e.size,
    uid: e.uid,
    gid: e.gid,
    pw_name: e.owner,
    gr_name: e.group,
    mtime: e.mtime,
    atime: e.atime,
    ctime: e.ctime,
    nlink: e.nlink,
    inode: e.inode,
    dev: e.dev,
    rusr: bit(0o400), wusr: bit(0o200), xusr: bit(0o100),
    rgrp: bit(0o040), wgrp: bit(0o020), xgrp: bit(0o010),
    roth: bit(0o004), woth: bit(0o002), xoth: bit(0o001),
  };
}
