// service: starts, stops, restarts or reloads a service and sets whether it starts at boot.
// Uses systemctl where systemd runs, else /etc/init.d/NAME or `service NAME`, or explicit commands
// (for things like lxc-net that have no usable init script here). Running = status command exits 0.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange } from '../runner/module.js';
import { shellQuote } from '../runner/connection/quote.js';
import type { Change } from '../runner/types.js';

const Argv = (description: string) => Type.Optional(Type.Array(Type.String(), { minItems: 1, description }));

const args = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9@._:-]+$', description: 'Service name (systemd unit or init script name).' }),
    state: Type.Optional(
      Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('reloaded')], {
        description: 'started/stopped change only when needed; restarted and reloaded act every time.',
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'Whether the service starts at boot.' })),
    start_command: Argv('argv that starts the service, instead of the init system.'),
    stop_command: Argv('argv that stops it.'),
    restart_command: Argv('argv that restarts it (default: stop then start).'),
    reload_command: Argv('argv that reloads it (default: restart).'),
    status_command: Argv('argv that exits 0 when the service runs.'),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export type Backend = 'systemd' | 'initd' | 'service' | 'custom';

export interface ServiceState {
  backend: Backend;
  running: boolean;
  /** Only gathered when `enabled` is asked for. */
  enabled?: boolean;
}

type Verb = 'start' | 'stop' | 'restart' | 'reload';

export function backendFor(a: Args, hasSystemd: boolean, hasInitScript: boolean): Backend {
  if (a.status_command || a.start_command || a.stop_command) return 'custom';
  if (hasSystemd) return 'systemd';
  return hasInitScript ? 'initd' : 'service';
}

/** The argv lists that perform a verb (restart/reload may fall back to several commands). */
export function verbCommands(a: Args, backend: Backend, verb: Verb): string[][] {
  switch (backend) {
    case 'systemd':
      return [['systemctl', verb, a.name]];
    case 'initd':
      return [[`/etc/init.d/${a.name}`, verb]];
    case 'service':
      return [['service', a.name, verb]];
    case 'custom': {
      const need = (argv: string[] | undefined, what: string): string[] => {
        if (!argv) throw new Error(`service ${a.name}: ${what} is needed to ${verb} it`);
        return argv;
      };
      if (verb === 'start') return [need(a.start_command, 'start_command')];
      if (verb === 'stop') return [need(a.stop_command, 'stop_command')];
      if (verb === 'restart') return a.restart_command ? [a.restart_command] : [need(a.stop_command, 'stop_command'), need(a.start_command, 'start_command')];
      if (a.reload_command) return [a.reload_command];
      return a.restart_command ? [a.restart_command] : [need(a.stop_command, 'stop_command'), need(a.start_command, 'start_command')];
    }
  }
}

export function statusCommand(a: Args, backend: Backend): string[] {
  if (backend === 'systemd') return ['systemctl', 'is-active', '--quiet', a.name];
  if (backend === 'initd') return [`/etc/init.d/${a.name}`, 'status'];
  if (backend === 'service') return ['service', a.name, 'status'];
  if (!a.status_command) throw new Error(`service ${a.name}: status_command is needed with explicit commands`);
  return a.status_command;
}

export function enableCommand(a: Args, backend: Backend, on: boolean): string[] {
  if (backend === 'systemd') return ['systemctl', on ? 'enable' : 'disable', a.name];
  if (backend === 'custom') throw new Error(`service ${a.name}: enabled cannot be managed with explicit commands`);
  return on ? ['update-rc.d', a.name, 'defaults'] : ['update-rc.d', '-f', a.name, 'remove'];
}

/** What service plans: each change carries the commands that make it, run in order. */
export type ServiceChange =
  | Change<'start', string[][]>
  | Change<'stop', string[][]>
  | Change<'restart', string[][]>
  | Change<'reload', string[][]>
  | Change<'enable', string[][]>
  | Change<'disable', string[][]>;

function change(action: ServiceChange['action'], a: Args, argvs: string[][]): ServiceChange {
  return { action, target: a.name, summary: `run: ${argvs.map((v) => shellQuote(v)).join(' && ')}`, data: argvs };
}

export function planService(a: Args, s: ServiceState): ServiceChange[] {
  const changes: ServiceChange[] = [];
  const state = a.state;
  if (state === 'started' && !s.running) changes.push(change('start', a, verbCommands(a, s.backend, 'start')));
  else if (state === 'stopped' && s.running) changes.push(change('stop', a, verbCommands(a, s.backend, 'stop')));
  else if (state === 'restarted') changes.push(change('restart', a, s.running ? verbCommands(a, s.backend, 'restart') : verbCommands(a, s.backend, 'start')));
  else if (state === 'reloaded') changes.push(change('reload', a, s.running ? verbCommands(a, s.backend, 'reload') : verbCommands(a, s.backend, 'start')));
  if (a.enabled !== undefined && s.enabled !== a.enabled) changes.push(change(a.enabled ? 'enable' : 'disable', a, [enableCommand(a, s.backend, a.enabled)]));
  return changes;
}

// Boot links of a SysV service; the name arrives as $1, never inside the script.
const RC_LINKS = 'ls /etc/rc2.d/S[0-9][0-9]"$1" /etc/rc3.d/S[0-9][0-9]"$1" >/dev/null 2>&1';

export default defineModule({
  name: 'service',
  doc:
    'Starts, stops, restarts or reloads a service and sets whether it starts at boot. Uses systemctl when /run/systemd/system exists, ' +
    'otherwise /etc/init.d/NAME or `service NAME`, or the explicit start/stop/reload/status commands given. Whether it runs is the ' +
    'exit code of the status command. started/stopped change only when needed; restarted and reloaded change every time.',
  example: ['- name: Restart mosquitto', '  service:', '    name: mosquitto', '    state: restarted'].join('\n'),
  args,
  async gather(host, a): Promise<ServiceState> {
    const sd = await host.stat('/run/systemd/system');
    const init = await host.stat(`/etc/init.d/${a.name}`);
    const backend = backendFor(a, sd?.isDir ?? false, init !== null);
    const running = (await host.exec({ argv: statusCommand(a, backend) })).exitCode === 0;
    const st: ServiceState = { backend, running };
    if (a.enabled !== undefined && backend !== 'custom') {
      const r = backend === 'systemd' ? await host.exec({ argv: ['systemctl', 'is-enabled', '--quiet', a.name] }) : await host.exec({ argv: ['sh', '-c', RC_LINKS, 'service', a.name] });
      st.enabled = r.exitCode === 0;
    }
    return st;
  },
  plan: planService,
  async apply(host, _a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'start':
        case 'stop':
        case 'restart':
        case 'reload':
        case 'enable':
        case 'disable':
          for (const argv of c.data ?? []) await host.run(argv);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s, changes) => ({ name: a.name, state: a.state ?? (s.running ? 'started' : 'stopped'), backend: s.backend, actions: changes.map((c) => c.action) }),
});
