import { describe, expect, it } from 'vitest';
import { planContainer, type ContainerState } from '../../../modules/lxc_container.js';
import { attachArgv } from '../../../modules/connections/lxc.js';

const st = (state: ContainerState['state'], leftovers: string[] = []): ContainerState => ({ state, ips: [], leftovers });
const base = { name: 'acme-svr', config: '/srv/c/acme-svr/lxc.container.conf' };

describe('lxc_container plan', () => {
  it.each([
    ['started, running', 'started', st('running'), []],
    ['started, missing (stopped -f container)', 'started', st('missing'), ['start']],
    ['started, stopped', 'started', st('stopped'), ['start']],
    ['stopped, running', 'stopped', st('running'), ['stop']],
    ['stopped, missing', 'stopped', st('missing'), []],
    ['restarted, running', 'restarted', st('running'), ['stop', 'start']],
    ['restarted, stopped', 'restarted', st('stopped'), ['start']],
    ['absent, running with leftovers', 'absent', st('running', ['/var/lib/lxc/acme-svr']), ['stop', 'remove']],
    ['absent, missing', 'absent', st('missing'), []],
  ] as const)('%s', (_t, state, s, want) => {
    expect(planContainer({ ...base, state }, s).map((c) => c.action)).toEqual(want);
  });
});

describe('lxc connection argv', () => {
  it('wraps argv in lxc-attach with a clean environment, quoting nothing itself', () => {
    expect(attachArgv('acme-svr', { argv: ['cat', '/etc/host name'] })).toEqual(['lxc-attach', '-n', 'acme-svr', '--clear-env', '--', 'cat', '/etc/host name']);
  });
  it('passes env as env K=V and cwd as a positional argument', () => {
    expect(attachArgv('c1', { argv: ['ls'] }, { env: { A: 'x y' }, cwd: '/tmp' })).toEqual([
      'lxc-attach', '-n', 'c1', '--clear-env', '--', '/bin/sh', '-c', 'cd "$1" || exit 1; shift; exec "$@"', 'sh', '/tmp', 'env', 'A=x y', 'ls',
    ]);
  });
  it('treats become root as a no-op and refuses bad names', () => {
    expect(attachArgv('c1', { argv: ['id'] }, { become: { method: 'sudo', user: 'root' } }).slice(-1)).toEqual(['id']);
    expect(() => attachArgv('-x', { argv: ['id'] })).toThrow(/invalid container name/);
  });
});
