// Parsing of btrfs-progs output: the subvolume list, and path arithmetic for nested subvolumes.
import { posix } from 'node:path';

export interface SubvolumeEntry {
  id: number;
  /** ID of the subvolume it sits in (btrfs' "top level"). */
  parent: number;
  /** Path relative to the filesystem's top level (subvolid 5). */
  path: string;
}

/**
 * `btrfs subvolume list -a PATH` lines: `ID 257 gen 8 top level 256 path <FS_TREE>/sv1/.snapshots`.
 * Without -a, btrfs-progs 6 prints some paths relative to PATH and others not; with -a every path is
 * from the top level once `<FS_TREE>/` is stripped.
 */
export function parseSubvolumeList(text: string): SubvolumeEntry[] {
  const out: SubvolumeEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^ID (\d+) gen \d+ (?:cgen \d+ )?(?:parent \d+ )?top level (\d+) (?:parent_uuid \S+ )?(?:uuid \S+ )?path (.+)$/.exec(line.trim());
    if (m) out.push({ id: Number(m[1]), parent: Number(m[2]), path: (m[3] ?? '').replace(/^<FS_TREE>\//, '') });
  }
  return out;
}

/** First line of `btrfs subvolume show PATH`: the subvolume's path from the top level (`/` for the top). */
export function parseShowPath(text: string): string {
  const first = text.split('\n')[0]?.trim() ?? '';
  return first === '/' ? '' : first.replace(/^\/+/, '');
}

/** `Subvolume ID:` of `btrfs subvolume show PATH`. */
export function parseShowId(text: string): number {
  const m = /^\s*Subvolume ID:\s*(\d+)/m.exec(text);
  if (!m) throw new Error('btrfs subvolume show: no Subvolume ID');
  return Number(m[1]);
}

/**
 * The absolute paths of the subvolumes nested (at any depth) in subvolume `rootId`, found by the
 * parent chain, mounted at `absPath` whose top-level-relative path is `relPath`; deepest first,
 * the order in which they must be deleted.
 */
export function nestedSubvolumes(absPath: string, rootId: number, relPath: string, all: SubvolumeEntry[]): string[] {
  const inside = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (!inside.has(s.id) && inside.has(s.parent)) {
        inside.add(s.id);
        grew = true;
      }
    }
  }
  const prefix = relPath === '' ? '' : `${relPath}/`;
  return all
    .filter((s) => s.id !== rootId && inside.has(s.id))
    .map((s) => {
      if (!s.path.startsWith(prefix)) throw new Error(`btrfs lists nested subvolume ${s.id} at ${s.path}, outside ${relPath}`);
      return posix.join(absPath, s.path.slice(prefix.length));
    })
    .sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}
