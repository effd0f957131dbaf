import { describe, expect, it } from 'vitest';
import {
  allocate,
  dropLeases,
  editHostsText,
  macForName,
  parseDhcpHosts,
  parseLeases,
  lowestFreeIp,
} from '../../../../../modules/lib/dnsmasq/dhcp-hosts.js';
import { parseCidr } from '../../../../../modules/lib/net/ipv4.js';

const subnet = parseCidr('10.0.3.0/24');

describe('parseDhcpHosts', () => {
  const conf = [
    '# lxc dnsmasq',
    'no-resolv',
    'dhcp-host=00:16:3E:AA:BB:CC,10.0.3.2',
    'dhcp-host=00:16:3e:00:00:11,10.0.3.5,acme-svr,infinite',
    'dhcp-host=set:x,00:16:3e:00:00:12,beta-svr,10.0.3.9,12h',
    'dhcp-hostsfile=/etc/lxc/hosts',
  ].join('\n');
  it('reads conf lines with MAC, IP and name in any order, ignoring tags and lease times', () => {
    expect(parseDhcpHosts(conf, 'conf')).toEqual([
      { index: 2, mac: '00:16:3e:aa:bb:cc', ip: '10.0.3.2' },
      { index: 3, mac: '00:16:3e:00:00:11', ip: '10.0.3.5', name: 'acme-svr' },
      { index: 4, mac: '00:16:3e:00:00:12', ip: '10.0.3.9', name: 'beta-svr' },
    ]);
  });
  it('reads a dhcp-hostsfile (bare values)', () => {
    expect(parseDhcpHosts('# c\n00:16:3e:00:00:11,10.0.3.5,acme-svr\n\n', 'hostsfile')).toEqual([
      { index: 1, mac: '00:16:3e:00:00:11', ip: '10.0.3.5', name: 'acme-svr' },
    ]);
  });
});

describe('parseLeases / dropLeases', () => {
  const leases = '1700000000 00:16:3e:00:00:11 10.0.3.5 acme-svr *\n1700000001 00:16:3e:00:00:99 10.0.3.3 * 01:00\n';
  it('parses lease lines', () => {
    expect(parseLeases(leases)).toEqual([
      { index: 0, mac: '00:16:3e:00:00:11', ip: '10.0.3.5', name: 'acme-svr' },
      { index: 1, mac: '00:16:3e:00:00:99', ip: '10.0.3.3', name: '*' },
    ]);
  });
  it('drops the leases of a host by MAC, IP or name', () => {
    expect(dropLeases(leases, { name: 'acme-svr' })).toBe('1700000001 00:16:3e:00:00:99 10.0.3.3 * 01:00\n');
    expect(dropLeases(leases, { name: 'x', ip: '10.0.3.3' })).toBe('1700000000 00:16:3e:00:00:11 10.0.3.5 acme-svr *\n');
    expect(dropLeases(leases, { name: 'x' })).toBe(leases);
  });
});

describe('allocation', () => {
  const lines = parseDhcpHosts(
    'dhcp-host=00:16:3e:00:00:02,10.0.3.2\ndhcp-host=00:16:3e:00:00:11,10.0.3.4,acme-svr\n',
    'conf',
  );
  it('skips network, gateway, used and leased addresses', () => {
    expect(lowestFreeIp(subnet, '10.0.3.1', ['10.0.3.2', '10.0.3.3'])).toBe('10.0.3.4');
    const tiny = parseCidr('10.9.0.0/30');
    expect(lowestFreeIp(tiny, '10.9.0.1', [])).toBe('10.9.0.2');
    expect(lowestFreeIp(tiny, '10.9.0.1', ['10.9.0.2'])).toBeNull();
  });
  it('keeps the address of a name that already has a line', () => {
    const a = allocate({ name: 'acme-svr' }, lines, [], subnet, '10.0.3.1');
    expect([a.mac, a.ip, a.existing?.index]).toEqual(['00:16:3e:00:00:11', '10.0.3.4', 1]);
  });
  it('gives a new name the lowest free address, also skipping foreign leases', () => {
    const leases = parseLeases('1 00:16:3e:99:99:99 10.0.3.3 other *\n');
    const a = allocate({ name: 'beta-svr' }, lines, leases, subnet, '10.0.3.1');
    expect(a.ip).toBe('10.0.3.5');
    expect(a.existing).toBeUndefined();
    expect(a.mac).toBe(macForName('beta-svr', []));
  });
  it('does not let the own lease of the host block its address', () => {
    const leases = parseLeases('1 00:16:3e:00:00:77 10.0.3.3 beta-svr *\n');
    expect(allocate({ name: 'beta-svr', mac: '00:16:3e:00:00:77' }, lines, leases, subnet, '10.0.3.1').ip).toBe('10.0.3.3');
  });
  it('adopts a legacy nameless line when its MAC is given', () => {
    const a = allocate({ name: 'old-svr', mac: '00:16:3E:00:00:02' }, lines, [], subnet, '10.0.3.1');
    expect([a.ip, a.existing?.index]).toEqual(['10.0.3.2', 0]);
  });
  it.each([
    [{ name: 'x', ip: '10.0.3.4' }, /10.0.3.4 is already used by acme-svr/],
    [{ name: 'x', mac: '00:16:3e:00:00:11' }, /already used by acme-svr/],
    [{ name: 'x', ip: '10.0.4.4' }, /not in the subnet/],
  ])('refuses values held by others: %j', (want, err) => {
    expect(() => allocate(want, lines, [], subnet, '10.0.3.1')).toThrow(err);
  });
  it('derives a stable 00:16:3e MAC from the name and bumps it past collisions', () => {
    const m = macForName('acme-svr', []);
    expect(m).toMatch(/^00:16:3e(:[0-9a-f]{2}){3}$/);
    expect(macForName('acme-svr', [])).toBe(m);
    const bumped = macForName('acme-svr', [m]);
    expect(bumped).not.toBe(m);
    expect(bumped).toMatch(/^00:16:3e/);
  });
});

describe('editHostsText', () => {
  const text = 'no-resolv\ndhcp-host=a,10.0.3.2,x\n';
  const [x] = parseDhcpHosts(text, 'conf');
  it.each([
    ['appends a new line', text, undefined, 'dhcp-host=b,10.0.3.3,y', `${text}dhcp-host=b,10.0.3.3,y\n`],
    ['replaces in place', text, x, 'dhcp-host=c,10.0.3.9,x', 'no-resolv\ndhcp-host=c,10.0.3.9,x\n'],
    ['removes', text, x, null, 'no-resolv\n'],
    ['creates a file', '', undefined, 'l', 'l\n'],
  ])('%s', (_t, before, replace, line, after) => {
    expect(editHostsText(before, replace, line)).toBe(after);
  });
});
