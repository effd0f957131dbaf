import { describe, expect, it } from 'vitest';
import { nestedSubvolumes, parseShowId, parseShowPath, parseSubvolumeList } from '../../../../../modules/lib/btrfs/output.js';

describe('btrfs output', () => {
  // Real `btrfs subvolume list -a` of btrfs-progs 6.2: one nested path lacks the <FS_TREE>/ prefix.
  const list = `ID 256 gen 8 top level 5 path <FS_TREE>/lxc/os-bases/base
ID 257 gen 11 top level 5 path <FS_TREE>/lxc/containers/acme
ID 258 gen 10 top level 257 path lxc/containers/acme/.snapshots
ID 259 gen 9 top level 258 path <FS_TREE>/lxc/containers/acme/.snapshots/1/snapshot
ID 260 gen 9 top level 258 path <FS_TREE>/lxc/containers/acme/.snapshots/2/snapshot
ID 261 gen 18 top level 5 path <FS_TREE>/lxc/containers/acme2
ID 262 gen 18 top level 261 path <FS_TREE>/lxc/containers/acme2/.snapshots
`;
  it('parses the list, the show path and id', () => {
    expect(parseSubvolumeList(list)[2]).toEqual({ id: 258, parent: 257, path: 'lxc/containers/acme/.snapshots' });
    expect(parseShowPath('lxc/containers/acme\n\tName: acme\n')).toBe('lxc/containers/acme');
    expect(parseShowPath('/\n\tName: <FS_TREE>\n')).toBe('');
    expect(parseShowId('x\n\tSubvolume ID: \t\t257\n')).toBe(257);
  });
  it('lists nested subvolumes by parent chain, deepest first, not siblings with a common prefix', () => {
    expect(nestedSubvolumes('/srv/osm-lxc/lxc/containers/acme', 257, 'lxc/containers/acme', parseSubvolumeList(list))).toEqual([
      '/srv/osm-lxc/lxc/containers/acme/.snapshots/2/snapshot',
      '/srv/osm-lxc/lxc/containers/acme/.snapshots/1/snapshot',
      '/srv/osm-lxc/lxc/containers/acme/.snapshots',
    ]);
    expect(nestedSubvolumes('/m/acme2', 261, 'lxc/containers/acme2', parseSubvolumeList(list))).toEqual(['/m/acme2/.snapshots']);
    expect(nestedSubvolumes('/m/base', 256, 'lxc/os-bases/base', parseSubvolumeList(list))).toEqual([]);
  });
});
