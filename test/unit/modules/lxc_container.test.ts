import { describe, expect, it } from 'vitest';
import { planContainer, type ContainerState } from '../../../modules/lxc_container.js';

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
