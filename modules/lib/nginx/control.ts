// Driving one nginx instance (`nginx [-p PREFIX] -c CONF`): test, find its master, reload or start it,
// and prove a reload took (nginx -s reload exits 0 even when the master then refuses the new config).
import { posix } from 'node:path';
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { compiledPidPath, parseNginxConf } from './config.js';

export interface NginxInstance {
  conf: string;
  prefix?: string;
}

/** `nginx [-p PREFIX] -c CONF` plus extra flags. */
export function nginxArgv(n: NginxInstance, ...extra: string[]): string[] {
  return ['nginx', ...(n.prefix ? ['-p', n.prefix] : []), '-c', n.conf, ...extra];
}

/** nginx's own complaint, from its stderr: the [emerg]/[alert]/[crit] lines, or the last lines. */
export function nginxMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const bad = lines.filter((l) => /\[(emerg|alert|crit|error)\]/.test(l));
  return (bad.length > 0 ? bad : lines.slice(-2)).join('; ') || 'no message';
}

/** `nginx -t` over the whole tree; throws ModuleError carrying nginx's message. */
export async function testConfig(host: HostContext, n: NginxInstance): Promise<void> {
  const argv = nginxArgv(n, '-t');
  const r = await host.exec({ argv });
  if (r.exitCode !== 0) {
    throw new ModuleError(`nginx -t failed: ${nginxMessage(r.stderr)}`, { rc: r.exitCode, stdout: r.stdout, stderr: r.stderr, argv });
  }
}

/** Where the main file says the pid and error log live (top-level directives), else nginx's compiled defaults. */
export async function instancePaths(host: HostContext, n: NginxInstance): Promise<{ pidFile?: string; errorLog?: string }> {
  const text = (await host.readFile(n.conf)) ?? '';
  const top = parseNginxConf(text, n.conf);
  const base = n.prefix ?? posix.dirname(n.conf);
  const arg = (name: string): string | undefined => {
    const d = top.find((x) => x.name === name && x.args[0] !== undefined);
    return d?.args[0] === undefined ? undefined : posix.resolve(base, d.args[0]);
  };
  let pidFile = arg('pid');
  let errorLog = arg('error_log');
  if (!pidFile || !errorLog) {
    const v = await host.exec({ argv: ['nginx', '-V'] });
    pidFile ??= compiledPidPath(v.stderr);
    errorLog ??= /--error-log-path=(\S+)/.exec(v.stderr)?.[1];
  }
  return { pidFile, errorLog: errorLog?.startsWith('/') ? errorLog : undefined };
}

/** The master's pid when the instance runs (pid file names a live process), else null. */
export async function masterPid(host: HostContext, pidFile: string | undefined): Promise<number | null> {
  if (!pidFile) return null;
  const text = await host.readFile(pidFile);
  const pid = Number(text?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return (await host.stat(`/proc/${pid}`)) ? pid : null;
}

async function workers(host: HostContext, master: number): Promise<Set<string>> {
  const r = await host.exec({ argv: ['pgrep', '-P', String(master)] });
  return new Set(r.stdout.split('\n').filter((l) => /^\d+$/.test(l.trim())));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * New workers alone do not mean the old config stopped answering: an old worker accepts connections
 * until it gets the master's QUIT, closes its listeners and retitles itself "worker process is shutting
 * down" (it may live on for long-lived streams such as MQTT). Done when every old worker is gone or so titled.
 */
async function oldWorkersRetired(host: HostContext, before: Set<string>, now: Set<string>): Promise<boolean> {
  for (const pid of before) {
    if (!now.has(pid)) continue;
    // A worker that exits between the listing and this read is retired: over SFTP that read fails
    // with a generic error rather than "no such file".
    const title = (await host.readFile(`/proc/${pid}/cmdline`).catch(() => null)) ?? '';
    if (title !== '' && !title.includes('shutting down')) return false;
  }
  return true;
}

/**
 * Reloads the running instance (or starts it) and waits until the master has new workers and the old
 * ones stopped accepting. A master that refuses the new config keeps its old workers and logs why:
 * that is reported as a failure.
 */
export async function reloadOrStart(
  host: HostContext,
  n: NginxInstance,
  opts: { timeoutMs?: number; watchLog?: boolean } = {},
): Promise<'reloaded' | 'started'> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const paths = await instancePaths(host, n);
  const master = await masterPid(host, paths.pidFile);
  if (master === null) {
    const argv = nginxArgv(n);
    const r = await host.exec({ argv });
    if (r.exitCode !== 0) throw new ModuleError(`starting nginx failed: ${nginxMessage(r.stderr)}`, { rc: r.exitCode, stderr: r.stderr, argv });
    return 'started';
  }
  const before = await workers(host, master);
  const logBefore = paths.errorLog ? ((await host.stat(paths.errorLog))?.size ?? 0) : 0;
  const argv = nginxArgv(n, '-s', 'reload');
  const r = await host.exec({ argv });
  if (r.exitCode !== 0) throw new ModuleError(`nginx reload failed: ${nginxMessage(r.stderr)}`, { rc: r.exitCode, stderr: r.stderr, argv });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await workers(host, master);
    if ([...now].some((p) => !before.has(p)) && (await oldWorkersRetired(host, before, now))) return 'reloaded';
    // A refused reload logs [emerg] at once, but the master may go on retrying (bind: 5 x 0.5 s) before it
    // gives up; a reload after a rollback therefore waits for workers only, not for a quiet log.
    if (paths.errorLog && opts.watchLog !== false) {
      // Only what the master logged since the reload (error logs can be large).
      const fresh = (await host.exec({ argv: ['tail', '-c', `+${logBefore + 1}`, paths.errorLog] })).stdout;
      if (/\[(emerg|alert)\]/.test(fresh)) throw new ModuleError(`nginx refused the new configuration on reload: ${nginxMessage(fresh)}`);
    }
    await sleep(100);
  }
  throw new ModuleError(`nginx (master ${master}) did not start new workers within ${timeoutMs / 1000}s after reload`);
}
