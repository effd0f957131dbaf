import { describe, expect, it } from 'vitest';
import { planSubvolume, type SubvolumeState } from '../../../modules/btrfs_subvolume.js';
import { parseProbe } from '../../../modules/lib/btrfs/probe.js';

const missing: SubvolumeState = { exists: false, fsType: 'btrfs', nested: [] };
const plain: SubvolumeState = { exists: true, fsType: 'btrfs', readonly: false, nested: [] };
const withSnapshots: SubvolumeState = {
  exists: true,
  fsType: 'btrfs',
  readonly: false,
  nested: ['/s/c/.snapshots/2/snapshot', '/s/c/.snapshots/1/snapshot', '/s/c/.snapshots'],
};

const present = { state: 'present' as const };

describe('btrfs_subvolume plan', () => {
  it.each([
    ['present, exists: no change', { ...present, path: '/s/c' }, plain, []],
    ['present, missing: create', { ...present, path: '/s/c' }, missing, ['create /s/c']],
    ['present read-only, missing: create then flag', { ...present, path: '/s/c', readonly: true }, missing, ['create /s/c', 'set-readonly /s/c']],
    ['snapshot, missing', { ...present, path: '/s/d', snapshot_of: '/s/c', readonly: true }, missing, ['snapshot /s/d']],
    ['snapshot, exists: no change', { ...present, path: '/s/d', snapshot_of: '/s/c' }, plain, []],
    ['readonly differs', { ...present, path: '/s/c', readonly: true }, plain, ['set-readonly /s/c']],
    ['readonly same', { ...present, path: '/s/c', readonly: false }, plain, []],
    ['absent, missing: no change', { path: '/s/c', state: 'absent' as const }, missing, []],
    ['absent: nested first, deepest first', { path: '/s/c/', state: 'absent' as const }, withSnapshots, [
      'delete /s/c/.snapshots/2/snapshot',
      'delete /s/c/.snapshots/1/snapshot',
      'delete /s/c/.snapshots',
      'delete /s/c',
    ]],
  ])('%s', (_t, args, state, want) => {
    expect(planSubvolume(args, state).map((c) => `${c.action} ${c.target}`)).toEqual(want);
  });
});

describe('btrfs probe output', () => {
  it.each([
    ['missing path on btrfs', 'existing=/srv/osm-lxc/lxc/containers\nfs=btrfs\n', { existing: '/srv/osm-lxc/lxc/containers', fsType: 'btrfs' }],
    ['not btrfs', 'existing=/tmp\nfs=ext2/ext3\n', { existing: '/tmp', fsType: 'ext2/ext3' }],
    ['a plain directory', 'existing=/s/d\nfs=btrfs\ninode=1234\n', { existing: '/s/d', fsType: 'btrfs', inode: '1234' }],
    ['a read-only subvolume', 'existing=/s/c\nfs=btrfs\ninode=256\nro=true\n', { existing: '/s/c', fsType: 'btrfs', inode: '256', readonly: true }],
  ])('%s', (_t, out, want) => {
    expect(parseProbe(out)).toEqual({ inode: undefined, readonly: undefined, show: undefined, list: undefined, ...want });
  });
  it('splits the show and list sections', () => {
    const p = parseProbe('existing=/s/c\nfs=btrfs\ninode=256\nro=false\n--- show\nlxc/c\n\tSubvolume ID: 257\n--- list\nID 258 gen 1 top level 257 path lxc/c/.snapshots\n');
    expect([p.readonly, p.show, p.list]).toEqual([false, 'lxc/c\n\tSubvolume ID: 257\n', 'ID 258 gen 1 top level 257 path lxc/c/.snapshots\n']);
  });
  it('refuses output without the basics', () => {
    expect(() => parseProbe('garbage')).toThrow(/unexpected probe output/);
  });
});
