// A per-host lock held for the whole run, so two osm-play runs never change one host at once.
// On the host, `flock` is held by a shell whose stdin is our connection: when the run ends, is
// killed (even kill -9) or loses the link, stdin closes, the shell exits and the kernel drops the
// lock. A link that dies silently (a network that stops answering) closes nothing on the host: sshd
// keeps the session until TCP keepalive gives up, hours later. So the run also sends a heartbeat
// byte every few seconds, and the shell lets go after a silence of heartbeatTimeoutMs. Nothing stale
// is ever left that could block the next run for long; a sidecar file names the holder.
import { spawn } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { canHoldCommand, type HeldCommand } from '../connection/held-command.js';
import type { Connection } from '../connection/types.js';

export interface HostLock {
  release(): Promise<void>;
}

export interface HostLockOptions {
  timeoutMs: number;
  /** Who holds the lock, shown to a run that has to wait: see describeHolder(). */
  holder: string;
  /** Directory for the lock on the host; default /run, or /tmp where /run is not writable. */
  lockDir?: string;
  /** Called once when the lock is busy and we start waiting, with the holder's description. */
  onWait?: (holder: string) => void;
  /** The host frees the lock after this long without a heartbeat (default 90 s). */
  heartbeatTimeoutMs?: number;
}

/** Long enough that a busy controller does not lose its lock; short next to sshd's hours. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 90_000;

/** A heartbeat every tenth of the silence allowed, at most every 10 s. */
export function heartbeatIntervalMs(timeoutMs: number): number {
  return Math.min(10_000, Math.max(100, Math.floor(timeoutMs / 10)));
}

export class HostLockError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostLockError';
  }
}

/** The holder line: pid, user, controller host and start time of this run. */
export function describeHolder(startedAt: Date = new Date()): string {
  return `osm-play pid ${process.pid}, user ${userInfo().username}, on controller ${hostname()}, started ${startedAt.toISOString()}`;
}

// $1 lock dir ('' = /run or /tmp), $2 lock name, $3 holder, $4 wait seconds, $5 heartbeat timeout
// seconds. Status lines on stdout: `busy`/`timeout` followed by the holder and `end-holder`, or
// `locked`. The lock file is opened read-only, so a file another user created in /tmp still works.
const LOCK_SCRIPT = [
  'd="$1"; if [ -z "$d" ]; then if [ -w /run ]; then d=/run; else d=/tmp; fi; fi',
  'lock="$d/osm-play.$2.lock"; info="$lock.holder"',
  '[ -e "$lock" ] || : >> "$lock" || exit 70',
  'exec 9< "$lock" || exit 70',
  'command -v flock >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 || exit 71',
  'if ! flock -n 9; then',
  '  printf "busy\\n"; cat -- "$info" 2>/dev/null; printf "\\nend-holder\\n"',
  '  if ! flock -w "$4" 9; then printf "timeout\\n"; cat -- "$info" 2>/dev/null; printf "\\nend-holder\\n"; exit 75; fi',
  'fi',
  '{ printf "%s\\n" "$3" > "$info"; } 2>/dev/null',
  'printf "locked\\n"',
  // Hold while heartbeat bytes arrive; end of stdin (the run ended or died) or silence for $5 s
  // (the link died unseen) lets go. The readers must not keep the lock fd. bash reads each byte
  // with its own timeout (read -t), forking nothing; POSIX sh has no read -t, so without bash each
  // heartbeat costs a subshell, timeout, head and wc: about 40 ms of CPU here, which 500 idle
  // holders on one machine turn into more than two cores.
  'if command -v bash >/dev/null 2>&1; then',
  `  bash -c 'while IFS= read -r -n 1 -t "$1" _; do :; done' osm-play-lock-hold "$5" 9<&-`,
  'else',
  '  while [ "$(timeout "$5" head -c 1 | wc -c)" -eq 1 ]; do :; done 9<&-',
  'fi',
  'rm -f -- "$info" 2>/dev/null',
  'exit 0',
].join('\n');

/** File-name-safe form of the inventory name: each inventory host has its own lock. */
export function lockName(host: string): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '_');
}

