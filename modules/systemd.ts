// systemd / systemd_service: a unit's state, boot enablement and mask through systemctl, with an
// optional daemon-reload first. Gathers with `systemctl show` (one command), plans pure, applies argv.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import { wouldRun } from '../runner/kit/index.js';
import type { OnlyChange } from '../runner/types.js';

const args = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9@._:-]+$', description: 'Unit name (`.service` may be left off).' })),
    unit: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9@._:-]+$', description: 'Alias of name.' })),
    state: Type.Optional(
      Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('reloaded')], {
        description: 'started/stopped change only when needed; restarted and reloaded act every time.',
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'Whether the unit starts at boot.' })),
    masked: Type.Optional(Type.Boolean({ description: 'Whether the unit is masked (cannot be started).' })),
    daemon_reload: Type.Boolean({ default: false, description: 'Run `systemctl daemon-reload` first (always, and it counts as a change, as in Ansible).' }),
    daemon_reexec: Type.Boolean({ default: false, description: 'Run `systemctl daemon-reexec` first.' }),
    scope: Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('global')], { default: 'system', description: 'systemctl scope: system, --user or --global.' }),
    no_block: Type.Boolean({ default: false, description: 'Pass --no-block to start/stop/restart/reload.' }),
    force: Type.Boolean({ default: false, description: 'Pass --force to enable/disable/mask.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface UnitState {
  /** `ActiveState`: active, inactive, failed, activating... */
  active: string;
  /** `UnitFileState`: enabled, disabled, masked, static, '' when the unit is unknown. */
  fileState: string;
  /** `LoadState`: loaded, not-found, masked. */
  load: string;
}

/** Parses `systemctl show -p ActiveState -p UnitFileState -p LoadState` (KEY=VALUE lines). */
export function parseShow(text: string): UnitState {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return { active: kv.get('ActiveState') ?? 'inactive', fileState: kv.get('UnitFileState') ?? '', load: kv.get('LoadState') ?? 'not-found' };
}

export function unitName(a: Args): string {
  const n = a.name ?? a.unit;
  if (n === undefined) {
    if (a.daemon_reload || a.daemon_reexec) return '';
    throw new ModuleError('systemd: name is required (unless only daemon_reload is asked)');
  }
  return n;
}

function scopeArgs(a: Args): string[] {
  return a.scope === 'user' ? ['--user'] : a.scope === 'global' ? ['--global'] : [];
}

function cmd(a: Args, ...rest: string[]): string[] {
  return ['systemctl', ...scopeArgs(a), ...rest];
}

/** The systemctl verbs systemd plans, each a change of its own name. */
export type SystemctlVerb = 'daemon-reexec' | 'daemon-reload' | 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

/** What systemd plans: a systemctl verb with the argv that runs it. */
export type SystemdChange = OnlyChange<SystemctlVerb, string[]>;

const run = (action: SystemctlVerb, target: string, argv: string[]): SystemdChange => ({ action, target, summary: wouldRun(argv), data: argv });

const isRunning = (s: UnitState) => s.active === 'active' || s.active === 'activating' || s.active === 'reloading';

export function planSystemd(a: Args, s: UnitState): SystemdChange[] {
  const name = unitName(a);
  const out: SystemdChange[] = [];
  if (a.daemon_reexec) out.push(run('daemon-reexec', 'systemd', cmd(a, 'daemon-reexec')));
  if (a.daemon_reload) out.push(run('daemon-reload', 'systemd', cmd(a, 'daemon-reload')));
  if (name === '') return out;
  const force = a.force ? ['--force'] : [];
  const noBlock = a.no_block ? ['--no-block'] : [];
  const masked = s.fileState === 'masked' || s.load === 'masked';
  if (a.masked !== undefined && a.masked !== masked) out.push(run(a.masked ? 'mask' : 'unmask', name, cmd(a, a.masked ? 'mask' : 'unmask', ...force, name)));
  const willBeMasked = a.masked ?? masked;
  if (a.enabled !== undefined) {
    if (s.load === 'not-found' && !a.daemon_reload) throw new ModuleError(`systemd: could not find the requested service ${name}`);
    if (willBeMasked && a.enabled) throw new ModuleError(`systemd: ${name} is masked; unmask it (masked: false) before enabling`);
    const enabled = s.fileState === 'enabled' || s.fileState === 'enabled-runtime' || s.fileState === 'alias';
    if (!willBeMasked && enabled !== a.enabled && s.fileState !== 'static') out.push(run(a.enabled ? 'enable' : 'disable', name, cmd(a, a.enabled ? 'enable' : 'disable', ...force, name)));
  }
  if (a.state !== undefined) {
    if (s.load === 'not-found' && !a.daemon_reload && a.state !== 'stopped') throw new ModuleError(`systemd: could not find the requested service ${name}`);
    const running = isRunning(s);
    const verb = a.state === 'started' ? (running ? null : 'start') : a.state === 'stopped' ? (running ? 'stop' : null) : a.state === 'restarted' ? 'restart' : running ? 'reload' : 'start';
    if (verb) out.push(run(verb, name, cmd(a, ...noBlock, verb, name)));
  }
  return out;
}

/** The module under a name: `systemd` here, `systemd_service` (its newer Ansible name) in systemd_service.ts. */
export function systemdModule(name: string) {
  return defineModule({
    name,
    doc:
      'Controls a systemd unit with systemctl: state (started/stopped change only when needed; restarted/reloaded always act), enabled, masked, ' +
      'and daemon_reload first. Gathers ActiveState/UnitFileState/LoadState with one `systemctl show`. Needs systemd running on the host (use `service` otherwise).',
    example: ['- systemd:', '    name: mosquitto', '    state: restarted', '    enabled: true', '    daemon_reload: true'].join('\n'),
    args,
    async gather(host, a): Promise<UnitState> {
      const n = unitName(a);
      if (n === '') return { active: 'inactive', fileState: '', load: 'loaded' };
      const out = await host.run(cmd(a, 'show', '-p', 'ActiveState', '-p', 'UnitFileState', '-p', 'LoadState', '--', n));
      return parseShow(out);
    },
    plan: planSystemd,
    async apply(host, _a, changes) {
      for (const c of changes) {
        switch (c.action) {
          case 'daemon-reexec':
          case 'daemon-reload':
          case 'mask':
          case 'unmask':
          case 'enable':
          case 'disable':
          case 'start':
          case 'stop':
          case 'restart':
          case 'reload':
            if (c.data) await host.run(c.data);
            break;
          default:
            unknownChange(c);
        }
      }
    },
    result: (a, s) => {
      const n = unitName(a);
      return { name: n, ...(a.state ? { state: a.state } : {}), ...(a.enabled !== undefined ? { enabled: a.enabled } : {}), status: { ActiveState: s.active, UnitFileState: s.fileState, LoadState: s.load } };
    },
  });
}

export default systemdModule('systemd');
