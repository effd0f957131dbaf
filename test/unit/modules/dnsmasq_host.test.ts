import { describe, expect, it } from 'vitest';
import { planDnsmasqHost } from '../../../modules/dnsmasq_host.js';
import { macForName } from '../../../modules/lib/dhcp-hosts.js';

const conf = 'no-resolv\ndhcp-host=00:16:3e:00:00:02,10.0.3.2,old-svr\n';
const leases = '1 00:16:3e:00:00:02 10.0.3.2 old-svr *\n1 00:16:3e:99:00:01 10.0.3.3 * *\n';

describe('dnsmasq_host plan', () => {
  it('allocates the lowest free address (skipping leased ones) and a name-derived MAC', () => {
    const changes = planDnsmasqHost({ name: 'acme-svr' }, { text: conf, leases });
    const mac = macForName('acme-svr', []);
    expect(changes.map((c) => c.action)).toEqual(['write', 'reload']);
    expect(changes[0]?.after).toBe(`${conf}dhcp-host=${mac},10.0.3.4,acme-svr\n`);
    expect(changes[0]?.data).toEqual({ ip: '10.0.3.4', mac });
    expect(changes[1]?.data).toEqual(['/usr/libexec/lxc/lxc-net', 'restart']);
  });
  it('is no change when the name already has its line', () => {
    expect(planDnsmasqHost({ name: 'old-svr' }, { text: conf, leases })).toEqual([]);
    expect(planDnsmasqHost({ name: 'old-svr', ip: '10.0.3.2' }, { text: conf, leases })).toEqual([]);
  });
  it('moves a name to a given address', () => {
    const [w] = planDnsmasqHost({ name: 'old-svr', ip: '10.0.3.9' }, { text: conf, leases });
    expect(w?.after).toBe('no-resolv\ndhcp-host=00:16:3e:00:00:02,10.0.3.9,old-svr\n');
  });
  it('writes bare lines to a hostsfile and reloads with SIGHUP', () => {
    const changes = planDnsmasqHost({ name: 'b', format: 'hostsfile', mac: '00:16:3e:00:00:0b' }, { text: '', leases: '' });
    expect(changes[0]?.after).toBe('00:16:3e:00:00:0b,10.0.3.2,b\n');
    expect(changes[1]?.data).toEqual(['pkill', '-HUP', '-F', '/run/lxc/dnsmasq.pid']);
  });
  it('absent removes the line and the leases; no reload with reload_command []', () => {
    const changes = planDnsmasqHost({ name: 'old-svr', state: 'absent', reload_command: [] }, { text: conf, leases });
    expect(changes.map((c) => [c.action, c.after])).toEqual([
      ['write', 'no-resolv\n'],
      ['drop-lease', '1 00:16:3e:99:00:01 10.0.3.3 * *\n'],
    ]);
    expect(planDnsmasqHost({ name: 'gone', state: 'absent' }, { text: conf, leases })).toEqual([]);
  });
  it('refuses an address held by another name', () => {
    expect(() => planDnsmasqHost({ name: 'x', ip: '10.0.3.2' }, { text: conf, leases })).toThrow(/already used by old-svr/);
  });
});