function lockArgv(conn: Connection, opts: HostLockOptions): string[] {
  const waitS = Math.max(0, opts.timeoutMs / 1000).toFixed(1);
  const silenceS = ((opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS) / 1000).toFixed(1);
  return ['/bin/sh', '-c', LOCK_SCRIPT, 'osm-play-lock', opts.lockDir ?? '', lockName(conn.host), opts.holder, waitS, silenceS];
}

/** Runs the lock shell on the controller itself. */
export function startLocal(argv: string[]): HeldCommand {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  child.stdin.on('error', () => {
    // Exited before we closed its stdin.
  });
  child.stdout.setEncoding('utf8');
  return {
    onStdout: (cb) => child.stdout.on('data', (s: string) => cb(s)),
    onExit: (cb) => child.on('close', (code) => cb(code, stderr)),
    write: (data) => {
      if (child.stdin.writable) child.stdin.write(data);
    },
    endInput: () => child.stdin.end(),
  };
}

/** A status line of the lock script (holder text may contain the same words mid-line). */
function hasLine(text: string, status: string): boolean {
  return text.startsWith(`${status}\n`) || text.includes(`\n${status}\n`);
}

function holderFrom(text: string, status: string): string {
  const at = text.lastIndexOf(`${status}\n`);
  const rest = at >= 0 ? text.slice(at + status.length + 1) : '';
  const end = rest.indexOf('\nend-holder\n');
  const holder = (end >= 0 ? rest.slice(0, end) : rest).trim();
  return holder || 'an unknown osm-play run (no holder file)';
}

export async function acquireHostLock(conn: Connection, opts: HostLockOptions): Promise<HostLock> {
  const argv = lockArgv(conn, opts);
  // Connections that cannot keep a command running (local, lxc via lxc-attach from this machine)
  // reach their host from the controller: the lock is taken here, under the inventory name.
  const held: HeldCommand = canHoldCommand(conn) ? await conn.startHeldCommand(argv) : startLocal(argv);

  let out = '';
  let exited: { code: number | null; stderr: string } | undefined;
  const exitWaiters: Array<() => void> = [];
  held.onExit((code, stderr) => {
    exited = { code, stderr };
    for (const w of exitWaiters) w();
  });
  const waitExit = (): Promise<void> => (exited ? Promise.resolve() : new Promise((r) => exitWaiters.push(r)));

  await new Promise<void>((resolve, reject) => {
    let announced = false;
    // The host enforces the timeout (flock -w); this guard covers a host that stops answering.
    const guard = setTimeout(() => {
      held.endInput();
      reject(new HostLockError(conn.host, `host ${conn.host}: no answer while taking the host lock`));
    }, opts.timeoutMs + 30_000);
    const check = (): void => {
      if (hasLine(out, 'locked')) {
        clearTimeout(guard);
        resolve();
      } else if (hasLine(out, 'timeout') && out.lastIndexOf('\nend-holder\n') > out.lastIndexOf('timeout\n')) {
        clearTimeout(guard);
        const secs = Math.round(opts.timeoutMs / 1000);
        reject(
          new HostLockError(
            conn.host,
            `host ${conn.host} is locked by another run (${holderFrom(out, 'timeout')}); gave up after ${secs}s (--lock-timeout)`,
          ),
        );
      } else if (!announced && hasLine(out, 'busy') && out.includes('\nend-holder\n')) {
        announced = true;
        opts.onWait?.(holderFrom(out, 'busy'));
      }
    };
    held.onStdout((chunk) => {
      out += chunk;
      check();
    });
    held.onExit((code, stderr) => {
      if (hasLine(out, 'locked') || hasLine(out, 'timeout')) return;
      clearTimeout(guard);
      const why =
        code === 71
          ? 'flock(1) or timeout(1) is not installed on the host (util-linux, coreutils)'
          : code === 70
            ? `cannot create the lock file: ${stderr.trim()}`
            : `the lock holder exited (${code === null ? 'connection lost' : `rc ${code}`}) ${stderr.trim()}`;
      reject(new HostLockError(conn.host, `host ${conn.host}: cannot take the host lock: ${why}`.trim()));
    });
  });

  const beat = setInterval(() => held.write('.'), heartbeatIntervalMs(opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS));
  // The heartbeat alone must not keep the controller alive.
  beat.unref();
  held.onExit(() => clearInterval(beat));
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      held.endInput();
      await waitExit();
    },
  };
}
