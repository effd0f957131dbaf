// apt for real on this machine: check mode for packages from the archive, and a throwaway .deb built
// here (installed, found installed, purged).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import apt from '../../../modules/apt.js';
import pkg from '../../../modules/package.js';
import { localLab } from './harness.js';

const lab = localLab();
const DEB_NAME = 'osm-play-test-deb';
afterAll(() => {
  spawnSync('dpkg', ['--purge', DEB_NAME], { stdio: 'ignore' });
  lab.cleanup();
});
const status = (p: string) => spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Status}', p], { encoding: 'utf8' }).stdout;

describe('apt', () => {
  it('check mode: a missing package would be installed, an installed one is ok', async () => {
    const missing = await lab.run(apt, { name: 'sl', state: 'present' }, { check: true });
    expect(missing.status).toBe('changed');
    expect(missing.changes[0].summary).toContain('apt-get install');
    expect(status('sl')).not.toBe('installed');
    expect((await lab.run(apt, { name: 'coreutils' }, { check: true })).status).toBe('ok');
    expect((await lab.run(pkg, { name: 'coreutils', state: 'installed' }, { check: true })).status).toBe('ok');
    expect((await lab.run(apt, { name: 'coreutils', state: 'absent' }, { check: true })).status).toBe('changed');
    expect((await lab.run(apt, { update_cache: true }, { check: true })).status).toBe('changed');
    expect((await lab.run(apt, { update_cache: true, cache_valid_time: 100_000_000 }, { check: true })).status).toBe('ok');
  });

  it('installs a .deb once, then purges it', async () => {
    const root = join(lab.dir, 'deb');
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    writeFileSync(join(root, 'DEBIAN', 'control'), `Package: ${DEB_NAME}\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: test\n`);
    execFileSync('dpkg-deb', ['--build', root, join(lab.dir, 't.deb')], { stdio: 'ignore' });
    const deb = join(lab.dir, 't.deb');
    expect((await lab.run(apt, { deb }, { check: true })).status).toBe('changed');
    expect((await lab.run(apt, { deb })).status).toBe('changed');
    expect(status(DEB_NAME)).toBe('installed');
    expect((await lab.run(apt, { deb })).status).toBe('ok');
    expect((await lab.run(apt, { name: DEB_NAME, state: 'absent', purge: true })).status).toBe('changed');
    expect(status(DEB_NAME)).not.toBe('installed');
    expect((await lab.run(apt, { name: DEB_NAME, state: 'absent', purge: true })).status).toBe('ok');
  });
});
