import { describe, expect, it } from 'vitest';
import { planContainer, type ContainerState } from '../../../modules/lxc_container.js';
import { lxcStartErrors } from '../../../modules/lib/lxc/log.js';

const st = (state: ContainerState['state'], leftovers: string[] = []): ContainerState => ({ state, ips: [], leftovers });
// The schema's defaults, as runModule applies them.
const base = { name: 'acme-svr', config: '/srv/c/acme-svr/lxc.container.conf', timeout: 30, log_level: 'INFO', wait_for_ip: false, wait_for_boot: true };

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

describe('lxc_container plan in check mode before its config exists', () => {
  it('plans the start and says the config is not there yet', () => {
    const [c] = planContainer({ ...base, state: 'started' }, { state: 'missing', ips: [], leftovers: [], configExists: false });
    expect(c?.summary).toBe('start container acme-svr (lxc-start -f /srv/c/acme-svr/lxc.container.conf) (config not there yet)');
  });
});

describe('lxcStartErrors', () => {
  it('keeps the specific errors of the log, dropping warnings and the generic advice', () => {
    const log = [
      'lxc-start c 20261127225831.714 WARN     cgfsng - ../src/lxc/cgroups/cgfsng.c:cgfsng_monitor_destroy:926 - Device or resource busy',
      'lxc-start c 20261127225831.992 ERROR    conf - ../src/lxc/conf.c:lxc_rootfs_init:576 - No such file or directory - Failed to open "/tmp/none"',
      'lxc-start c 20261127225831.992 ERROR    start - ../src/lxc/start.c:__lxc_start:2079 - Failed to handle rootfs pinning for container "c"',
      'lxc-start c 20261127225831.996 ERROR    lxccontainer - ../src/lxc/lxccontainer.c:wait_on_daemonized_start:878 - Received container state "ABORTING" instead of "RUNNING"',
      'lxc-start c 20261127225831.998 ERROR    lxc_start - ../src/lxc/tools/lxc_start.c:main:306 - The container failed to start',
    ].join('\n');
    expect(lxcStartErrors(log)).toEqual([
      'conf.c:lxc_rootfs_init:576 - No such file or directory - Failed to open "/tmp/none"',
      'start.c:__lxc_start:2079 - Failed to handle rootfs pinning for container "c"',
    ]);
    expect(lxcStartErrors('')).toEqual([]);
  });
});
