// ufw_rule: one inbound port rule, read back from ufw's own report and changed with ufw commands.
import { Type } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { runUfwChanges, ufwChange, type UfwChange } from './lib/ufw/command.js';
import { matchingRules, ruleArgv, showAddedLine, type DesiredUfwRule } from './lib/ufw/plan.js';
import { isFromFiles, readRulesArgv, showAddedFromFiles } from './lib/ufw/rules-files.js';
import { parseShowAdded, parseStatusVerbose, type UfwRule } from './lib/ufw/status.js';

export interface UfwRulesState {
  active: boolean;
  /** Which report the rules came from. */
  source: 'status verbose' | 'show added';
  rules: UfwRule[];
}

/**
 * Rules from `ufw status verbose` when active; inactive ufw lists nothing there, so `ufw show added`.
 * A disabled ufw's rules are read from its files instead of two Python starts (rules-files.ts); ufw
 * itself is asked whenever those hold something that reading does not cover.
 */
export async function gatherUfwRules(host: HostContext): Promise<UfwRulesState> {
  // One command either way: a disabled ufw's files, or (enabled) `ufw status verbose`.
  const read = await host.exec({ argv: readRulesArgv() });
  const fromFiles = read.exitCode === 0 && isFromFiles(read.stdout);
  const added = fromFiles ? showAddedFromFiles(read.stdout) : undefined;
  if (added !== undefined) return { active: false, source: 'show added', rules: parseShowAdded(added) };
  // ufw's report as the command gave it; asked again when it failed (for the error) or was not asked.
  const status = parseStatusVerbose(read.exitCode === 0 && !fromFiles ? read.stdout : await host.run(['ufw', 'status', 'verbose']));
  if (status.active) return { active: true, source: 'status verbose', rules: status.rules };
  return { active: false, source: 'show added', rules: parseShowAdded(await host.run(['ufw', 'show', 'added'])) };
}

const args = Type.Object({
  port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Destination port on this host.' }),
  proto: Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('any')], {
    default: 'tcp',
    description: 'Protocol; `any` means both tcp and udp.',
  }),
  rule: Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('limit'), Type.Literal('reject')], {
    default: 'allow',
    description: 'What ufw does with matching traffic.',
  }),
  from: Type.String({
    default: 'any',
    pattern: '^(any|[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(/[0-9]{1,3})?)$',
    description: 'Source address or CIDR (IPv4 or IPv6), or `any`.',
  }),
  comment: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9 _.,:;@/+()=#-]*$',
      description: 'Comment stored with the rule (ufw refuses quotes in comments). Compared only when given.',
    }),
  ),
  state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
    default: 'present',
    description: '`absent` deletes the rule whatever its action.',
  }),
});

function desired(a: { port: number; proto: DesiredUfwRule['proto']; rule: DesiredUfwRule['rule']; from: string; comment?: string; state: DesiredUfwRule['state'] }): DesiredUfwRule {
  return { port: a.port, proto: a.proto, rule: a.rule, from: a.from, comment: a.comment, state: a.state };
}

export type UfwRuleChange = UfwChange<'create'> | UfwChange<'update'> | UfwChange<'delete'>;

/** Pure: the ufw command (if any) that makes the rule as desired. */
export function planUfwRule(want: DesiredUfwRule, state: UfwRulesState): UfwRuleChange[] {
  const found = matchingRules(want, state.rules)[0];
  const target = `${want.port}/${want.proto}`;
  if (want.state === 'absent') {
    if (!found) return [];
    // `ufw delete` only matches a rule with the same action; delete what is there.
    return [ufwChange('delete', target, ['ufw', 'delete', ...ruleArgv(found.action, want, false).slice(1)], `${found.raw}\n`, '')];
  }
  const argv = ruleArgv(want.rule, want, true);
  const after = `${showAddedLine(want.rule, want, want.comment ?? found?.comment)}\n`;
  if (!found) return [ufwChange('create', target, argv, '', after)];
  const sameComment = want.comment === undefined || want.comment === (found.comment ?? '');
  if (found.action === want.rule && sameComment) return [];
  // ufw replaces a rule with the same tuple in place (action and comment), keeping its position.
  return [ufwChange('update', target, argv, `${found.raw}\n`, after)];
}

export default defineModule({
  name: 'ufw_rule',
  doc:
    'Allows, limits, denies or rejects one inbound port in ufw (IPv4 and IPv6 as ufw is configured). ' +
    'The current rules are read from `ufw status verbose` when ufw is active and from `ufw show added` ' +
    'when it is not (an inactive ufw still records rules); while ufw is disabled, the rules ufw writes for ports and ' +
    'addresses are read from its user.rules and user6.rules in one command instead, as `ufw show added` makes its list. It changed something when no rule with the same ' +
    'port, proto and source existed (or, for absent, one did), or when its action or the given comment differed; ' +
    'ufw then replaces that rule in place. After applying, the rules are read again to prove ufw took the change.',
  example: `- name: open the customer's MQTT port
  ufw_rule:
    port: "{{ mqtt_port }}"
    proto: tcp
    rule: allow
    comment: "osm {{ customer_name }} mqtt"`,
  args,
  async gather(host) {
    return gatherUfwRules(host);
  },
  plan(a, state) {
    return planUfwRule(desired(a), state);
  },
  async apply(host, a, changes) {
    // Every change is its ufw command, run below; the switch only proves there is no other kind.
    for (const c of changes) {
      switch (c.action) {
        case 'create':
        case 'update':
        case 'delete':
          break;
        default:
          unknownChange(c);
      }
    }
    const out = await runUfwChanges(host, changes);
    const after = await gatherUfwRules(host);
    const left = planUfwRule(desired(a), after);
    if (left.length > 0) {
      throw new ModuleError(`ufw did not take the change (${left[0]?.summary ?? ''}): ${out.join(' ').trim()}`, { stdout: out.join('\n') });
    }
    return { data: { stdout: out.join('') } };
  },
  result(a, state) {
    return { active: state.active, rule: showAddedLine(a.rule, desired(a), a.comment) };
  },
});
