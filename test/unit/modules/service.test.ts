import { describe, expect, it } from 'vitest';
import service, { backendFor, planService, statusCommand, type ServiceState } from '../../../modules/service.js';

const st = (p: Partial<ServiceState>): ServiceState => ({ backend: 'systemd', running: false, ...p });
const argvs = (a: Parameters<typeof planService>[0], s: ServiceState) => planService(a, s).map((c) => [c.action, c.data]);

describe('service plan', () => {
  it.each([
    [{ name: 'nginx', state: 'started' as const }, st({ running: true }), []],
    [{ name: 'nginx', state: 'started' as const }, st({}), [['start', [['systemctl', 'start', 'nginx']]]]],
    [{ name: 'nginx', state: 'stopped' as const }, st({}), []],
    [{ name: 'nginx', state: 'stopped' as const }, st({ backend: 'initd', running: true }), [['stop', [['/etc/init.d/nginx', 'stop']]]]],
    [{ name: 'nginx', state: 'restarted' as const }, st({ backend: 'service', running: true }), [['restart', [['service', 'nginx', 'restart']]]]],
    [{ name: 'nginx', state: 'reloaded' as const }, st({ running: false }), [['reload', [['systemctl', 'start', 'nginx']]]]],
    [{ name: 'nginx', enabled: true }, st({ enabled: true }), []],
    [{ name: 'nginx', enabled: true }, st({ enabled: false }), [['enable', [['systemctl', 'enable', 'nginx']]]]],
    [{ name: 'nginx', enabled: false }, st({ backend: 'initd', enabled: true }), [['disable', [['update-rc.d', '-f', 'nginx', 'remove']]]]],
  ])('%j on %j', (args, state, want) => {
    expect(argvs(args, state)).toEqual(want);
  });

  it('explicit commands: restart falls back to stop then start, reload to restart', () => {
    const a = { name: 'lxc-net', state: 'reloaded' as const, start_command: ['/usr/libexec/lxc/lxc-net', 'start'], stop_command: ['/usr/libexec/lxc/lxc-net', 'stop'], status_command: ['ip', 'link', 'show', 'lxcbr0'] };
    expect(backendFor(a, true, false)).toBe('custom');
    expect(statusCommand(a, 'custom')).toEqual(['ip', 'link', 'show', 'lxcbr0']);
    expect(argvs(a, st({ backend: 'custom', running: true }))).toEqual([['reload', [a.stop_command, a.start_command]]]);
    expect(() => planService({ name: 'x', state: 'started' }, st({ backend: 'custom' }))).toThrow(/start_command/);
  });

  it('chooses systemd, then the init script, then `service`', () => {
    expect(backendFor({ name: 'a' }, true, true)).toBe('systemd');
    expect(backendFor({ name: 'a' }, false, true)).toBe('initd');
    expect(backendFor({ name: 'a' }, false, false)).toBe('service');
  });

  it('summaries show the commands', () => {
    expect(planService({ name: 'nginx', state: 'started' }, st({}))[0]?.summary).toBe('run: systemctl start nginx');
    expect(service.name).toBe('service');
  });
});
