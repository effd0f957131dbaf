// lxc_container: an OSM container (config file outside the LXC path, `lxc-start -n NAME -f CONF`)
// started, stopped, restarted or absent; reports its state and addresses.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { CONTAINER_NAME } from './connections/lxc-names.js';
import { ipv4Only, parseIpList, parseLxcInfo, type LxcInfo } from './lib/lxc/info.js';
import { waitForBoot } from './lib/lxc/boot.js';
import { lxcStartErrors } from './lib/lxc/log.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: CONTAINER_NAME.source, description: 'LXC name of the container (e.g. acme-svr).' }),
    config: Type.Optional(
      Type.String({
        pattern: '^/',
        description: 'The container config file passed as `lxc-start -f` (OSM keeps it in the subvolume: .../containers/NAME/lxc.container.conf). Needed to start.',
      }),
    ),
    state: Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('absent')], {
      default: 'started',
      description: 'started/stopped as named; restarted always stops (if running) and starts; absent stops it and removes LXC\'s runtime leftovers for the name (not the storage).',
    }),
    log_file: Type.Optional(Type.String({ pattern: '^/', description: 'lxc-start log file (`-o`), e.g. /srv/osm-lxc/lxc/logs/NAME.log.' })),
    log_level: Type.Union(['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR'].map((l) => Type.Literal(l)), {
      default: 'INFO',
      description: 'lxc-start log priority (`-l`) when log_file is set.',
    }),
    wait_for_ip: Type.Boolean({ default: false, description: 'When started, wait until the container has an IPv4 address.' }),
    wait_for_boot: Type.Boolean({
      default: true,
      description:
        'When started, wait until the container has booted: for systemd as PID 1, until `systemctl is-system-running` says running (degraded fails naming the failed units).',
    }),
    timeout: Type.Integer({ minimum: 1, maximum: 3600, default: 30, description: 'Seconds to wait for RUNNING, for an address, or for a clean stop.' }),
    note: Type.Optional(
      Type.String({
        pattern: '^[^\\n]{1,200}$',
        description: 'Why (e.g. "restart-customer"): with log_file, each stop and start is logged there as `<UTC time> osm-play: <note>: stopped|started`.',
      }),
    ),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface ContainerState extends LxcInfo {
  /** LXC's leftovers for the name under its lxcpath (a dir with no config), removed by absent. */
  leftovers: string[];
  /** Whether the config file exists (looked at only when a start may be needed). */
  configExists?: boolean;
}

const LXC_PATH = '/var/lib/lxc';
const POLL_MS = 250;

async function lxcInfo(host: HostContext, name: string): Promise<LxcInfo> {
  const r = await host.exec({ argv: ['lxc-info', '-n', name] });
  try {
    return parseLxcInfo(r.stdout, r.stderr, r.exitCode);
  } catch (e) {
    throw new ModuleError(e instanceof Error ? e.message : String(e), { rc: r.exitCode, stderr: r.stderr });
  }
}

/** Short polls of `lxc-info -iH` until an IPv4 address shows (there is no LXC event for it). */
async function waitForIpv4(host: HostContext, name: string, timeoutS: number): Promise<string[]> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const r = await host.exec({ argv: ['lxc-info', '-n', name, '-iH'] });
    const ips = r.exitCode === 0 ? parseIpList(r.stdout) : [];
    if (ipv4Only(ips).length) return ips;
    if (Date.now() > deadline) throw new ModuleError(`${name}: no IPv4 address after ${timeoutS}s (check its dhcp-host line and lxc-net)`);
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

/** Booted (systemd running) and, when asked, addressed. */
async function waitUntilUp(host: HostContext, a: Args, info: LxcInfo): Promise<void> {
  if (a.wait_for_boot) await waitForBoot(host, a.name, a.timeout);
  if (a.wait_for_ip) info.ips = await waitForIpv4(host, a.name, a.timeout);
}

async function gatherContainer(host: HostContext, a: Args): Promise<ContainerState> {
  const state = a.state;
  const dir = `${LXC_PATH}/${a.name}`;
  // Independent reads side by side: one round trip's wait over ssh instead of three.
  const [info, configStat, dirStat, dirConfigStat] = await Promise.all([
    lxcInfo(host, a.name),
    a.config && state !== 'stopped' && state !== 'absent' ? host.stat(a.config) : Promise.resolve(null),
    state === 'absent' ? host.stat(dir) : Promise.resolve(null),
    state === 'absent' ? host.stat(`${dir}/config`) : Promise.resolve(null),
  ]);
  if ((state === 'started' || state === 'restarted') && info.state !== 'running' && !a.config) {
    throw new ModuleError(`${a.name}: config is required to start the container`);
  }
  // A run killed while the container booted leaves it RUNNING but not up: the re-run waits too.
  if (state === 'started' && info.state === 'running') await waitUntilUp(host, a, info);
  const leftovers = dirStat && !dirConfigStat ? [dir] : [];
  return { ...info, leftovers, configExists: a.config ? configStat !== null : undefined };
}

const ACTIVE = new Set(['running', 'starting', 'frozen', 'freezing', 'thawed']);

/** What lxc_container plans: apply() handles exactly these. */
export type ContainerChange = Change<'stop'> | Change<'start'> | Change<'remove'>;

