import { describe, expect, it } from 'vitest';
import { ipv4Only, parseIpList, parseLxcInfo } from '../../../../../modules/lib/lxc/info.js';

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
