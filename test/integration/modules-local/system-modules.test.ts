// Modules that manage the system itself, run for real on this machine with throwaway names.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import group from '../../../modules/group.js';
import ping from '../../../modules/ping.js';
import reboot from '../../../modules/reboot.js';
import slurp from '../../../modules/slurp.js';
import user from '../../../modules/user.js';
import waitForConnection from '../../../modules/wait_for_connection.js';
import { localLab } from './harness.js';

const lab = localLab();
const tag = `osmt${process.pid % 100000}`;
const G = `${tag}g`;
const U = `${tag}u`;
afterAll(() => {
  spawnSync('userdel', ['-r', U], { stdio: 'ignore' });
  spawnSync('groupdel', [G], { stdio: 'ignore' });
  lab.cleanup();
});

const getent = (db: string, key: string) => spawnSync('getent', [db, key], { encoding: 'utf8' }).stdout.trim();

describe('ping, slurp, wait_for_connection, reboot', () => {
  it('ping answers pong, slurp returns base64, reboot refuses', async () => {
    expect(await lab.run(ping, {})).toMatchObject({ status: 'ok', data: { ping: 'pong' } });
    expect((await lab.run(ping, { data: 'crash' })).status).toBe('failed');
    writeFileSync(join(lab.dir, 's'), 'héllo\n');
    const s = await lab.run(slurp, { src: join(lab.dir, 's') });
    expect(Buffer.from(String(s.data.content), 'base64').toString()).toBe('héllo\n');
    expect((await lab.run(slurp, { src: join(lab.dir, 'none') })).status).toBe('failed');
    expect(await lab.run(waitForConnection, { timeout: 5 })).toMatchObject({ status: 'ok' });
    const r = await lab.run(reboot, {});
    expect(r.status).toBe('failed');
    expect(r.error).toContain('does not reboot hosts');
  });
});

describe('group and user', () => {
  it('creates, modifies and removes a group and a user, idempotently', async () => {
    expect((await lab.run(group, { name: G, gid: 45678 }, { check: true })).status).toBe('changed');
    expect(getent('group', G)).toBe('');
    expect((await lab.run(group, { name: G, gid: 45678 })).status).toBe('changed');
    expect(getent('group', G)).toBe(`${G}:x:45678:`);
    expect((await lab.run(group, { name: G, gid: 45678 })).status).toBe('ok');

    const ua = { name: U, uid: 45679, groups: [G], shell: '/bin/sh', comment: 'osm-play test', home: join(lab.dir, 'home') };
    expect((await lab.run(user, ua)).status).toBe('changed');
    expect(getent('passwd', U)).toBe(`${U}:x:45679:45679:osm-play test:${join(lab.dir, 'home')}:/bin/sh`);
    expect(getent('group', G)).toBe(`${G}:x:45678:${U}`);
    expect((await lab.run(user, ua)).status).toBe('ok');
    expect((await lab.run(user, { ...ua, groups: [] })).status).toBe('changed');
    expect(getent('group', G)).toBe(`${G}:x:45678:`);
    expect((await lab.run(user, { name: U, password: '$6$x$y' })).status).toBe('changed');
    expect((await lab.run(user, { name: U, password: '$6$x$y' })).status).toBe('ok');

    expect((await lab.run(user, { name: U, state: 'absent', remove: true })).status).toBe('changed');
    expect(getent('passwd', U)).toBe('');
    expect((await lab.run(user, { name: U, state: 'absent' })).status).toBe('ok');
    expect((await lab.run(group, { name: G, state: 'absent' })).status).toBe('changed');
    expect((await lab.run(group, { name: G, state: 'absent' })).status).toBe('ok');
  });
});
