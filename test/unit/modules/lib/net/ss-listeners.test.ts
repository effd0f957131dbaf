import { describe, expect, it } from 'vitest';
import { describeHolder, parseSsListeners } from '../../../../../modules/lib/net/ss-listeners.js';

// Lines as `ss -ltnpH` (iproute2 6.1) prints them here.
const SS = `LISTEN 0      128      0.0.0.0:2024  0.0.0.0:*
LISTEN 0      5      127.0.0.1:18999 0.0.0.0:* users:(("python3",pid=12404,fd=3))
LISTEN 0      511          0.0.0.0:8883       0.0.0.0:*    users:(("nginx",pid=901,fd=7),("nginx",pid=900,fd=7))
LISTEN 0      511             [::]:443           [::]:*    users:(("nginx",pid=901,fd=8))
LISTEN 0      32     10.0.3.1%lxcbr0:53       0.0.0.0:*    users:(("dnsmasq",pid=77,fd=5))
LISTEN 0      4096               *:9100             *:*    users:(("node_exporter",pid=5,fd=3))
`;

describe('parseSsListeners', () => {
  it('reads address, port and the processes holding each socket', () => {
    const l = parseSsListeners(SS);
    expect(l.map((x) => [x.address, x.port, x.processes.map((p) => `${p.name}:${p.pid}`).join(',')])).toEqual([
      ['0.0.0.0', 2024, ''],
      ['127.0.0.1', 18999, 'python3:12404'],
      ['0.0.0.0', 8883, 'nginx:901,nginx:900'],
      ['[::]', 443, 'nginx:901'],
      ['10.0.3.1%lxcbr0', 53, 'dnsmasq:77'],
      ['*', 9100, 'node_exporter:5'],
    ]);
  });

  it('ignores blank and malformed lines', () => {
    expect(parseSsListeners('\n  \nfoo bar\n')).toEqual([]);
  });

  it.each([
    [1, 'python3/12404 on 127.0.0.1:18999'],
    [0, 'an unknown process (0.0.0.0:2024)'],
    [2, 'nginx/901, nginx/900 on 0.0.0.0:8883'],
  ])('describeHolder #%i', (i, want) => {
    const l = parseSsListeners(SS)[i];
    expect(l && describeHolder(l)).toBe(want);
  });
});
