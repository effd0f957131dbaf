// StatResult from each way a connection looks at a path: node's fs.Stats, ssh2's SFTP Stats, and
// `stat -c "%f %u %g %s %Y"` run as a command (under become, or by the stat module).
import type { StatResult } from './types.js';

/** What node's fs.Stats and ssh2's Stats share. */
interface StatsLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

/** A StatResult from an fs or SFTP Stats; their modification times differ in unit, so the caller gives it. */
export function statOf(st: StatsLike, mtimeMs: number): StatResult {
  return {
    exists: true,
    isFile: st.isFile(),
    isDir: st.isDirectory(),
    isSymlink: st.isSymbolicLink(),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    mtimeMs,
  };
}

// S_IFMT bits of `stat -c %f` (raw mode in hex).
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** Parses `stat -c "%f %u %g %s %Y"` output. */
export function parseStatLine(line: string): StatResult {
  const parts = line.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`unexpected stat output: ${JSON.stringify(line)}`);
  const [rawHex, uid, gid, size, mtime] = parts;
  const raw = parseInt(rawHex, 16);
  const type = raw & S_IFMT;
  return {
    exists: true,
    isFile: type === S_IFREG,
    isDir: type === S_IFDIR,
    isSymlink: type === S_IFLNK,
    mode: raw & 0o7777,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    mtimeMs: Number(mtime) * 1000,
  };
}
