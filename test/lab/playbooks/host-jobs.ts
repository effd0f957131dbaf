// Runs the OSM host's own jobs the way the host runs them, for the lab e2e: the boot unit's
// ExecStart as systemd would (no shell, systemd's clean environment) and the cron line as cron would
// (`/bin/sh -c` with cron's environment plus the file's variables). Also reads a container's systemd.
import { readFileSync } from 'node:fs';
import { runArgv, type RunResult } from '../../helpers/lab.js';
import { inContainer } from './helpers.js';

/** systemd's default PATH for services (systemd.exec(5)), the only environment a unit gets here. */
const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The `Key=value` lines of a unit's section, in order (a key may repeat). */
export function unitEntries(unitText: string, section: string): [string, string][] {
  const out: [string, string][] = [];
  let inSection = false;
  for (const raw of unitText.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inSection = line === `[${section}]`;
    else if (inSection && line && !line.startsWith('#') && line.includes('=')) {
      const at = line.indexOf('=');
      out.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
    }
  }
  return out;
}

/** Runs the unit's ExecStart (or ExecStop) as systemd does: its words split on spaces, no shell. */
export function runUnitCommand(unitFile: string, key: 'ExecStart' | 'ExecStop'): Promise<RunResult> {
  const command = unitEntries(readFileSync(unitFile, 'utf8'), 'Service').find(([k]) => k === key)?.[1];
  if (!command) throw new Error(`${unitFile}: no ${key}=`);
  if (/["'$;|&]/.test(command)) throw new Error(`${unitFile}: ${key} needs a shell to read, which systemd does not use: ${command}`);
  const argv = command.split(/\s+/);
  return runArgv(['env', '-i', `PATH=${SYSTEMD_PATH}`, 'LANG=C.UTF-8', ...argv], { timeoutMs: 10 * 60_000 });
}

export interface CronJob {
  env: Record<string, string>;
  user: string;
  command: string;
}

/** The one job of a /etc/cron.d file: its variable lines and its `m h dom mon dow user command` line. */
export function cronJob(cronFile: string): CronJob {
  const env: Record<string, string> = {};
  const jobs: CronJob[] = [];
  for (const raw of readFileSync(cronFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (assign) {
      env[assign[1]!] = assign[2]!;
      continue;
    }
    const fields = line.split(/\s+/);
    if (fields.length < 7) throw new Error(`${cronFile}: not a cron.d job line: ${line}`);
    jobs.push({ env: { ...env }, user: fields[5]!, command: fields.slice(6).join(' ') });
  }
  if (jobs.length !== 1) throw new Error(`${cronFile}: expected one job, found ${jobs.length}`);
  return jobs[0]!;
}

/** Runs a cron.d job as cron does: as its user, `/bin/sh -c`, cron's few variables plus the file's. */
export function runCronJob(job: CronJob): Promise<RunResult> {
  if (job.user !== 'root') throw new Error(`the lab runs cron jobs of root only, not ${job.user}`);
  const env = { SHELL: '/bin/sh', HOME: '/root', LOGNAME: 'root', PATH: '/usr/bin:/bin', ...job.env };
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return runArgv(['env', '-i', ...assignments, '/bin/sh', '-c', job.command], { timeoutMs: 10 * 60_000 });
}

export interface ContainerSystemd {
  pid1: string;
  system: string;
  mosquitto: string;
  machineId: string;
}

/** What systemd in a container says: PID 1's name, the system state, mosquitto's, the machine-id. */
export async function containerSystemd(container: string): Promise<ContainerSystemd> {
  const pid1 = (await inContainer(container, ['cat', '/proc/1/comm'])).stdout.trim();
  // is-system-running exits non-zero unless running; its word is what counts here.
  const system = (await runArgv(['lxc-attach', '-n', container, '--clear-env', '--', 'systemctl', 'is-system-running'])).stdout.trim();
  const mosquitto = (await runArgv(['lxc-attach', '-n', container, '--clear-env', '--', 'systemctl', 'is-active', 'mosquitto'])).stdout.trim();
  const machineId = (await inContainer(container, ['cat', '/etc/machine-id'])).stdout.trim();
  return { pid1, system, mosquitto, machineId };
}

/** mosquitto's main PID under systemd in the container (0 when it is not running). */
export async function mosquittoPid(container: string): Promise<number> {
  const r = await inContainer(container, ['systemctl', 'show', '--property=MainPID', '--value', 'mosquitto']);
  return Number(r.stdout.trim());
}
