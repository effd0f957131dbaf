// Shared by the playbook lab tests: run a playbook with the CLI as an operator would, read its recap
// and JSON report, and reach what a customer gets (MQTT over TLS, the vhosts) the way a client would.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../../integration/cli/run-cli.js';
import { LAB_LIMIT, labPaths, runArgv, type RunResult } from '../../helpers/lab.js';

export const DOMAIN = 'osm-lab.test';
export const CREDENTIALS_DIR = '/var/lib/osm-lab/credentials';
export const LETSENCRYPT_LIVE = '/var/lib/osm-lab/letsencrypt/live';
export const BACKUP_DIR = '/srv/backups/lxc';
export const BACKUP_LOG = '/var/lib/osm-lab/logs/osm-backup.log';

export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

export interface TaskResult {
  host: string;
  task: string;
  module: string;
  status: string;
  data: Record<string, unknown>;
}

export interface PlayRun extends CliRun {
  stats: Record<string, HostStats>;
  results: TaskResult[];
  /** Everything the run printed, for failure messages. */
  output: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** The recap and task results of a `--json FILE` report; empty when the run wrote none (refused before any play). */
export function readReport(file: string): { stats: Record<string, HostStats>; results: TaskResult[] } {
  let report: unknown = {};
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // A run refused before any play writes no report; stats stay empty and the test says why.
  }
  const stats: Record<string, HostStats> = {};
  const results: TaskResult[] = [];
  if (!isRecord(report)) return { stats, results };
  if (isRecord(report['stats'])) {
    for (const [h, s] of Object.entries(report['stats'])) {
      if (isRecord(s)) stats[h] = { ok: num(s['ok']), changed: num(s['changed']), failed: num(s['failed']), skipped: num(s['skipped']), unreachable: num(s['unreachable']) };
    }
  }
  const plays = Array.isArray(report['plays']) ? report['plays'] : [];
  for (const p of plays) {
    if (!isRecord(p) || !Array.isArray(p['results'])) continue;
    for (const r of p['results']) {
      if (!isRecord(r)) continue;
      results.push({ host: String(r['host']), task: String(r['task']), module: String(r['module']), status: String(r['status']), data: isRecord(r['data']) ? r['data'] : {} });
    }
  }
  return { stats, results };
}

/** The fleet playbooks look across every OSM host; the others run on lab unless flags name a --limit. */
const FLEET_PLAYBOOKS = new Set(['add-customer', 'remove-customer', 'fleet-status', 'move-customer', 'add-host', 'retire-host', 'provision-customer', 'customer-credentials']);

/** Runs `osm-play -i inventory/lab.yaml playbooks/<name>.yaml -e k=v ... [flags] --json FILE` (or another inventory). */
export async function play(name: string, extra: Record<string, string> = {}, flags: string[] = [], inventory = labPaths.inventory): Promise<PlayRun> {
  const dir = mkdtempSync(join(tmpdir(), 'osm-play-lab-'));
  const jsonFile = join(dir, 'report.json');
  const args = ['-i', inventory, join(labPaths.repo, 'playbooks', `${name}.yaml`), ...(flags.includes('--limit') || FLEET_PLAYBOOKS.has(name) ? [] : LAB_LIMIT)];
  for (const [k, v] of Object.entries(extra)) args.push('-e', `${k}=${v}`);
  try {
    const run = await runCli([...args, ...flags, '--json', jsonFile]);
    const { stats, results } = readReport(jsonFile);
    return { ...run, stats, results, output: `exit ${run.code}\n${run.stdout}\n${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** osm_status's record of a customer in a status run. */
export function statusRow(run: PlayRun, customer: string): Record<string, unknown> {
  const list = run.results.find((r) => r.module === 'osm_status')?.data['customers'];
  const row = (Array.isArray(list) ? (list as Record<string, unknown>[]) : []).find((c) => c['customer'] === customer);
  if (!row) throw new Error(`status has no ${customer}:\n${run.output}`);
  return row;
}

/** Total changed across hosts (the recap's changed= column summed). */
export function changedCount(run: PlayRun): number {
  return Object.values(run.stats).reduce((n, s) => n + s.changed, 0);
}

/** Names of the tasks that reported changed, for a readable failure when a re-run changes something. */
export function changedTasks(run: PlayRun): string[] {
  return run.results.filter((r) => r.status === 'changed').map((r) => `${r.host}: ${r.task}`);
}

/** Runs argv and throws with its output unless it exits 0. */
export async function ok(argv: string[], timeoutMs = 60_000): Promise<RunResult> {
  const r = await runArgv(argv, { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}: ${r.stderr}${r.stdout}`);
  return r;
}

/** Runs argv inside a customer's container (lxc-attach by name, as the lxc connection does). */
export function inContainer(container: string, argv: string[]): Promise<RunResult> {
  return ok(['lxc-attach', '-n', container, '--clear-env', '--', ...argv]);
}

export interface Credentials {
  user: string;
  password: string;
  port: number;
}

/** The credentials file create-container writes for the operator (key=value lines). */
export function readCredentials(customer: string): Credentials {
  const fields = new Map<string, string>();
  for (const line of readFileSync(join(CREDENTIALS_DIR, `${customer}.txt`), 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  const user = fields.get('user');
  const password = fields.get('password');
  const port = Number(fields.get('port'));
  if (!user || !password || !Number.isInteger(port)) throw new Error(`credentials of ${customer}: missing user, password or port`);
  return { user, password, port };
}

/** pebble's root CA (certbot's certificates chain to it); pebble makes a new one each start. */
export async function pebbleRoot(file: string): Promise<void> {
  await ok(['curl', '-sSf', '--cacert', labPaths.pebbleCa, '-o', file, 'https://127.0.0.1:15000/roots/0']);
}

export interface MqttTarget {
  /** The customer's MQTT name (<c>-mqtt.<domain>): the client checks the certificate against it. */
  name: string;
  port: number;
  cafile: string;
  /** A hosts file naming 127.0.0.1 as `name`, bind-mounted over /etc/hosts for the client only. */
  hostsFile: string;
}

/**
 * A mosquitto client with full TLS verification (chain and host name) to the lab nginx on loopback:
 * it runs in a private mount namespace where /etc/hosts maps the customer's name to 127.0.0.1.
 */
export function mosquitto(tool: 'mosquitto_pub' | 'mosquitto_sub', t: MqttTarget, user: string, password: string, rest: string[]): Promise<RunResult> {
  const client = [tool, '-h', t.name, '-p', String(t.port), '--cafile', t.cafile, '--tls-version', 'tlsv1.2', '-u', user, '-P', password, ...rest];
  return runArgv(['unshare', '-m', '/bin/sh', '-c', 'mount --bind "$1" /etc/hosts && shift && exec "$@"', 'sh', t.hostsFile, ...client], { timeoutMs: 30_000 });
}

/** Publishes a retained message and reads it back with a fresh subscriber: the broker behind nginx answered. */
export async function mqttRoundTrip(t: MqttTarget, user: string, password: string, topic: string, payload: string): Promise<{ pub: RunResult; sub?: RunResult }> {
  const pub = await mosquitto('mosquitto_pub', t, user, password, ['-t', topic, '-m', payload, '-r', '-q', '1']);
  if (pub.exitCode !== 0) return { pub };
  const sub = await mosquitto('mosquitto_sub', t, user, password, ['-t', topic, '-C', '1', '-W', '10']);
  return { pub, sub };
}
