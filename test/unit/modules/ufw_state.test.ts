import { describe, expect, it } from 'vitest';
import { ufwSettings } from '../../../modules/lib/ufw/settings.js';
import { planUfwState } from '../../../modules/ufw_state.js';
import { STATUS_ACTIVE, STATUS_INACTIVE } from './lib/ufw/fixtures.js';

// /etc/default/ufw and /etc/ufw/ufw.conf as Debian ships them (abridged).
const DEFAULTS = `IPV6=yes
DEFAULT_INPUT_POLICY="DROP"
DEFAULT_OUTPUT_POLICY="ACCEPT"
DEFAULT_FORWARD_POLICY="DROP"
DEFAULT_APPLICATION_POLICY="SKIP"
`;
const CONF = '# comment\nENABLED=no\nLOGLEVEL=low\n';

describe('ufwSettings', () => {
  it.each([
    ['inactive: from the files', STATUS_INACTIVE, { active: false, incoming: 'deny', outgoing: 'allow', routed: 'deny', logging: 'low' }],
    // incoming and logging differ from the files, so the result shows which source they came from.
    ['active: from status, routed from the file', STATUS_ACTIVE.replace('deny (incoming)', 'reject (incoming)'), { active: true, incoming: 'reject', outgoing: 'allow', routed: 'deny', logging: 'medium' }],
    ['active with logging off', 'Status: active\nLogging: off\nDefault: deny (incoming), deny (outgoing), allow (routed)\n', { active: true, incoming: 'deny', outgoing: 'deny', routed: 'deny', logging: 'off' }],
  ])('%s', (_n, status, want) => {
    expect(ufwSettings(status, DEFAULTS, CONF)).toEqual(want);
  });
});

describe('planUfwState', () => {
  const inactive = ufwSettings(STATUS_INACTIVE, DEFAULTS, CONF);
  const active = ufwSettings(STATUS_ACTIVE, DEFAULTS, CONF);
  const argvs = (a: Parameters<typeof planUfwState>[0], s = inactive) =>
    planUfwState(a, s).map((c) => (c.data as { argv: string[] }).argv.join(' '));
  it.each([
    ['nothing asked', {}, inactive, []],
    ['already as wanted', { state: 'disabled' as const, incoming: 'deny' as const, logging: 'low' }, inactive, []],
    ['on matches any level', { logging: 'on' }, active, []],
    ['on from off sets low', { logging: 'on' }, { ...inactive, logging: 'off' as const }, ['ufw logging on']],
    ['enable after policies', { state: 'enabled' as const, incoming: 'deny' as const, routed: 'allow' as const, logging: 'medium' }, inactive, ['ufw default allow routed', 'ufw logging medium', 'ufw --force enable']],
    ['disable', { state: 'disabled' as const }, active, ['ufw disable']],
    ['policy while active', { incoming: 'reject' as const, outgoing: 'allow' as const }, active, ['ufw default reject incoming']],
  ])('%s', (_n, a, s, want) => {
    expect(argvs(a, s)).toEqual(want);
  });
  it('diffs as setting lines', () => {
    const [c] = planUfwState({ state: 'enabled' }, inactive);
    expect([c?.before, c?.after]).toEqual(['status: inactive\n', 'status: active\n']);
  });
});
