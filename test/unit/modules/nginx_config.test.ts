import { describe, expect, it } from 'vitest';
import { nginxMessage } from '../../../modules/lib/nginx/control.js';
import { streamPortConflicts, type PortFacts } from '../../../modules/lib/nginx/ports.js';
import { parseSsListeners } from '../../../modules/lib/net/ss-listeners.js';
import { planNginxConfig } from '../../../modules/nginx_config.js';

const PATH = '/etc/nginx/devtank/customers.stream.d/acme.conf';
const facts: PortFacts = {
  streamListens: [
    { file: '/etc/nginx/devtank/customers.stream.d/beta.conf', line: 2, port: 8884, udp: false },
    { file: PATH, line: 2, port: 8883, udp: false },
    { file: '/etc/nginx/devtank/customers.stream.d/dns.conf', line: 4, port: 5353, udp: true },
  ],
  listeners: parseSsListeners(`LISTEN 0 511 0.0.0.0:8883 0.0.0.0:* users:(("nginx",pid=901,fd=7),("nginx",pid=900,fd=7))
LISTEN 0 511 0.0.0.0:8884 0.0.0.0:* users:(("nginx",pid=901,fd=8),("nginx",pid=900,fd=8))
LISTEN 0 5 127.0.0.1:18999 0.0.0.0:* users:(("python3",pid=12404,fd=3))
LISTEN 0 128 0.0.0.0:2024 0.0.0.0:*
`),
  nginxMaster: 900,
};
const server = (listen: string) => `server {\n  listen ${listen};\n  proxy_pass acme-svr:1883;\n}\n`;

describe('streamPortConflicts', () => {
  it.each([
    ['the port this file already has (held by our nginx)', '8883 ssl', []],
    ['a free port', '8890 ssl', []],
    ['a udp port used by udp elsewhere is not checked', '5353 udp', []],
    ['a port of another file, named by file:line', '8884 ssl', ['stream port 8884 is already used by /etc/nginx/devtank/customers.stream.d/beta.conf:2']],
    ['a port held by another program, named by program/pid', '127.0.0.1:18999', ['stream port 18999 is already held by python3/12404 on 127.0.0.1:18999']],
    ['a port held by a process ss cannot name', '2024', ['stream port 2024 is already held by an unknown process (0.0.0.0:2024)']],
  ])('%s', (_n, listen, want) => {
    expect(streamPortConflicts(PATH, server(listen), facts)).toEqual(want);
  });

  it('a socket of nginx that is not this instance is foreign', () => {
    expect(streamPortConflicts('/other.conf', server('8883'), { ...facts, streamListens: [], nginxMaster: 1 })).toEqual([
      'stream port 8883 is already held by nginx/901, nginx/900 on 0.0.0.0:8883',
    ]);
  });
});

describe('planNginxConfig', () => {
  const a = { path: PATH, kind: 'stream' as const, state: 'present' as const, reload: true, nginx_conf: '/n/nginx.conf', nginx_prefix: '/n' };
  const actions = (changes: { action: string }[]) => changes.map((c) => c.action);

  it('same content: no change, no reload', () => {
    expect(planNginxConfig(a, { current: 'x', desired: 'x' })).toEqual([]);
  });
  it('new file: create, then test + reload', () => {
    const c = planNginxConfig(a, { current: null, desired: server('8890'), ports: facts });
    expect(actions(c)).toEqual(['create', 'reload']);
    expect(c[1]?.summary).toBe('would run: nginx -p /n -c /n/nginx.conf -t, then reload nginx (or start it)');
  });
  it('changed file without reload: write, then test only', () => {
    expect(actions(planNginxConfig({ ...a, kind: 'http', reload: false }, { current: 'a', desired: 'b' }))).toEqual(['write', 'test']);
  });
  it('refuses a taken port, naming the holder', () => {
    expect(() => planNginxConfig(a, { current: null, desired: server('8884'), ports: facts })).toThrow(
      'refusing to write /etc/nginx/devtank/customers.stream.d/acme.conf: stream port 8884 is already used by /etc/nginx/devtank/customers.stream.d/beta.conf:2',
    );
  });
  it('refuses a stream file no stream include loads', () => {
    const ports = { ...facts, streamIncludes: ['/etc/nginx/devtank/customers.stream.d/*.conf'] };
    expect(planNginxConfig(a, { current: null, desired: server('8890'), ports }).length).toBe(2);
    expect(() => planNginxConfig({ ...a, path: '/etc/nginx/stream/acme.conf' }, { current: null, desired: server('8890'), ports })).toThrow(
      'refusing to write /etc/nginx/stream/acme.conf: it is not included by any include inside stream {} (/etc/nginx/devtank/customers.stream.d/*.conf): nginx would never load it',
    );
  });
  it.each([
    [null, []],
    ['old', ['delete', 'reload']],
  ])('absent with current %j', (current, want) => {
    expect(actions(planNginxConfig({ ...a, state: 'absent' }, { current }))).toEqual(want);
  });
});

describe('nginxMessage', () => {
  it.each([
    [
      '2026/11/27 22:44:58 [emerg] 1#1: unknown directive "bogus" in /x.conf:1\nnginx: configuration file /n.conf test failed\n',
      '2026/11/27 22:44:58 [emerg] 1#1: unknown directive "bogus" in /x.conf:1',
    ],
    ['nginx: [emerg] bind() to 10.9.9.9:1 failed (99)\n', 'nginx: [emerg] bind() to 10.9.9.9:1 failed (99)'],
    ['one\ntwo\nthree\n', 'two; three'],
    ['', 'no message'],
  ])('%j', (stderr, want) => {
    expect(nginxMessage(stderr)).toBe(want);
  });
});
