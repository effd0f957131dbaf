import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsmasqHost from '../../../modules/dnsmasq_host.js';
import { ensureLab } from '../../helpers/lab.js';
import { labDhcpFile, run, sh } from './lab-host.js';

// lxc-net's real file (its dhcp-hostsfile when the lab's dnsmasq.conf names one: reloaded by SIGHUP) and dnsmasq.
const live = labDhcpFile();
const HOSTSFILE = live.file;
// A private conf file for the cases that must not disturb the lab's dnsmasq.
const dir = mkdtempSync('/tmp/t5a-dnsmasq-');
const conf = join(dir, 'dnsmasq.conf');
const leases = join(dir, 'leases');
const priv = { file: conf, leases_file: leases, reload_command: [] as string[] };

describe('dnsmasq_host (lab)', () => {
  beforeAll(async () => {
    await ensureLab();
    writeFileSync(conf, 'no-resolv\n');
    writeFileSync(leases, '');
  });
  afterAll(async () => {
    for (const name of ['t5a-dh1', 't5a-dh2']) await run(dnsmasqHost, { ...live, name, state: 'absent' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('allocates a free address in lxc-net\'s file: changed, then ok with the same address', async () => {
    const first = await run(dnsmasqHost, { ...live, name: 't5a-dh1' });
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('changed');
    expect(first.data.ip).toMatch(/^10\.0\.3\.\d+$/);
    expect(first.data.mac).toMatch(/^00:16:3e:/);
    expect(readFileSync(HOSTSFILE, 'utf8')).toContain(`${String(first.data.mac)},${String(first.data.ip)},t5a-dh1`);
    const again = await run(dnsmasqHost, { ...live, name: 't5a-dh1' });
    expect([again.status, again.data.ip, again.data.mac]).toEqual(['ok', first.data.ip, first.data.mac]);
    // The lab's dnsmasq is still running after the reload.
    expect((await sh(['pkill', '-0', '-F', '/run/lxc/dnsmasq.pid'])).rc).toBe(0);
  });

  it('check mode shows the allocation it would make and writes nothing', async () => {
    const before = readFileSync(HOSTSFILE, 'utf8');
    const r = await run(dnsmasqHost, { ...live, name: 't5a-dh2' }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.data.ip).toMatch(/^10\.0\.3\.\d+$/);
    expect(r.diff).toContain(`,${String(r.data.ip)},t5a-dh2`);
    expect(readFileSync(HOSTSFILE, 'utf8')).toBe(before);
    const real = await run(dnsmasqHost, { ...live, name: 't5a-dh2' });
    expect([real.data.ip, real.data.mac]).toEqual([r.data.ip, r.data.mac]);
  });

  it('rejects a file dnsmasq --test finds broken and leaves the previous file intact', async () => {
    writeFileSync(conf, 'no-resolv\nbogus-option=1\n');
    const r = await run(dnsmasqHost, { ...priv, name: 't5a-bad' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/dnsmasq --test rejected/);
    expect(readFileSync(conf, 'utf8')).toBe('no-resolv\nbogus-option=1\n');
    writeFileSync(conf, 'no-resolv\n');
  });

  it('two runs allocating at once get different addresses', async () => {
    const [a, b] = await Promise.all([run(dnsmasqHost, { ...priv, name: 't5a-c1' }), run(dnsmasqHost, { ...priv, name: 't5a-c2' })]);
    expect([a?.status, b?.status]).toEqual(['changed', 'changed']);
    expect(a?.data.ip).not.toBe(b?.data.ip);
    const text = readFileSync(conf, 'utf8');
    expect(text).toContain(`,${String(a?.data.ip)},t5a-c1`);
    expect(text).toContain(`,${String(b?.data.ip)},t5a-c2`);
  });

  it('absent removes the line and the name\'s lease', async () => {
    const mine = await run(dnsmasqHost, { ...priv, name: 't5a-c1' });
    writeFileSync(leases, `1 ${String(mine.data.mac)} ${String(mine.data.ip)} t5a-c1 *\n2 00:16:3e:77:77:77 10.0.3.250 other *\n`);
    const r = await run(dnsmasqHost, { ...priv, name: 't5a-c1', state: 'absent' });
    expect(r.status).toBe('changed');
    expect(readFileSync(conf, 'utf8')).not.toContain('t5a-c1');
    expect(readFileSync(leases, 'utf8')).toBe('2 00:16:3e:77:77:77 10.0.3.250 other *\n');
    expect((await run(dnsmasqHost, { ...priv, name: 't5a-c1', state: 'absent' })).status).toBe('ok');
  });
});
