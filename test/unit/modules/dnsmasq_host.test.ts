import { describe, expect, it } from 'vitest';
import dnsmasqHost, { planDnsmasqHost, reservedSources } from '../../../modules/dnsmasq_host.js';
import { argsFor } from '../../helpers/module-args.js';
import { macForName, parseDhcpHosts } from '../../../modules/lib/dnsmasq/dhcp-hosts.js';
import { restartDnsmasqArgv } from '../../../modules/lib/dnsmasq/restart.js';

const withDefaults = argsFor(dnsmasqHost);
const conf = 'no-resolv\ndhcp-host=00:16:3e:00:00:02,10.0.3.2,old-svr\n';
const leases = '1 00:16:3e:00:00:02 10.0.3.2 old-svr *\n1 00:16:3e:99:00:01 10.0.3.3 * *\n';

describe('dnsmasq_host plan', () => {
  it('allocates the lowest free address (skipping leased ones) and a name-derived MAC', () => {
    const changes = planDnsmasqHost(withDefaults({ name: 'acme-svr' }), { text: conf, leases, reserved: [] });
    const mac = macForName('acme-svr', []);
    expect(changes.map((c) => c.action)).toEqual(['write', 'reload']);
    expect(changes[0]?.after).toBe(`${conf}dhcp-host=${mac},10.0.3.4,acme-svr\n`);
    expect(changes[0]?.data).toEqual({ ip: '10.0.3.4', mac });
    // dnsmasq alone, never `lxc-net restart`: that takes the bridge's address away from the host.
    expect(changes[1]?.data).toEqual(restartDnsmasqArgv('/run/lxc/dnsmasq.pid', '/usr/libexec/lxc/lxc-net'));
    expect(changes[1]?.summary).toMatch(/^restart lxc-net's dnsmasq alone .*the bridge staying up/);
  });
  it('brings lxc-net up with the given lxc_net when its dnsmasq is not running', () => {
    const changes = planDnsmasqHost(withDefaults({ name: 'acme-svr', lxc_net: '/opt/lxc-net' }), { text: conf, leases, reserved: [] });
    expect(changes[1]?.data).toEqual(restartDnsmasqArgv('/run/lxc/dnsmasq.pid', '/opt/lxc-net'));
    expect(changes[1]?.summary).toContain('/opt/lxc-net restart when it is not running');
  });
  it('runs an explicit reload_command as given', () => {
    const changes = planDnsmasqHost(withDefaults({ name: 'acme-svr', reload_command: ['/bin/true'] }), { text: conf, leases, reserved: [] });
    expect(changes[1]).toMatchObject({ data: ['/bin/true'], summary: 'reload dnsmasq: /bin/true' });
  });
  it('is no change when the name already has its line', () => {
    expect(planDnsmasqHost(withDefaults({ name: 'old-svr' }), { text: conf, leases, reserved: [] })).toEqual([]);
    expect(planDnsmasqHost(withDefaults({ name: 'old-svr', ip: '10.0.3.2' }), { text: conf, leases, reserved: [] })).toEqual([]);
  });
  it('moves a name to a given address', () => {
    const [w] = planDnsmasqHost(withDefaults({ name: 'old-svr', ip: '10.0.3.9' }), { text: conf, leases, reserved: [] });
    expect(w?.after).toBe('no-resolv\ndhcp-host=00:16:3e:00:00:02,10.0.3.9,old-svr\n');
  });
  it('writes bare lines to a hostsfile and reloads with SIGHUP', () => {
    const changes = planDnsmasqHost(withDefaults({ name: 'b', format: 'hostsfile', mac: '00:16:3e:00:00:0b' }), { text: '', leases: '', reserved: [] });
    expect(changes[0]?.after).toBe('00:16:3e:00:00:0b,10.0.3.2,b\n');
    expect(changes[1]?.data).toEqual(['pkill', '-HUP', '-F', '/run/lxc/dnsmasq.pid']);
  });
  it('absent removes the line and the leases; no reload with reload_command []', () => {
    const changes = planDnsmasqHost(withDefaults({ name: 'old-svr', state: 'absent', reload_command: [] }), { text: conf, leases, reserved: [] });
    expect(changes.map((c) => [c.action, c.after])).toEqual([
      ['write', 'no-resolv\n'],
      ['drop-lease', '1 00:16:3e:99:00:01 10.0.3.3 * *\n'],
    ]);
    expect(planDnsmasqHost(withDefaults({ name: 'gone', state: 'absent' }), { text: conf, leases, reserved: [] })).toEqual([]);
  });
  it('refuses an address held by another name', () => {
    expect(() => planDnsmasqHost(withDefaults({ name: 'x', ip: '10.0.3.2' }), { text: conf, leases, reserved: [] })).toThrow(/already used by old-svr/);
  });
  it('skips addresses and MACs of reserved files, editing only its own file', () => {
    const reserved = parseDhcpHosts('dhcp-host=00:16:3e:00:00:03,10.0.3.3\n', 'conf');
    const [w] = planDnsmasqHost(withDefaults({ name: 'n', format: 'hostsfile', file: '/h' }), { text: '', leases: '', reserved });
    expect(w?.after).toBe(`${macForName('n', [])},10.0.3.2,n\n`);
    const [w2] = planDnsmasqHost(withDefaults({ name: 'n', format: 'hostsfile', file: '/h', ip: '10.0.3.4' }), { text: '', leases: '', reserved: parseDhcpHosts('dhcp-host=00:16:3e:00:00:03,10.0.3.2\n', 'conf') });
    expect(w2?.after).toContain(',10.0.3.4,n');
    expect(() => planDnsmasqHost(withDefaults({ name: 'n', format: 'hostsfile', file: '/h', ip: '10.0.3.3' }), { text: '', leases: '', reserved })).toThrow(/already used/);
  });
  it.each([
    ['hostsfile: the OSM conf', { name: 'n', format: 'hostsfile' as const, file: '/etc/lxc/h' }, '', [{ path: '/etc/lxc/dnsmasq.conf', format: 'conf' }]],
    ['conf: the hostsfiles it names', { name: 'n' }, 'dhcp-hostsfile=/etc/lxc/h\n', [{ path: '/etc/lxc/h', format: 'hostsfile' }]],
    ['explicit', { name: 'n', reserved_files: ['/x'] }, '', [{ path: '/x', format: 'conf' }]],
  ])('reserved files by default: %s', (_t, args, text, want) => {
    expect(reservedSources(withDefaults(args), text)).toEqual(want);
  });
});
