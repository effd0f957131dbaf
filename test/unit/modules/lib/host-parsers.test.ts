import { describe, expect, it } from 'vitest';
import { ipv4Only, parseIpList, parseLxcInfo } from '../../../../modules/lib/lxc-info.js';
import { parseGetConfig, parseListConfigs, parseSnapshotList } from '../../../../modules/lib/snapper-output.js';
import { nestedSubvolumes, parseShowId, parseShowPath, parseSubvolumeList } from '../../../../modules/lib/btrfs-output.js';
import { editEtcHosts, parseEtcHosts } from '../../../../modules/lib/etc-hosts.js';

const running = `Name:           acme-svr
State:          RUNNING
PID:            4242
IP:             10.0.3.5
IP:             fe80::216:3eff:fe00:11
CPU use:        0.31 seconds
Memory use:     5.20 MiB
Link:           vethQ1
 TX bytes:      1.20 KiB
 RX bytes:      3.10 KiB
`;

describe('parseLxcInfo', () => {
  it.each([
    ['running with addresses', running, '', 0, { state: 'running', pid: 4242, ips: ['10.0.3.5', 'fe80::216:3eff:fe00:11'] }],
    ['stopped', 'Name: x\nState:          STOPPED\n', '', 0, { state: 'stopped', ips: [] }],
    ['starting, no address yet', 'Name: x\nState: STARTING\nPID: 7\n', '', 0, { state: 'starting', pid: 7, ips: [] }],
    ['unknown to lxc (a stopped -f container)', '', "acme-svr doesn't exist\n", 1, { state: 'missing', ips: [] }],
  ])('%s', (_t, out, err, rc, want) => {
    expect(parseLxcInfo(out, err, rc)).toEqual(want);
  });
  it('throws on other failures and unknown states', () => {
    expect(() => parseLxcInfo('', 'Permission denied', 1)).toThrow(/\(rc 1\): Permission denied/);
    expect(() => parseLxcInfo('State: WEIRD\n', '', 0)).toThrow(/unknown state 'WEIRD'/);
  });
  it('reads -iH output and keeps IPv4 only on request', () => {
    const ips = parseIpList('10.0.3.5\nfe80::1\n\n');
    expect(ips).toEqual(['10.0.3.5', 'fe80::1']);
    expect(ipv4Only(ips)).toEqual(['10.0.3.5']);
  });
});

describe('snapper JSON output', () => {
  it('parses list-configs', () => {
    expect(parseListConfigs('{"configs":[{"config":"acme-svr","subvolume":"/srv/x"}]}')).toEqual([
      { name: 'acme-svr', subvolume: '/srv/x' },
    ]);
    expect(parseListConfigs('{"configs":[]}')).toEqual([]);
    expect(() => parseListConfigs('Config | Subvolume')).toThrow(/not JSON/);
  });
  it('parses get-config', () => {
    expect(parseGetConfig('{"NUMBER_LIMIT":"50","ALLOW_USERS":""}')).toEqual({ NUMBER_LIMIT: '50', ALLOW_USERS: '' });
  });
  it('parses list, dropping snapshot 0 and keeping descriptions with separators', () => {
    const text = JSON.stringify({
      c: [
        { number: 0, type: 'single', date: '', cleanup: '', description: 'current' },
        { number: 3, type: 'single', date: '2026-11-27 22:35:04', cleanup: 'number', description: 'a | b, c' },
      ],
    });
    expect(parseSnapshotList(text, 'c')).toEqual([
      { number: 3, type: 'single', date: '2026-11-27 22:35:04', cleanup: 'number', description: 'a | b, c' },
    ]);
    expect(() => parseSnapshotList(text, 'other')).toThrow(/no list for config 'other'/);
  });
});

