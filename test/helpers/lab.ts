// Test helper for lab tests: the lab's fixed paths, bringing the lab up once, ufw in a namespace.
// Lab tests call `await ensureLab()` in beforeAll; they never call lab-down (scripts/test.mjs does).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const state = '/var/lib/osm-lab';
const lxcRoot = '/srv/osm-lxc/lxc';

/**
 * The lab inventory holds two OSM hosts (lab and lab2). Tests of one host's playbooks leave lab2 out
 * as an operator would (create-container refuses more than one host); the backup, monitoring and
 * DNS hosts stay in, as their plays need them.
 */
export const LAB_LIMIT = ['--limit', 'all:!lab2'];

/** Every fixed choice of scripts/lab-up (scripts/lab/lib.sh and inventory/lab.yaml say the same). */
export const labPaths = {
  repo,
  labUp: join(repo, 'scripts', 'lab-up'),
  labDown: join(repo, 'scripts', 'lab-down'),
  ufwNetns: join(repo, 'scripts', 'lab', 'ufw-netns'),
  inventory: join(repo, 'inventory', 'lab.yaml'),
  state,
  upMarker: join(state, 'UP'),
  run: join(state, 'run'),
  logs: join(state, 'logs'),
  cache: '/var/cache/osm-play',
  lxcMount: '/srv/osm-lxc',
  lxcRoot,
  osBases: join(lxcRoot, 'os-bases'),
  containers: join(lxcRoot, 'containers'),
  include: join(lxcRoot, 'include'),
  commonConf: join(lxcRoot, 'include', 'common.conf'),
  lxcLogs: join(lxcRoot, 'logs'),
  deleted: join(lxcRoot, 'deleted'),
  backupMount: '/srv/backups',
  bridge: 'lxcbr0',
  gateway: '10.0.3.1',
  subnet: '10.0.3.0/24',
  nftTable: 'osm_lab_guard',
  lxcNet: '/usr/libexec/lxc/lxc-net',
  dnsmasqConf: '/etc/lxc/dnsmasq.conf',
  /** dnsmasq re-reads this on SIGHUP (lines `mac,ip`), unlike dhcp-host= lines in dnsmasqConf. */
  dnsmasqHostsFile: '/etc/lxc/dnsmasq-hosts.conf',
  dnsmasqPidFile: '/run/lxc/dnsmasq.pid',
  dnsmasqLeases: '/var/lib/misc/dnsmasq.lxcbr0.leases',
  nginxPrefix: join(state, 'nginx'),
  nginxConf: join(state, 'nginx', 'nginx.conf'),
  /** Wrapper running the lab nginx with its -p/-c/-e: `nginx-lab -t`, `nginx-lab -s reload`. */
  nginxBin: join(state, 'bin', 'nginx-lab'),
  nginxPid: join(state, 'run', 'nginx.pid'),
  nginxStreamDir: join(state, 'nginx', 'devtank', 'customers.stream.d'),
  nginxHttpDir: join(state, 'nginx', 'devtank', 'customers.http.d'),
  nginxDefaultCert: join(state, 'nginx', 'certs', 'default.crt'),
  nginxDefaultKey: join(state, 'nginx', 'certs', 'default.key'),
  sshDir: join(state, 'ssh'),
  sshKey: join(state, 'ssh', 'id_ed25519'),
  knownHosts: join(state, 'ssh', 'known_hosts'),
  sshHost: '127.0.0.1',
  sshPort: 2222,
  backupSshPort: 2223,
  pebbleDir: join(state, 'pebble'),
  /** CA of pebble's own listener certificate: certbot's REQUESTS_CA_BUNDLE / --server trust. */
  pebbleCa: join(state, 'pebble', 'ca.crt'),
  acmeDirectory: 'https://127.0.0.1:14000/dir',
} as const;

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs argv (no shell) and collects its output; never rejects on a non-zero exit. */
export function runArgv(argv: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('runArgv: empty argv'));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    // A command that exits before reading its (empty) stdin must not crash the test with EPIPE.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Why lab tests cannot run here, or undefined when they can (root on Debian with the lab scripts). */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root';
  if (!existsSync('/etc/debian_version')) return 'not Debian (no /etc/debian_version)';
  return undefined;
}

export function labIsUp(): boolean {
  return existsSync(labPaths.upMarker);
}

/** The lab's daemons named by their pid files are running (they die with the session that started them). */
export function labDaemonsAlive(): boolean {
  // scripts/lab/pdns.sh's and monitoring.sh's daemons too: a lab brought up by an older lab-up lacks them.
  const daemons = ['nginx', 'sshd-host', 'sshd-backup', 'pebble', 'pdns', 'node-exporter', 'osm-metrics-timer', 'prometheus', 'alertmanager', 'blackbox'];
  const pidFiles = daemons.map((n) => join(labPaths.run, `${n}.pid`));
  return [...pidFiles, labPaths.dnsmasqPidFile].every((f) => {
    if (!existsSync(f)) return false;
    const pid = readFileSync(f, 'utf8').trim();
    return /^\d+$/.test(pid) && existsSync(`/proc/${pid}`);
  });
}

/** Brings the lab up (scripts/lab-up) unless it is up: UP marker and its daemons alive. */
export async function ensureLab(): Promise<void> {
  if (labIsUp() && labDaemonsAlive()) return;
  const reason = labUnavailableReason();
  if (reason) throw new Error(`the lab cannot run here: ${reason}`);
  const r = await runArgv(['bash', labPaths.labUp], { timeoutMs: 20 * 60_000 });
  if (r.exitCode !== 0 || !labIsUp()) {
    throw new Error(`scripts/lab-up failed (exit ${r.exitCode}):\n${(r.stdout + r.stderr).split('\n').slice(-30).join('\n')}`);
  }
}

/** The OS base create-container would pick: the newest (by name) under os-bases/. */
export function newestOsBase(): string {
  const names = readdirSync(labPaths.osBases).filter((n) => !n.startsWith('.')).sort();
  const newest = names.at(-1);
  if (newest === undefined) throw new Error(`no OS base under ${labPaths.osBases}`);
  return newest;
}

/**
 * Runs argv inside a fresh network namespace with a private copy of /etc/ufw, so `ufw --force enable`
 * is safe there. Pass `etcUfw` to keep that copy in a directory of yours across calls.
 */
export function inUfwNetns(argv: readonly string[], opts: { etcUfw?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.etcUfw !== undefined) env.OSM_UFW_ETC = opts.etcUfw;
  return runArgv([labPaths.ufwNetns, ...argv], { env, timeoutMs: opts.timeoutMs ?? 120_000 });
}

/** dnsmasq's pid (lxc-net's), for SIGHUP after changing dnsmasqHostsFile. */
export function dnsmasqPid(): number {
  return Number.parseInt(readFileSync(labPaths.dnsmasqPidFile, 'utf8').trim(), 10);
}
