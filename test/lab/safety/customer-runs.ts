// Shared by the lab fault tests nginx-reject and concurrent-create (customers t7n-*): start an
// osm-play run as a child process (its pid is what another run's lock message names), read its JSON
// report, find what is left of a customer on the host, and purge it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockName } from '../../../runner/execute/host-lock.js';
import { cliEntry, REPO } from '../../integration/cli/run-cli.js';
import { ensureLab, LAB_LIMIT, labPaths } from '../../helpers/lab.js';
import { DOMAIN, type HostStats, type TaskResult } from '../playbooks/helpers.js';

export const CREATE = join(labPaths.repo, 'playbooks/create-container.yaml');
export const DELETE = join(labPaths.repo, 'playbooks/delete-container.yaml');
const SETUP_HOST = join(labPaths.repo, 'playbooks/setup-host.yaml');

/** Another helper's run may hold the lab host's lock for a while (brief: always 900 s). */
export const LOCK_FLAGS = ['--lock-timeout', '900'];

export interface LabCustomer {
  name: string;
  port: number;
  container: string;
  mqttName: string;
  webName: string;
}

export function labCustomer(name: string, port: number): LabCustomer {
  return { name, port, container: `${name}-svr`, mqttName: `${name}-mqtt.${DOMAIN}`, webName: `${name}.${DOMAIN}` };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stats: Record<string, HostStats>;
  results: TaskResult[];
  /** Everything the run printed, for failure messages. */
  output: string;
}

export interface StartedRun {
  /** The osm-play process itself (node runs the CLI in-process): the pid a lock holder line names. */
  pid: number;
  done: Promise<Run>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseReport(file: string): Pick<Run, 'stats' | 'results'> {
  const stats: Record<string, HostStats> = {};
  const results: TaskResult[] = [];
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // A run refused before any play writes no report: stats stay empty and the test says why.
    return { stats, results };
  }
  if (!isRecord(report)) return { stats, results };
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  for (const [host, s] of Object.entries(isRecord(report['stats']) ? report['stats'] : {})) {
    if (isRecord(s)) stats[host] = { ok: n(s['ok']), changed: n(s['changed']), failed: n(s['failed']), skipped: n(s['skipped']), unreachable: n(s['unreachable']) };
  }
  for (const p of Array.isArray(report['plays']) ? report['plays'] : []) {
    if (!isRecord(p) || !Array.isArray(p['results'])) continue;
    for (const r of p['results']) {
      if (isRecord(r)) results.push({ host: String(r['host']), task: String(r['task']), module: String(r['module']), status: String(r['status']), data: isRecord(r['data']) ? r['data'] : {} });
    }
  }
  return { stats, results };
}

/** Starts `osm-play -i inventory/lab.yaml PLAYBOOK -e JSON --lock-timeout 900 --json FILE` now. */
export function startPlay(playbook: string, vars: Record<string, string | number | boolean>): StartedRun {
  const dir = mkdtempSync(join(tmpdir(), 'osm-t7n-run-'));
  const jsonFile = join(dir, 'report.json');
  const args = ['-i', labPaths.inventory, playbook, ...LAB_LIMIT, '-e', JSON.stringify(vars), ...LOCK_FLAGS, '--json', jsonFile];
  const child = spawn(process.execPath, [...cliEntry(), ...args], { cwd: REPO, env: { ...process.env, CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start osm-play ${playbook}`);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end();
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const report = parseReport(jsonFile);
        resolve({ code: code ?? -1, stdout, stderr, ...report, output: `exit ${code}\n${stdout}\n${stderr}` });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  return { pid: child.pid, done };
}

/** The lab host's lock sidecar (runner/execute/host-lock.ts): it names the run holding the lock. */
const LOCK_HOLDER_FILE = `/run/osm-play.${lockName('lab')}.lock.holder`;

/**
 * Resolves true once `run` holds the lab host's lock, false if it ends first. Until then it only
 * waits for another run: whatever happens on the host meanwhile is that other run's doing.
 */
export async function lockTaken(run: StartedRun): Promise<boolean> {
  const state = { ended: false };
  void run.done.finally(() => {
    state.ended = true;
  });
  while (!state.ended) {
    const holder = existsSync(LOCK_HOLDER_FILE) ? readFileSync(LOCK_HOLDER_FILE, 'utf8') : '';
    if (holder.startsWith(`osm-play pid ${run.pid} `)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export function play(playbook: string, vars: Record<string, string | number | boolean>): Promise<Run> {
  return startPlay(playbook, vars).done;
}

export function changedTasks(run: Run): string[] {
  return run.results.filter((r) => r.status === 'changed').map((r) => `${r.host}: ${r.task}`);
}

export function changedCount(run: Run): number {
  return Object.values(run.stats).reduce((sum, s) => sum + s.changed, 0);
}

export function streamFile(c: LabCustomer): string {
  return join(labPaths.nginxStreamDir, `${c.name}.conf`);
}

export function httpFile(c: LabCustomer): string {
  return join(labPaths.nginxHttpDir, `${c.name}.conf`);
}

function linesNaming(file: string, word: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.split(/[\s,=]+/).includes(word));
}

/** `dhcp-host=MAC,IP,NAME` lines of lxc-net's dnsmasq file naming the container. */
export function dnsmasqLines(c: LabCustomer): string[] {
  return linesNaming(labPaths.dnsmasqConf, c.container);
}

/** What create-container leaves of a customer on the host (empty: no trace at all). */
export function traces(c: LabCustomer): string[] {
  const found: string[] = [];
  const made = [join(labPaths.containers, c.container), streamFile(c), httpFile(c), join('/var/lib/osm-lab/credentials', `${c.name}.txt`), join('/etc/snapper/configs', c.container)];
  for (const f of made) {
    if (existsSync(f)) found.push(f);
  }
  for (const l of dnsmasqLines(c)) found.push(`${labPaths.dnsmasqConf}: ${l}`);
  for (const l of linesNaming('/etc/hosts', c.container)) found.push(`/etc/hosts: ${l}`);
  return found;
}

/** delete-container purge=true when anything of the customer is left; throws when that fails. */
export async function purge(c: LabCustomer): Promise<void> {
  if (traces(c).length === 0) return;
  const r = await play(DELETE, { customer_name: c.name, purge: true });
  if (r.code !== 0) throw new Error(`could not delete ${c.name}:\n${r.output}`);
}

/**
 * beforeAll of the t7n files: the lab up, what create-container needs from setup-host (the ACME
 * webroot, nginx's customer folders), and no leftovers of an interrupted earlier run (they would
 * turn the creates into re-runs).
 */
export async function readyLab(ours: LabCustomer[]): Promise<void> {
  await ensureLab();
  const setup = await play(SETUP_HOST, {});
  if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
  for (const c of ours) await purge(c);
}

/** afterAll of the t7n files: their customers purged, their work dir removed even when that fails. */
export async function cleanUp(ours: LabCustomer[], work: string): Promise<void> {
  try {
    for (const c of ours) await purge(c);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
