import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import btrfsSubvolume from '../../../modules/btrfs_subvolume.js';
import { ensureLab } from '../../helpers/lab.js';
import { LXC_ROOT, run, sh } from './lab-host.js';

const path = `${LXC_ROOT}/containers/t5a-sv`;
const snap = `${LXC_ROOT}/deleted/t5a-sv-snap`;

async function removeAll(): Promise<void> {
  await sh(['snapper', '--no-dbus', '-c', 't5a-sv', 'delete-config']);
  for (const p of [snap, `${path}/.snapshots/1/snapshot`, `${path}/.snapshots`, path]) {
    if ((await sh(['stat', '-c', '%i', p])).out.trim() === '256') await sh(['btrfs', 'subvolume', 'delete', p]);
  }
}

describe('btrfs_subvolume (lab)', () => {
  beforeAll(async () => {
    await ensureLab();
    await removeAll();
  });
  afterAll(removeAll);

  it('creates a subvolume: changed, then ok', async () => {
    expect((await run(btrfsSubvolume, { path })).status).toBe('changed');
    expect((await sh(['stat', '-c', '%i', path])).out.trim()).toBe('256');
    expect((await run(btrfsSubvolume, { path })).status).toBe('ok');
  });

  it('check mode reports a snapshot it would make and makes none', async () => {
    const r = await run(btrfsSubvolume, { path: snap, snapshot_of: path, readonly: true }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.changes[0]?.summary).toContain('read-only snapshot');
    expect((await sh(['stat', snap])).rc).not.toBe(0);
  });

  it('makes a read-only snapshot, and flips it writable', async () => {
    expect((await run(btrfsSubvolume, { path: snap, snapshot_of: path, readonly: true })).status).toBe('changed');
    expect((await sh(['btrfs', 'property', 'get', '-ts', snap, 'ro'])).out.trim()).toBe('ro=true');
    expect((await run(btrfsSubvolume, { path: snap, snapshot_of: path, readonly: true })).status).toBe('ok');
    expect((await run(btrfsSubvolume, { path: snap, readonly: false })).status).toBe('changed');
    expect((await sh(['btrfs', 'property', 'get', '-ts', snap, 'ro'])).out.trim()).toBe('ro=false');
  });

  it('absent removes nested snapper snapshots first', async () => {
    expect((await sh(['snapper', '--no-dbus', '-c', 't5a-sv', 'create-config', path])).rc).toBe(0);
    expect((await sh(['snapper', '--no-dbus', '-c', 't5a-sv', 'create', '-d', 'x'])).rc).toBe(0);
    // Forget the config (keeping its .snapshots) the way a half-finished delete would leave it.
    await sh(['sh', '-c', 'rm -f /etc/snapper/configs/t5a-sv && sed -i "s/ *t5a-sv//" /etc/default/snapper']);
    const r = await run(btrfsSubvolume, { path, state: 'absent' });
    expect(r.error).toBeUndefined();
    expect(r.changes.map((c) => c.target)).toEqual([`${path}/.snapshots/1/snapshot`, `${path}/.snapshots`, path]);
    expect((await sh(['stat', path])).rc).not.toBe(0);
    expect((await run(btrfsSubvolume, { path, state: 'absent' })).status).toBe('ok');
  });

  it('fails clearly off btrfs and on a plain directory', async () => {
    const off = await run(btrfsSubvolume, { path: '/tmp/t5a-not-btrfs' });
    expect(off.status).toBe('failed');
    expect(off.error).toMatch(/not btrfs/);
    const plainDir = `${LXC_ROOT}/deleted`;
    const plain = await run(btrfsSubvolume, { path: plainDir, state: 'absent' });
    expect(plain.error).toMatch(/not a btrfs subvolume/);
  });
});
