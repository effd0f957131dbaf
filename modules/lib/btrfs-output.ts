// Parsing of btrfs-progs output: the subvolume list, and path arithmetic for nested subvolumes.
import { posix } from 'node:path';

export interface SubvolumeEntry {
  id: number;
  /** Path relative to the filesystem's top level (subvolid 5). */
  path: string;
}

/** `btrfs subvolume list MOUNT` lines: `ID 257 gen 8 top level 256 path sv1/.snapshots`. */
export function parseSubvolumeList(text: string): SubvolumeEntry[] {
  const out: SubvolumeEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^ID (\d+) gen \d+ (?:cgen \d+ )?(?:parent \d+ )?top level \d+ (?:parent_uuid \S+ )?(?:uuid \S+ )?path (.+)$/.exec(line.trim());
    if (m) out.push({ id: Number(m[1]), path: (m[2] ?? '').replace(/^<FS_TREE>\//, '') });
  }
  return out;
}

/** First line of `btrfs subvolume show PATH`: the subvolume's path from the top level (`/` for the top). */
export function parseShowPath(text: string): string {
  const first = text.split('\n')[0]?.trim() ?? '';
  return first === '/' ? '' : first.replace(/^\/+/, '');
}

/**
 * The absolute paths of the subvolumes nested below `absPath` (whose top-level-relative path is
 * `relPath`), deepest first: the order in which they must be deleted.
 */
export function nestedSubvolumes(absPath: string, relPath: string, all: SubvolumeEntry[]): string[] {
  const prefix = relPath === '' ? '' : `${relPath}/`;
  return all
    .filter((s) => s.path.startsWith(prefix) && s.path !== relPath)
    .map((s) => posix.join(absPath, s.path.slice(prefix.length)))
    .sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}
