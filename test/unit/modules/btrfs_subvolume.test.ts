import { describe, expect, it } from 'vitest';
import { planSubvolume, type SubvolumeState } from '../../../modules/btrfs_subvolume.js';

const missing: SubvolumeState = { exists: false, fsType: 'btrfs', nested: [] };
const plain: SubvolumeState = { exists: true, fsType: 'btrfs', readonly: false, nested: [] };
const withSnapshots: SubvolumeState = {
  exists: true,
  fsType: 'btrfs',
  readonly: false,
  nested: ['/s/c/.snapshots/2/snapshot', '/s/c/.snapshots/1/snapshot', '/s/c/.snapshots'],
};

describe('btrfs_subvolume plan', () => {
  it.each([
    ['present, exists: no change', { path: '/s/c' }, plain, []],
    ['present, missing: create', { path: '/s/c' }, missing, ['create /s/c']],
    ['present read-only, missing: create then flag', { path: '/s/c', readonly: true }, missing, ['create /s/c', 'set-readonly /s/c']],
    ['snapshot, missing', { path: '/s/d', snapshot_of: '/s/c', readonly: true }, missing, ['snapshot /s/d']],
    ['snapshot, exists: no change', { path: '/s/d', snapshot_of: '/s/c' }, plain, []],
    ['readonly differs', { path: '/s/c', readonly: true }, plain, ['set-readonly /s/c']],
    ['readonly same', { path: '/s/c', readonly: false }, plain, []],
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
