// scripts/lab/pdns.sh on its own: re-running pdns_up keeps the running daemon and its key, files
// holding secrets are private, and pdns_cleanup leaves neither a process nor a file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning } from '../../helpers/process.js';
import { pdnsSh, startPdns, type PdnsInstance } from './pdns-instance.js';

let pdns: PdnsInstance;
beforeAll(async () => {
  pdns = await startPdns();
});
afterAll(() => pdns?.cleanup());

const pidFile = () => join(pdns.dir, 'run/pdns-test.pid');
const pdnsUid = () => Number(execFileSync('id', ['-u', 'pdns'], { encoding: 'utf8' }).trim());

describe('scripts/lab/pdns.sh', () => {
  it('serves the zone with an SOA and NS', () => {
    const soa = execFileSync('dig', ['@127.0.0.1', '-p', String(pdns.dnsPort), '+short', 'osm-lab.test.', 'SOA'], { encoding: 'utf8' });
    expect(soa.trim()).toMatch(/^ns1\.osm-lab\.test\. hostmaster\.osm-lab\.test\. \d+ 10800 3600 604800 3600$/);
    const ns = execFileSync('dig', ['@127.0.0.1', '-p', String(pdns.dnsPort), '+short', 'osm-lab.test.', 'NS'], { encoding: 'utf8' });
    expect(ns.trim()).toBe('ns1.osm-lab.test.');
  });

  it('keeps the running daemon and its key when run again', () => {
    const pid = Number(readFileSync(pidFile(), 'utf8'));
    const r = pdnsSh(pdns.dir, pdns.env, 'pdns_up');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`pdns already running (pid ${pid})`);
    expect(Number(readFileSync(pidFile(), 'utf8'))).toBe(pid);
    expect(readFileSync(pdns.keyFile, 'utf8').trim()).toBe(pdns.key);
  });

  it('keeps secrets private: the key file is root 0600, pdns.conf holds only a hash, the database is pdns 0600', () => {
    const dir = join(pdns.dir, 'pdns');
    for (const f of ['api-key', 'pdns.conf']) {
      const st = statSync(join(dir, f));
      expect([f, st.mode & 0o777, st.uid]).toEqual([f, 0o600, 0]);
    }
    const conf = readFileSync(join(dir, 'pdns.conf'), 'utf8');
    expect(conf).not.toContain(pdns.key);
    expect(conf).toMatch(/^api-key=\$scrypt\$/m);
    const db = statSync(join(dir, 'pdns.sqlite3'));
    expect([db.mode & 0o777, db.uid]).toEqual([0o600, pdnsUid()]);
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toContain(pdns.key);
  });

  it('pdns_cleanup stops the daemon and removes its files', () => {
    const pid = Number(readFileSync(pidFile(), 'utf8'));
    expect(isRunning(pid)).toBe(true);
    const r = pdnsSh(pdns.dir, pdns.env, 'pdns_cleanup');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`stopped pdns-test (${pid})`);
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(join(pdns.dir, 'pdns'))).toBe(false);
    expect(existsSync(pidFile())).toBe(false);
  });
});
