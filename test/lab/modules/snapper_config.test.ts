import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import snapperConfig from '../../../modules/snapper_config.js';
import snapperSnapshot from '../../../modules/snapper_snapshot.js';
import { ensureLab } from '../../helpers/lab.js';
import { LXC_ROOT, run, sh } from './lab-host.js';

const name = 't5a-snapcfg';
const subvolume = `${LXC_ROOT}/containers/${name}`;

async function cleanup(): Promise<void> {
  await sh(['snapper', '--no-dbus', '-c', name, 'delete-config']);
  await sh(['sh', '-c', 'for p in "$1"/.snapshots/*/snapshot "$1"/.snapshots "$1"; do btrfs subvolume delete "$p" 2>/dev/null; done; true', 'sh', subvolume]);
}

async function getConfig(): Promise<Record<string, string>> {
  const r = await sh(['snapper', '--no-dbus', '--jsonout', '-c', name, 'get-config']);
  return JSON.parse(r.out) as Record<string, string>;
}

describe('snapper_config and snapper_snapshot (lab)', () => {
  beforeAll(async () => {
    await ensureLab();
    await cleanup();
    expect((await sh(['btrfs', 'subvolume', 'create', subvolume])).rc).toBe(0);
  });
  afterAll(cleanup);

  it('creates the config with settings: changed, then ok', async () => {
    const args = { name, subvolume, settings: { NUMBER_LIMIT: 7, TIMELINE_CREATE: false } };
    const first = await run(snapperConfig, args);
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('changed');
    expect(await getConfig()).toMatchObject({ NUMBER_LIMIT: '7', TIMELINE_CREATE: 'no' });
    expect((await run(snapperConfig, args)).status).toBe('ok');
  });

  it('check mode shows a settings change and alters nothing', async () => {
    const r = await run(snapperConfig, { name, subvolume, settings: { NUMBER_LIMIT: 3 } }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.diff).toContain('+NUMBER_LIMIT=3');
    expect((await getConfig()).NUMBER_LIMIT).toBe('7');
  });

  it('refuses the root config name before touching anything', async () => {
    const r = await run(snapperConfig, { name: 'root', subvolume });
    expect(r.status).toBe('failed');
  });

  it('snapshot: created once per description, looked up by latest, deleted by description', async () => {
    const a = await run(snapperSnapshot, { config: name, description: 't5a first', cleanup: 'number' });
    expect(a.status).toBe('changed');
    expect(typeof a.data.number).toBe('number');
    const again = await run(snapperSnapshot, { config: name, description: 't5a first' });
    expect([again.status, again.data.number]).toEqual(['ok', a.data.number]);
    const check = await run(snapperSnapshot, { config: name, description: 't5a second' }, { check: true });
    expect(check.status).toBe('changed');
    const b = await run(snapperSnapshot, { config: name, description: 't5a second' });
    const latest = await run(snapperSnapshot, { config: name, number: 'latest' });
    expect([latest.status, latest.data.number]).toEqual(['ok', b.data.number]);
    expect((latest.data.snapshots as unknown[]).length).toBe(2);
    const del = await run(snapperSnapshot, { config: name, description: 't5a first', state: 'absent' });
    expect(del.status).toBe('changed');
    expect((await run(snapperSnapshot, { config: name, number: 'latest', description: 't5a first' })).status).toBe('failed');
  });

  it('absent deletes the snapshots and the config', async () => {
    const r = await run(snapperConfig, { name, state: 'absent' });
    expect(r.changes.map((c) => c.action)).toEqual(['delete-snapshots', 'delete-config']);
    expect(r.status).toBe('changed');
    expect((await sh(['snapper', '--no-dbus', 'list-configs'])).out).not.toContain(name);
    expect((await sh(['stat', `${subvolume}/.snapshots`])).rc).not.toBe(0);
    expect((await run(snapperConfig, { name, state: 'absent' })).status).toBe('ok');
  });
});
