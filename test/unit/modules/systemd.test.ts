import { describe, expect, it } from 'vitest';
import { parseShow, planSystemd } from '../../../modules/systemd.js';

const base = { daemon_reload: false, daemon_reexec: false, scope: 'system' as const, no_block: false, force: false };
const active = parseShow('ActiveState=active\nUnitFileState=enabled\nLoadState=loaded\n');
const inactive = parseShow('ActiveState=inactive\nUnitFileState=disabled\nLoadState=loaded\n');
const missing = parseShow('ActiveState=inactive\nUnitFileState=\nLoadState=not-found\n');
const masked = parseShow('ActiveState=inactive\nUnitFileState=masked\nLoadState=masked\n');

describe('systemd', () => {
  it('parses systemctl show', () => {
    expect(active).toEqual({ active: 'active', fileState: 'enabled', load: 'loaded' });
  });
  it.each([
    [{ state: 'started' as const }, active, []],
    [{ state: 'started' as const }, inactive, [['systemctl', 'start', 'x']]],
    [{ state: 'stopped' as const }, active, [['systemctl', 'stop', 'x']]],
    [{ state: 'stopped' as const }, missing, []],
    [{ state: 'restarted' as const }, active, [['systemctl', 'restart', 'x']]],
    [{ state: 'reloaded' as const }, inactive, [['systemctl', 'start', 'x']]],
    [{ enabled: true }, active, []],
    [{ enabled: true, scope: 'user' as const }, inactive, [['systemctl', '--user', 'enable', 'x']]],
    [{ masked: true }, inactive, [['systemctl', 'mask', 'x']]],
    [{ masked: false, enabled: true }, masked, [['systemctl', 'unmask', 'x'], ['systemctl', 'enable', 'x']]],
    [{ daemon_reload: true, state: 'started' as const }, active, [['systemctl', 'daemon-reload']]],
  ])('%o on %o → %o', (a, s, argvs) => {
    expect(planSystemd({ ...base, name: 'x', ...a }, s).map((c) => c.data)).toEqual(argvs);
  });
  it('refuses an unknown unit and enabling a masked one', () => {
    expect(() => planSystemd({ ...base, name: 'x', state: 'started' }, missing)).toThrow(/could not find/);
    expect(() => planSystemd({ ...base, name: 'x', enabled: true }, masked)).toThrow(/masked/);
    expect(() => planSystemd({ ...base }, active)).toThrow(/name is required/);
  });
});
