import { describe, expect, it } from 'vitest';
import snapperConfig, { planSnapperConfig, type SnapperConfigChange, type SnapperConfigState } from '../../../modules/snapper_config.js';
import type { HostContext } from '../../../runner/module.js';
import snapperSnapshot, { planSnapshot, selectSnapshots } from '../../../modules/snapper_snapshot.js';
import type { SnapperSnapshot } from '../../../modules/lib/snapper/output.js';
import { SNAPPER_CONFIG_NAME } from '../../../modules/lib/snapper/run.js';
import { argsFor } from '../../helpers/module-args.js';

const configArgs = argsFor(snapperConfig);
const snapshotArgs = argsFor(snapperSnapshot);

const none: SnapperConfigState = { exists: false, settings: {}, snapshots: [] };
const have: SnapperConfigState = { exists: true, subvolume: '/s/c', settings: { NUMBER_LIMIT: '10', TIMELINE_CREATE: 'no' }, snapshots: [1, 3] };

describe('snapper_config plan', () => {
  it.each([
    ['creates and sets', { name: 'c', state: 'present' as const, subvolume: '/s/c', settings: { NUMBER_LIMIT: 10 } }, none, ['create-config', 'set-config NUMBER_LIMIT=10']],
    ['no change when settings match (booleans as yes/no)', { name: 'c', state: 'present' as const, subvolume: '/s/c', settings: { NUMBER_LIMIT: 10, TIMELINE_CREATE: false } }, have, []],
    ['sets only differing keys', { name: 'c', state: 'present' as const, settings: { NUMBER_LIMIT: '5', TIMELINE_CREATE: false } }, have, ['set-config NUMBER_LIMIT=5']],
    ['absent deletes snapshots then config', { name: 'c', state: 'absent' as const }, have, ['delete-snapshots', 'delete-config']],
    ['absent without snapshots', { name: 'c', state: 'absent' as const }, { ...have, snapshots: [] }, ['delete-config']],
    ['absent, missing', { name: 'c', state: 'absent' as const }, none, []],
  ])('%s', (_t, args, state, want) => {
    expect(
      planSnapperConfig(configArgs(args), state).map((c) => (c.action === 'set-config' && Array.isArray(c.data) ? `set-config ${c.data.join(' ')}` : c.action)),
    ).toEqual(want);
  });
  it('apply refuses a change it has no step for instead of skipping it', async () => {
    const typo = { action: 'delete-konfig', target: 'c', summary: 'delete' } as unknown as SnapperConfigChange;
    await expect(snapperConfig.apply({} as HostContext, configArgs({ name: 'c', state: 'absent' }), [typo], have)).rejects.toThrow("no apply step for change 'delete-konfig' of c");
  });
  it('refuses the name root', () => {
    const re = new RegExp(SNAPPER_CONFIG_NAME);
    expect(re.test('root')).toBe(false);
    expect(re.test('rooted-svr')).toBe(true);
  });
});

const snaps: SnapperSnapshot[] = [
  { number: 1, type: 'single', date: 'd1', cleanup: '', description: 'nightly' },
  { number: 4, type: 'single', date: 'd4', cleanup: 'number', description: 'before upgrade' },
  { number: 7, type: 'single', date: 'd7', cleanup: '', description: 'nightly' },
];

describe('snapper_snapshot', () => {
  it.each([
    [{ config: 'c', description: 'nightly', number: 'latest' as const }, [7]],
    [{ config: 'c', number: 'latest' as const }, [7]],
    [{ config: 'c', number: 4 }, [4]],
    [{ config: 'c', description: 'nightly' }, [1, 7]],
    [{ config: 'c', description: 'nope', number: 'latest' as const }, []],
  ])('selects %j', (args, numbers) => {
    expect(selectSnapshots(snapshotArgs(args), snaps).map((s) => s.number)).toEqual(numbers);
  });
  it.each([
    ['description exists: ok', { config: 'c', description: 'nightly' }, []],
    ['new description: create', { config: 'c', description: 'fresh' }, ['create']],
    ['not unique: always create', { config: 'c', description: 'nightly', unique_description: false }, ['create']],
    ['lookup only', { config: 'c', number: 'latest' as const }, []],
    ['absent by description', { config: 'c', description: 'nightly', state: 'absent' as const }, ['delete 1,7']],
    ['absent, none match', { config: 'c', description: 'zzz', state: 'absent' as const }, []],
  ])('%s', (_t, args, want) => {
    expect(planSnapshot(snapshotArgs(args), { snapshots: snaps }).map((c) => (Array.isArray(c.data) ? `${c.action} ${c.data.join(',')}` : c.action))).toEqual(want);
  });
  it('fails a lookup that finds nothing', () => {
    expect(() => planSnapshot(snapshotArgs({ config: 'c', number: 9 }), { snapshots: snaps })).toThrow(/no snapshot 9/);
  });
});
