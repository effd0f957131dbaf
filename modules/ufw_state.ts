// ufw_state: ufw on or off, its default policies and its logging level.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange } from '../runner/module.js';
import { runUfwChanges, ufwChange, type UfwChange } from './lib/ufw/command.js';
import { ufwSettings, type LogLevel, type UfwSettings } from './lib/ufw/settings.js';

const policy = (what: string) =>
  Type.Optional(
    Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('reject')], {
      description: `Default policy for ${what} traffic; unchanged when omitted.`,
    }),
  );

const args = Type.Object({
  state: Type.Optional(
    Type.Union([Type.Literal('enabled'), Type.Literal('disabled')], {
      description: 'Whether the firewall is active; unchanged when omitted. Enabling applies the policies first.',
    }),
  ),
  incoming: policy('incoming'),
  outgoing: policy('outgoing'),
  routed: policy('routed (forwarded)'),
  logging: Type.Optional(
    Type.Union(['off', 'on', 'low', 'medium', 'high', 'full'].map((l) => Type.Literal(l)), {
      description: 'Logging level; `on` accepts any level but off (and sets low when off).',
    }),
  ),
});

export type UfwStateArgs = Static<typeof args>;

// Members apart, not UfwChange<'policy' | ...>: a switch narrows only a union to never.
export type UfwStateChange = UfwChange<'policy'> | UfwChange<'logging'> | UfwChange<'enable'> | UfwChange<'disable'>;

function change(action: UfwStateChange['action'], target: string, argv: string[], before: string, after: string): UfwStateChange {
  return ufwChange(action, target, argv, `${target}: ${before}\n`, `${target}: ${after}\n`);
}

/** Pure: policies and logging first, then enable/disable, so an enabled firewall starts with the wanted policies. */
export function planUfwState(a: UfwStateArgs, s: UfwSettings): UfwStateChange[] {
  const out: UfwStateChange[] = [];
  for (const dir of ['incoming', 'outgoing', 'routed'] as const) {
    const want = a[dir];
    if (want !== undefined && s[dir] !== want) {
      out.push(change('policy', `default ${dir}`, ['ufw', 'default', want, dir], s[dir] ?? 'unknown', want));
    }
  }
  if (a.logging !== undefined) {
    const now: LogLevel | undefined = s.logging;
    const ok = a.logging === 'on' ? now !== undefined && now !== 'off' : now === a.logging;
    if (!ok) out.push(change('logging', 'logging', ['ufw', 'logging', a.logging], now ?? 'unknown', a.logging === 'on' ? 'low' : a.logging));
  }
  if (a.state === 'enabled' && !s.active) out.push(change('enable', 'status', ['ufw', '--force', 'enable'], 'inactive', 'active'));
  if (a.state === 'disabled' && s.active) out.push(change('disable', 'status', ['ufw', 'disable'], 'active', 'inactive'));
  return out;
}

export default defineModule({
  name: 'ufw_state',
  doc:
    'Turns ufw on or off and sets its default policies and logging level. State is read from ' +
    '`ufw status verbose` when active, and from ufw\'s own settings files (/etc/default/ufw, /etc/ufw/ufw.conf) ' +
    'when inactive (ufw then prints nothing else); the routed policy always comes from /etc/default/ufw because ' +
    'status shows "disabled" whenever forwarding is off. It changed something when any given setting differed. ' +
    'Enabling cuts inbound connections that no rule allows: add the ufw_rule for SSH first.',
  example: `- name: firewall on, inbound denied by default
  ufw_state:
    incoming: deny
    outgoing: allow
    logging: low
    state: enabled`,
  args,
  async gather(host) {
    const status = await host.run(['ufw', 'status', 'verbose']);
    return ufwSettings(status, (await host.readFile('/etc/default/ufw')) ?? '', (await host.readFile('/etc/ufw/ufw.conf')) ?? '');
  },
  plan(a, s) {
    return planUfwState(a, s);
  },
  async apply(host, _a, changes) {
    // Every change is its ufw command, run below; the switch only proves there is no other kind.
    for (const c of changes) {
      switch (c.action) {
        case 'policy':
        case 'logging':
        case 'enable':
        case 'disable':
          break;
        default:
          unknownChange(c);
      }
    }
    const out = await runUfwChanges(host, changes);
    return { data: { stdout: out.join('') } };
  },
  result(a, s, changes) {
    return { active: a.state === undefined || changes.length === 0 ? s.active : a.state === 'enabled' };
  },
});
