// rsync to the lab backup host (sshd on 127.0.0.1:2223, /srv/backups) and to a local path.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import rsync from '../../../modules/rsync.js';
import { run } from './lab-host.js';

const src = mkdtempSync(join(tmpdir(), 't5b-rsync-src-'));
const localDest = mkdtempSync(join(tmpdir(), 't5b-rsync-dst-'));
const remoteDir = '/srv/backups/t5b-rsync';
const ssh = { ssh_port: 2223, ssh_key: '/var/lib/osm-lab/ssh/id_ed25519', known_hosts: '/var/lib/osm-lab/ssh/known_hosts' };
const remote = { src: `${src}/`, dest: `osmlab@127.0.0.1:${remoteDir}/`, delete: true, ...ssh };

beforeAll(async () => {
  await ensureLab();
  mkdirSync(join(src, 'sub'));
  writeFileSync(join(src, 'a.txt'), 'alpha\n');
  writeFileSync(join(src, 'sub', 'b.txt'), 'beta\n');
  writeFileSync(join(src, 'skip.tmp'), 'tmp\n');
});

afterAll(() => {
  for (const d of [src, localDest, remoteDir]) rmSync(d, { recursive: true, force: true });
});

describe('rsync (lab backup sshd)', () => {
  it('copies over ssh (changed), then again is ok', async () => {
    const r = await run(rsync, { ...remote, excludes: ['*.tmp'] });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(readFileSync(`${remoteDir}/sub/b.txt`, 'utf8')).toBe('beta\n');
    expect(existsSync(`${remoteDir}/skip.tmp`)).toBe(false);
    const again = await run(rsync, { ...remote, excludes: ['*.tmp'] });
    expect(again.status).toBe('ok');
  });

  it('check mode lists what would change and alters nothing', async () => {
    writeFileSync(join(src, 'a.txt'), 'alpha two\n');
    const r = await run(rsync, { ...remote, excludes: ['*.tmp'] }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.diff).toMatch(/\+<f\.s[.t]\S* a\.txt/);
    expect(readFileSync(`${remoteDir}/a.txt`, 'utf8')).toBe('alpha\n');
  });

  it('delete removes files gone from src; changed comes from the itemized output', async () => {
    rmSync(join(src, 'sub'), { recursive: true });
    const r = await run(rsync, { ...remote, excludes: ['*.tmp'] });
    expect(r.status).toBe('changed');
    expect(r.data.itemized).toContain('delete sub/b.txt');
    expect(existsSync(`${remoteDir}/sub`)).toBe(false);
    expect(readFileSync(`${remoteDir}/a.txt`, 'utf8')).toBe('alpha two\n');
  });

  it('refuses an unknown host key (strict known_hosts)', async () => {
    const empty = join(localDest, 'empty_known_hosts');
    writeFileSync(empty, '');
    const r = await run(rsync, { ...remote, known_hosts: empty });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/Host key verification failed|rc 255/);
  });

  it('copies to a local path too', async () => {
    const r = await run(rsync, { src: `${src}/`, dest: `${localDest}/copy/` });
    expect(r.status).toBe('changed');
    expect(readFileSync(join(localDest, 'copy', 'skip.tmp'), 'utf8')).toBe('tmp\n');
    expect((await run(rsync, { src: `${src}/`, dest: `${localDest}/copy/` })).status).toBe('ok');
  });
});