describe('btrfs output', () => {
  // Real `btrfs subvolume list -a` of btrfs-progs 6.2: one nested path lacks the <FS_TREE>/ prefix.
  const list = `ID 256 gen 8 top level 5 path <FS_TREE>/lxc/os-bases/base
ID 257 gen 11 top level 5 path <FS_TREE>/lxc/containers/acme
ID 258 gen 10 top level 257 path lxc/containers/acme/.snapshots
ID 259 gen 9 top level 258 path <FS_TREE>/lxc/containers/acme/.snapshots/1/snapshot
ID 260 gen 9 top level 258 path <FS_TREE>/lxc/containers/acme/.snapshots/2/snapshot
ID 261 gen 18 top level 5 path <FS_TREE>/lxc/containers/acme2
ID 262 gen 18 top level 261 path <FS_TREE>/lxc/containers/acme2/.snapshots
`;
  it('parses the list, the show path and id', () => {
    expect(parseSubvolumeList(list)[2]).toEqual({ id: 258, parent: 257, path: 'lxc/containers/acme/.snapshots' });
    expect(parseShowPath('lxc/containers/acme\n\tName: acme\n')).toBe('lxc/containers/acme');
    expect(parseShowPath('/\n\tName: <FS_TREE>\n')).toBe('');
    expect(parseShowId('x\n\tSubvolume ID: \t\t257\n')).toBe(257);
  });
  it('lists nested subvolumes by parent chain, deepest first, not siblings with a common prefix', () => {
    expect(nestedSubvolumes('/srv/osm-lxc/lxc/containers/acme', 257, 'lxc/containers/acme', parseSubvolumeList(list))).toEqual([
      '/srv/osm-lxc/lxc/containers/acme/.snapshots/2/snapshot',
      '/srv/osm-lxc/lxc/containers/acme/.snapshots/1/snapshot',
      '/srv/osm-lxc/lxc/containers/acme/.snapshots',
    ]);
    expect(nestedSubvolumes('/m/acme2', 261, 'lxc/containers/acme2', parseSubvolumeList(list))).toEqual(['/m/acme2/.snapshots']);
    expect(nestedSubvolumes('/m/base', 256, 'lxc/os-bases/base', parseSubvolumeList(list))).toEqual([]);
  });
});

describe('/etc/hosts editing', () => {
  const base = '127.0.0.1\tlocalhost\n10.0.3.5 acme-svr # customer\n';
  it('parses address lines, ignoring comments', () => {
    expect(parseEtcHosts(`# c\n${base}`)).toEqual([
      { index: 1, ip: '127.0.0.1', names: ['localhost'] },
      { index: 2, ip: '10.0.3.5', names: ['acme-svr'] },
    ]);
  });
  it.each([
    ['no change when present', base, ['acme-svr'], '10.0.3.5', 'present', base],
    ['adds a missing name', base, ['beta'], '10.0.3.6', 'present', `${base}10.0.3.6\tbeta\n`],
    ['replaces a line with another address', base, ['acme-svr'], '10.0.3.9', 'present', '127.0.0.1\tlocalhost\n10.0.3.9\tacme-svr\n'],
    ['drops duplicates', `${base}10.0.3.5 acme-svr\n`, ['acme-svr'], '10.0.3.5', 'present', base],
    ['splits a shared line', '10.0.3.5 a b\n', ['a'], '10.0.3.5', 'present', '10.0.3.5\tb\n10.0.3.5\ta\n'],
    ['removes on absent', base, ['acme-svr'], '10.0.3.5', 'absent', '127.0.0.1\tlocalhost\n'],
    ['absent with another address leaves it', base, ['acme-svr'], '10.0.3.7', 'absent', base],
    ['absent without address removes any', base, ['acme-svr'], undefined, 'absent', '127.0.0.1\tlocalhost\n'],
    ['absent of a missing name is no change', base, ['zzz'], undefined, 'absent', base],
  ] as const)('%s', (_t, text, names, ip, state, want) => {
    expect(editEtcHosts(text, [...names], ip, state)).toBe(want);
  });
});
