import { describe, expect, it } from 'vitest';
import { linkNameOf, peerIndexOf, planLimits, type LimitsState } from '../../../modules/container_limits.js';
import {
  formatRate, formatSize, parseCgroupLimit, parseRate, parseRootQdisc, parseSize, sameMemoryLimit, sameRate, tbfArgv, tbfBurstBytes,
} from '../../../modules/lib/osm/limits.js';

describe('limit parsing', () => {
  it.each([
    ['512M', 512 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['65536', 65536],
    ['64K', 65536],
    ['max', null],
  ] as const)('size %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
    expect(formatSize(bytes)).toBe(text === '65536' ? '64K' : text);
  });

  it.each(['', '512MB', '-1', '1.5G', 'unlimited', ' 512M'])('refuses the size %j', (text) => {
    expect(() => parseSize(text)).toThrow(/not a memory size/);
  });

  it.each([
    ['10mbit', 10_000_000],
    ['500kbit', 500_000],
    ['1gbit', 1_000_000_000],
    ['9600bit', 9600],
  ] as const)('rate %s', (text, bps) => {
    expect(parseRate(text)).toBe(bps);
    expect(formatRate(bps)).toBe(text);
  });

  it.each(['10Mbit', '10mbps', '10', 'none', '0mbit', '1.5mbit'])('refuses the rate %j', (text) => {
    expect(() => parseRate(text)).toThrow(/rate/);
  });

  it('reads cgroup limits of both versions, with "none" spelled either way', () => {
    expect(parseCgroupLimit('max\n')).toBeNull();
    expect(parseCgroupLimit('9223372036854771712\n')).toBeNull();
    expect(parseCgroupLimit('536870912\n')).toBe(536870912);
    expect(() => parseCgroupLimit('')).toThrow(/not a cgroup memory limit/);
  });

  it('compares memory limits in whole pages, as the kernel keeps them', () => {
    expect(sameMemoryLimit(1_000_000, 999_424)).toBe(true);
    expect(sameMemoryLimit(512 * 1024 ** 2, 256 * 1024 ** 2)).toBe(false);
    expect(sameMemoryLimit(null, null)).toBe(true);
    expect(sameMemoryLimit(null, 640 * 1024 ** 2)).toBe(false);
  });
});

describe('tbf on the veth', () => {
  it('reads the root qdisc from tc -j (tbf rates are bytes per second there)', () => {
    expect(parseRootQdisc('[{"kind":"tbf","handle":"8001:","root":true,"refcnt":3,"options":{"rate":1250000,"burst":125000,"lat":100000}}]')).toEqual({ kind: 'tbf', bps: 10_000_000 });
    expect(parseRootQdisc('[{"kind":"noqueue","handle":"0:","root":true,"refcnt":2,"options":{}}]')).toEqual({ kind: 'noqueue', bps: null });
    expect(parseRootQdisc('')).toBeNull();
    expect(() => parseRootQdisc('Cannot find device "veth0"')).toThrow(/no JSON/);
  });

  it('takes a tbf of the rate as the limit, and anything else as none', () => {
    expect(sameRate(10_000_000, { kind: 'tbf', bps: 10_000_000 })).toBe(true);
    expect(sameRate(20_000_000, { kind: 'tbf', bps: 10_000_000 })).toBe(false);
    expect(sameRate(null, { kind: 'noqueue', bps: null })).toBe(true);
    expect(sameRate(null, { kind: 'tbf', bps: 10_000_000 })).toBe(false);
    expect(sameRate(10_000_000, { kind: 'noqueue', bps: null })).toBe(false);
  });

  it('sizes the bucket to 10 ms of the rate, at least 16 KiB', () => {
    expect(tbfBurstBytes(1_000_000)).toBe(16384);
    expect(tbfBurstBytes(1_000_000_000)).toBe(1_250_000);
    expect(tbfArgv('vethAB', 10_000_000)).toEqual(['tc', 'qdisc', 'replace', 'dev', 'vethAB', 'root', 'tbf', 'rate', '10000000bit', 'burst', '16384', 'latency', '100ms']);
  });

  it("finds the host-side veth from the container's eth0 and the host's links", () => {
    const inner = '2: eth0@if82: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 00:16:3e:9a:33:40 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n';
    expect(peerIndexOf(inner)).toBe('82');
    expect(peerIndexOf('2: eth0: <BROADCAST> mtu 1500\n')).toBeNull();
    const links = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00',
      '8: lxcbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000',
      '820: vethQQ@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master lxcbr0 state UP',
      '82: vethxxvaH6@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master lxcbr0 state UP',
    ].join('\n');
    expect(linkNameOf(links, '82')).toBe('vethxxvaH6');
    expect(linkNameOf(links, '8')).toBe('lxcbr0');
    expect(linkNameOf(links, '83')).toBeNull();
  });
});

describe('container_limits plan', () => {
  const running: LimitsState = { running: true, cgroupV2: false, veth: 'vethAB', memory: null, qdisc: { kind: 'noqueue', bps: null } };

  it('sets both limits live on a running container that lacks them (cgroup v1 key)', () => {
    const changes = planLimits({ name: 'acme-svr', memory: '512M', bandwidth: '10mbit' }, running);
    expect(changes.map((c) => c.data)).toEqual([
      ['lxc-cgroup', '-n', 'acme-svr', 'memory.limit_in_bytes', '536870912'],
      ['tc', 'qdisc', 'replace', 'dev', 'vethAB', 'root', 'tbf', 'rate', '10000000bit', 'burst', '16384', 'latency', '100ms'],
    ]);
    expect(changes[0]?.before).toBe('memory.limit_in_bytes = max\n');
    expect(changes[0]?.after).toBe('memory.limit_in_bytes = 512M\n');
    expect(changes[1]?.summary).toBe('set the bandwidth into acme-svr (tbf on vethAB) from none to 10mbit');
  });

  it('uses memory.max under cgroup v2, max for no limit', () => {
    const changes = planLimits({ name: 'acme-svr', memory: 'max' }, { ...running, cgroupV2: true, memory: 640 * 1024 ** 2 });
    expect(changes.map((c) => c.data)).toEqual([['lxc-cgroup', '-n', 'acme-svr', 'memory.max', 'max']]);
  });

  it('removes a tbf when the customer has no bandwidth limit', () => {
    const changes = planLimits({ name: 'acme-svr', bandwidth: 'none' }, { ...running, qdisc: { kind: 'tbf', bps: 10_000_000 } });
    expect(changes.map((c) => c.data)).toEqual([['tc', 'qdisc', 'del', 'dev', 'vethAB', 'root']]);
  });

  it('plans nothing when the live limits are the asked ones', () => {
    const s: LimitsState = { ...running, memory: 536870912, qdisc: { kind: 'tbf', bps: 10_000_000 } };
    expect(planLimits({ name: 'acme-svr', memory: '512M', bandwidth: '10mbit' }, s)).toEqual([]);
  });

  it('leaves a stopped container to its config and the veth hook', () => {
    expect(planLimits({ name: 'acme-svr', memory: '512M', bandwidth: '10mbit' }, { running: false, cgroupV2: false, veth: null })).toEqual([]);
  });
});
