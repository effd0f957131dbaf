// The pieces customer-state.ts reads: small readers of files, commands and directories that answer
// '<missing>' instead of throwing, and the masks that turn per-incarnation values into their shape.
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runArgv } from '../../helpers/lab.js';

export const MISSING = '<missing>';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** btrfs/snapper UUIDs differ per incarnation: keep where they are, not what they are. */
export function maskUuids(text: string): string {
  return text.replace(UUID, '<uuid>');
}

/** A generated secret's shape: its length and alphabet, never its value. */
export function secretShape(value: string): string {
  const alphabet = /^[A-Za-z0-9_-]+$/.test(value) ? 'url-safe' : 'other';
  return `<${value.length} ${alphabet} chars>`;
}

export function fileOrMissing(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : MISSING;
}

/** `mode uid:gid` of a path (lstat), or '<missing>'. */
export function modeOwner(path: string): string {
  if (!existsSync(path)) return MISSING;
  const st = lstatSync(path);
  return `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
}

/** `mode uid:gid` and the content of a file, in one string, or '<missing>'. */
export function fileWithMode(path: string): string {
  return existsSync(path) ? `${modeOwner(path)}\n${readFileSync(path, 'utf8')}` : MISSING;
}

/** Lines of a file holding `needle` (as text), none when the file is missing. */
export function linesWith(path: string, needle: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.includes(needle));
}

/** Entries of a directory as `name` / `name/` / `name -> target`, sorted; [] when it is missing. */
export function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const st = lstatSync(join(dir, n));
      if (st.isSymbolicLink()) return `${n} -> ${readlinkSync(join(dir, n))}`;
      return st.isDirectory() ? `${n}/` : n;
    });
}

/** stdout of argv, or `<exit N: stderr>` so a comparison shows a failing read instead of hiding it. */
export async function commandOutput(argv: string[], timeoutMs = 60_000): Promise<string> {
  const r = await runArgv(argv, { timeoutMs });
  return r.exitCode === 0 ? r.stdout : `<exit ${r.exitCode}: ${r.stderr.trim()}>`;
}

/** `ufw show added` lines (the `ufw ...` ones) that hold any of the needles. */
export async function ufwRules(needles: string[]): Promise<string[]> {
  const out = await commandOutput(['ufw', 'show', 'added']);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('ufw ') && needles.some((n) => l.includes(n)));
}

/** `State: RUNNING` etc. from lxc-info, or '<missing>' when LXC does not know the name. */
export async function lxcState(container: string): Promise<string> {
  const r = await runArgv(['lxc-info', '-n', container, '-s'], { timeoutMs: 30_000 });
  const m = /State:\s*(\S+)/.exec(r.stdout);
  return m?.[1] ?? MISSING;
}

/** Whether `path` is a btrfs subvolume, with its uuid masked; '<missing>' or 'not a subvolume'. */
export async function subvolume(path: string): Promise<string> {
  if (!existsSync(path)) return MISSING;
  const r = await runArgv(['btrfs', 'subvolume', 'show', path], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) return 'not a subvolume';
  const ro = await runArgv(['btrfs', 'property', 'get', '-ts', path, 'ro'], { timeoutMs: 30_000 });
  const uuid = /^\s*UUID:\s*(\S+)\s*$/m.exec(r.stdout)?.[1] ?? '';
  return `subvolume uuid=${maskUuids(uuid)} ${ro.stdout.trim()}`;
}
