// One round trip for everything btrfs_subvolume needs to know about a path: a fixed script with the
// path as a positional argument, its output split into sections by a pure parser.

export const PROBE_SCRIPT = [
  'p=$1; d=$p',
  'while [ ! -e "$d" ] && [ "$d" != / ]; do d=$(dirname -- "$d"); done',
  'printf "existing=%s\\n" "$d"',
  'printf "fs=%s\\n" "$(stat -f -c %T -- "$d")"',
  '[ "$d" = "$p" ] || exit 0',
  'inode=$(stat -c %i -- "$p"); printf "inode=%s\\n" "$inode"',
  '[ "$(stat -f -c %T -- "$p")" = btrfs ] && [ "$inode" = 256 ] || exit 0',
  'btrfs property get -ts "$p" ro || exit 3',
  '[ "$2" = nested ] || exit 0',
  'echo "--- show"; btrfs subvolume show "$p" || exit 3',
  'echo "--- list"; btrfs subvolume list -a "$p" || exit 3',
].join('\n');

export interface BtrfsProbe {
  /** The path itself, or its nearest existing parent. */
  existing: string;
  fsType: string;
  inode?: string;
  readonly?: boolean;
  show?: string;
  list?: string;
}

export function parseProbe(stdout: string): BtrfsProbe {
  const [head = '', rest = ''] = stdout.split(/^--- show\n/m);
  const [show, list] = rest === '' ? [undefined, undefined] : rest.split(/^--- list\n/m);
  const kv = new Map<string, string>();
  for (const line of head.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const existing = kv.get('existing');
  const fsType = kv.get('fs');
  if (existing === undefined || fsType === undefined) throw new Error(`unexpected probe output: ${stdout.slice(0, 200)}`);
  const ro = kv.get('ro');
  return { existing, fsType, inode: kv.get('inode'), readonly: ro === undefined ? undefined : ro === 'true', show, list };
}
