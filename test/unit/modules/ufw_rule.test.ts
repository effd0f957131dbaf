import { describe, expect, it } from 'vitest';
import { normalizeFrom } from '../../../modules/lib/ufw/plan.js';
import { parseShowAdded, parseStatusVerbose } from '../../../modules/lib/ufw/status.js';
import { planUfwRule, type UfwRulesState } from '../../../modules/ufw_rule.js';
import { SHOW_ADDED, SHOW_ADDED_NONE, STATUS_ACTIVE } from './lib/ufw/fixtures.js';

const added = (text: string): UfwRulesState => ({ active: false, source: 'show added', rules: parseShowAdded(text) });
const EMPTY = added(SHOW_ADDED_NONE);
const SOME = added(SHOW_ADDED);
const ACTIVE: UfwRulesState = { active: true, source: 'status verbose', rules: parseStatusVerbose(STATUS_ACTIVE).rules };

const base = { port: 8883, proto: 'tcp' as const, rule: 'allow' as const, from: 'any', state: 'present' as const };
const summaries = (state: UfwRulesState, over: Partial<Parameters<typeof planUfwRule>[0]>) =>
  planUfwRule({ ...base, ...over }, state).map((c) => `${c.action}: ${c.summary}`);

describe('planUfwRule', () => {
  it.each([
    ['new rule', EMPTY, {}, ["create: would run: ufw allow proto tcp from any to any port 8883"]],
    ['new rule with comment', EMPTY, { comment: 'mqtt acme' }, ["create: would run: ufw allow proto tcp from any to any port 8883 comment 'mqtt acme'"]],
    ['same rule (inactive)', SOME, {}, []],
    ['same rule and comment', SOME, { comment: 'mqtt acme' }, []],
    ['same rule (active, v4+v6 twins)', ACTIVE, { comment: 'mqtt acme' }, []],
    ['other comment', SOME, { comment: 'mqtt beta' }, ["update: would run: ufw allow proto tcp from any to any port 8883 comment 'mqtt beta'"]],
    ['other action replaces in place', SOME, { rule: 'limit' as const }, ['update: would run: ufw limit proto tcp from any to any port 8883']],
    ['udp is another rule', SOME, { proto: 'udp' as const }, ['create: would run: ufw allow proto udp from any to any port 8883']],
    ['proto any matches `ufw allow 9000`', SOME, { port: 9000, proto: 'any' as const }, []],
    ['source CIDR normalised', SOME, { port: 22, from: '10.0.3.77/24' }, []],
    ['absent deletes with the action found', SOME, { port: 53, proto: 'udp' as const, rule: 'allow' as const, state: 'absent' as const }, ['delete: would run: ufw delete deny proto udp from any to any port 53']],
    ['absent when missing', SOME, { port: 1234, state: 'absent' as const }, []],
    ['absent when active', ACTIVE, { state: 'absent' as const }, ['delete: would run: ufw delete allow proto tcp from any to any port 8883']],
  ])('%s', (_name, state, over, want) => {
    expect(summaries(state, over)).toEqual(want);
  });

  it('shows the rule lines as before/after and carries argv items', () => {
    const [c] = planUfwRule({ ...base, rule: 'limit', comment: 'x y' }, SOME);
    expect(c?.before).toBe("ufw allow 8883/tcp comment 'mqtt acme'\n");
    expect(c?.after).toBe("ufw limit 8883/tcp comment 'x y'\n");
    expect(c?.data).toEqual({ argv: ['ufw', 'limit', 'proto', 'tcp', 'from', 'any', 'to', 'any', 'port', '8883', 'comment', 'x y'] });
  });
});

describe('normalizeFrom', () => {
  it.each([
    ['any', 'any'],
    ['0.0.0.0/0', 'any'],
    ['10.0.3.5/24', '10.0.3.0/24'],
    ['10.0.3.5/32', '10.0.3.5'],
    ['10.0.3.5', '10.0.3.5'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8::1/128', '2001:db8::1'],
  ])('%s → %s', (from, want) => {
    expect(normalizeFrom(from)).toBe(want);
  });
});