export function planContainer(a: Args, s: ContainerState): ContainerChange[] {
  const name = a.name;
  const state = a.state;
  const stop: ContainerChange = { action: 'stop', target: name, summary: `stop container ${name} (lxc-stop)` };
  // In check mode an earlier task may only have planned the config file: say so instead of failing.
  const note = s.configExists === false ? ' (config not there yet)' : '';
  const start: ContainerChange = { action: 'start', target: name, summary: `start container ${name} (lxc-start -f ${a.config ?? '?'})${note}` };
  const active = ACTIVE.has(s.state);
  switch (state) {
    case 'started':
      return s.state === 'running' ? [] : [start];
    case 'stopped':
      return active ? [stop] : [];
    case 'restarted':
      return active ? [stop, start] : [start];
    case 'absent':
      return [
        ...(active ? [stop] : []),
        ...s.leftovers.map((d): ContainerChange => ({ action: 'remove', target: d, summary: `remove LXC leftovers ${d}` })),
      ];
  }
}

async function start(host: HostContext, a: Args): Promise<void> {
  const timeout = String(a.timeout);
  const log = a.log_file ? ['-o', a.log_file, '-l', a.log_level] : [];
  // Only this start's part of the log is read back on failure: it may hold earlier runs.
  if (!a.config || !(await host.stat(a.config))) throw new ModuleError(`${a.name}: config ${a.config ?? '(none)'} does not exist`);
  const logSize = a.log_file ? ((await host.stat(a.log_file))?.size ?? 0) : 0;
  try {
    await host.run(['lxc-start', '-n', a.name, '-f', a.config ?? '', ...log]);
  } catch (e) {
    // lxc-start itself only says "failed to start": the reason is in its log.
    const tail = a.log_file ? (await host.exec({ argv: ['tail', '-c', `+${logSize + 1}`, '--', a.log_file] })).stdout : '';
    const errors = lxcStartErrors(tail);
    if (!(e instanceof ModuleError) || errors.length === 0) throw e;
    throw new ModuleError(`${a.name} failed to start; errors in ${a.log_file ?? ''}:\n${errors.join('\n')}`, e.detail);
  }
  await host.run(['lxc-wait', '-n', a.name, '-s', 'RUNNING', '-t', timeout]);
}

/** One line in the container's log, so its history shows who stopped and started it and when. */
async function logNote(host: HostContext, a: Args, what: string): Promise<void> {
  if (!a.note || !a.log_file) return;
  const line = `${new Date().toISOString()} osm-play: ${a.note}: ${what}`;
  await host.run(['/bin/sh', '-c', 'printf "%s\\n" "$1" >> "$2"', 'sh', line, a.log_file]);
}

export default defineModule({
  name: 'lxc_container',
  doc:
    'Starts, stops, restarts or removes an LXC container whose config file lives outside the LXC path, as ' +
    'OSM keeps them (`lxc-start -n NAME -f CONF`). State is read with `lxc-info -n NAME`; a stopped ' +
    'container of this kind is unknown to LXC, which counts as stopped. It is changed when it starts or ' +
    'stops the container (restarted always is). absent stops it and removes leftovers under /var/lib/lxc/NAME ' +
    'that hold no config; the storage is btrfs_subvolume\'s job. Registers `state` (running/stopped/absent) ' +
    'and `ips` (waits for an IPv4 address with wait_for_ip). A started container counts as up once its systemd says running ' +
    '(wait_for_boot); degraded fails the task naming the failed units. lxc-stop halts it cleanly (common.conf sets SIGRTMIN+3). ' +
    'When it changed, also registers stopped_at / up_at (UNIX seconds) and, for a restart, downtime_s; with note and log_file each stop and start is logged.',
  example: [
    '- name: Start the customer container',
    '  lxc_container:',
    '    name: "{{ customer_name }}-svr"',
    '    config: "/srv/osm-lxc/lxc/containers/{{ customer_name }}-svr/lxc.container.conf"',
    '    log_file: "/srv/osm-lxc/lxc/logs/{{ customer_name }}-svr.log"',
    '    wait_for_ip: true',
    '  register: ct',
  ].join('\n'),
  args,
  gather: (host, a) => gatherContainer(host, a),
  plan: (a, s) => planContainer(a, s),
  async apply(host, a, changes) {
    const timeout = String(a.timeout);
    let stoppedAt: number | undefined;
    for (const c of changes) {
      switch (c.action) {
        case 'stop':
          await host.run(['lxc-stop', '-n', a.name, '-t', timeout]);
          stoppedAt = Date.now();
          await logNote(host, a, 'stopped');
          break;
        case 'start':
          await start(host, a);
          break;
        case 'remove':
          await host.run(['rm', '-rf', '--one-file-system', '--', c.target]);
          break;
        default:
          unknownChange(c);
      }
    }
    const info = await lxcInfo(host, a.name);
    if (info.state === 'running') await waitUntilUp(host, a, info);
    const upAt = info.state === 'running' && changes.some((c) => c.action === 'start') ? Date.now() : undefined;
    if (upAt !== undefined) await logNote(host, a, 'started');
    const times = {
      ...(stoppedAt === undefined ? {} : { stopped_at: stoppedAt / 1000 }),
      ...(upAt === undefined ? {} : { up_at: upAt / 1000 }),
      // A restart: from the moment it was down (lxc-stop returned) until it was up again (booted).
      ...(stoppedAt !== undefined && upAt !== undefined ? { downtime_s: Math.round((upAt - stoppedAt) / 100) / 10 } : {}),
    };
    return { data: { state: info.state === 'running' ? 'running' : a.state === 'absent' ? 'absent' : 'stopped', ips: info.ips, ...times } };
  },
  result: (a, s, changes) => {
    const want = a.state;
    if (changes.length === 0) {
      return { state: want === 'absent' ? 'absent' : s.state === 'running' ? 'running' : 'stopped', ips: s.ips };
    }
    return { state: want === 'absent' ? 'absent' : want === 'stopped' ? 'stopped' : 'running', ips: want === 'stopped' || want === 'absent' ? [] : s.ips };
  },
});
