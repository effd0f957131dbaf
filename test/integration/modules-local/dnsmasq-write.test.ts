// dnsmasq_host's write path on a local temp dir with the real `dnsmasq --test`: what the lab test
// checks end to end (validation, compare-and-swap retry, reload rollback), without containers.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHostsFile } from '../../../modules/lib/dnsmasq/write.js';
import { localLab } from './harness.js';

const lab = localLab();
afterAll(() => lab.cleanup());
const leftovers = () => readdirSync(lab.dir).filter((n) => n.includes('osm-play'));
const GOOD = '00:16:3e:00:00:01,10.0.3.5,web\n';
// Not used: every call gives reload_command.
const lxc_net = '/usr/libexec/lxc/lxc-net';

describe('writeHostsFile', () => {
  it('writes a hostsfile that dnsmasq --test accepts, with mode 0644', async () => {
    const file = join(lab.dir, 'good.hosts');
    const leases = join(lab.dir, 'good.leases');
    const r = await writeHostsFile(lab.host, { file, leases_file: leases, format: 'hostsfile', lxc_net, reload_command: ['true'] }, (s) => ({ text: s.text + GOOD, leases: s.leases }));
    expect(r.changed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(GOOD);
    expect(leftovers()).toEqual([]);
  });

  it('refuses what dnsmasq --test rejects and leaves the previous file and no temp files', async () => {
    const file = join(lab.dir, 'bad.hosts');
    writeFileSync(file, GOOD);
    const run = writeHostsFile(lab.host, { file, leases_file: join(lab.dir, 'bad.leases'), format: 'hostsfile', lxc_net, reload_command: ['true'] }, (s) => ({
      text: `${s.text}zz:bad,,,\n`,
      leases: s.leases,
    }));
    await expect(run).rejects.toThrow(/dnsmasq --test rejected the new file, left unchanged: .*bad hex constant/);
    expect(readFileSync(file, 'utf8')).toBe(GOOD);
    expect(leftovers()).toEqual([]);
  });

  it('recomputes on fresh content when another writer changed the file between read and swap', async () => {
    const file = join(lab.dir, 'race.conf');
    writeFileSync(file, '# start\n');
    let calls = 0;
    await writeHostsFile(lab.host, { file, leases_file: join(lab.dir, 'race.leases'), format: 'conf', lxc_net, reload_command: ['true'] }, (s) => {
      calls++;
      // The first time, another writer appends after our read: our swap must not overwrite it.
      if (calls === 1) writeFileSync(file, `${s.text}dhcp-host=00:16:3e:00:00:02,10.0.3.6,other\n`);
      return { text: `${s.text}dhcp-host=${GOOD}`, leases: s.leases };
    });
    expect(calls).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(`# start\ndhcp-host=00:16:3e:00:00:02,10.0.3.6,other\ndhcp-host=${GOOD}`);
    expect(leftovers()).toEqual([]);
  });

  it('gives up clearly when the file keeps changing', async () => {
    const file = join(lab.dir, 'busy.conf');
    writeFileSync(file, '');
    const run = writeHostsFile(lab.host, { file, leases_file: join(lab.dir, 'busy.leases'), format: 'conf', lxc_net, reload_command: ['true'] }, (s) => {
      writeFileSync(file, `${s.text}# other\n`);
      return { text: `${s.text}dhcp-host=${GOOD}`, leases: s.leases };
    });
    await expect(run).rejects.toThrow(/busy.conf kept changing under us \(5 attempts\)/);
    expect(leftovers()).toEqual([]);
  });

  it('puts the previous file back when the reload fails', async () => {
    const file = join(lab.dir, 'reload.conf');
    writeFileSync(file, '# before\n');
    const run = writeHostsFile(lab.host, { file, leases_file: join(lab.dir, 'reload.leases'), format: 'conf', lxc_net, reload_command: ['sh', '-c', 'echo no dnsmasq >&2; exit 1'] }, (s) => ({
      text: `${s.text}dhcp-host=${GOOD}`,
      leases: s.leases,
    }));
    await expect(run).rejects.toThrow(/failed, previous .*reload.conf restored: no dnsmasq/);
    expect(readFileSync(file, 'utf8')).toBe('# before\n');
  });
});
