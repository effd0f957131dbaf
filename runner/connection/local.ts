// The local connection: child_process without a shell (argv as given), scripts via /bin/sh -c.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BecomeGate } from './become.js';
import { CommandTimeoutError } from './errors.js';
import { ExecFileOps } from './exec-file-ops.js';
import type { ShellKeeperDeps } from './shell-keeper.js';
import { spawnShellStream, type ShellStreamHost } from './shell-stream.js';
import { statOf } from './stat.js';
import { commandArgv, prepareCommand } from './prepare.js';
import { shellQuote } from './quote.js';
import type { BecomeOptions, Command, Connection, ExecOptions, ExecResult, StatResult, WriteOptions } from './types.js';

function isMissing(err: unknown): boolean {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

// How long to wait for stdout/stderr to close after the process exited (see exec).
const PIPE_DRAIN_MS = 250;

export class LocalConnection implements Connection, ShellStreamHost {
  readonly kind = 'local';
  // Under become, file operations go through commands (sudo cat, mktemp+mv...): one code path.
  private readonly viaExec = new ExecFileOps((cmd, opts) => this.exec(cmd, opts));

  constructor(readonly host: string = 'localhost') {}

  exec(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    const prepared = prepareCommand(cmd, { become: opts.become, env: opts.env, envInArgv: false });
    const [file, ...args] = prepared.argv;
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: opts.cwd,
        env: opts.env && !opts.become ? { ...process.env, ...opts.env } : process.env,
        // Own process group, so a timeout kills the command and everything it started.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const errDecoder = new StringDecoder('utf8');
      let stderr = '';
      let timedOut = false;
      let spawnError: Error | undefined;
      child.stdin.on('error', () => {
        // The command may exit without reading its stdin (EPIPE): not an error of ours.
      });
      const gate = new BecomeGate(prepared, { write: (d) => child.stdin.write(d), end: () => child.stdin.end() }, opts.stdin);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => {
        stderr += gate.onStderr(errDecoder.write(b));
      });
      const timer =
        opts.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              killGroup(child.pid);
            }, opts.timeoutMs)
          : undefined;
      child.on('error', (err) => {
        spawnError = err;
      });
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        stderr += gate.onStderr(errDecoder.end()) + gate.finish();
        const durationMs = Date.now() - started;
        if (timedOut) {
          reject(new CommandTimeoutError(shellQuote(commandArgv(cmd)), opts.timeoutMs ?? 0));
          return;
        }
        if (spawnError) {
          // Same shape a shell gives for a missing program, so local and ssh agree.
          const notFound = isMissing(spawnError);
          resolve({ exitCode: notFound ? 127 : 126, stdout: '', stderr: `${file}: ${notFound ? 'command not found' : spawnError.message}\n`, durationMs });
          return;
        }
        const exitCode = code ?? 128 + signalNumber(signal);
        resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr, durationMs });
      };
      child.on('close', finish);
      // A daemon the command started may keep our pipes open forever (service starts): once the
      // command itself has exited, give the pipes a moment to drain, then stop waiting for them.
      child.on('exit', (code, signal) => {
        setTimeout(() => {
          if (settled) return;
          child.stdout.destroy();
          child.stderr.destroy();
          finish(code, signal);
        }, PIPE_DRAIN_MS).unref();
      });
      if (child.pid !== undefined) gate.start();
    });
  }

  async readFile(path: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer | null> {
    if (opts.become) return this.viaExec.readFile(path, opts.become);
    try {
      return await fs.readFile(path);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
    if (opts.become) return this.viaExec.writeFile(path, data, opts);
    const found = await this.stat(path);
    // A symlink's own bits (0777) are not a file's: a link replaced by a file starts from the defaults.
    const previous = found && !found.isSymlink ? found : null;
    const tmp = join(dirname(path), `.osm-play.${randomBytes(6).toString('hex')}`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // A replaced file keeps its mode and owner unless told otherwise, as Ansible does.
      await fs.chmod(tmp, opts.mode ?? previous?.mode ?? 0o644);
      if (previous && process.getuid?.() === 0) await fs.chown(tmp, previous.uid, previous.gid);
      if (opts.owner !== undefined || opts.group !== undefined) await this.chownByName(tmp, opts.owner, opts.group);
      await fs.rename(tmp, path);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dirname(path));
  }

  async stat(path: string, opts: { become?: BecomeOptions } = {}): Promise<StatResult | null> {
    if (opts.become) return this.viaExec.stat(path, opts.become);
    try {
      const st = await fs.lstat(path);
      return statOf(st, st.mtimeMs);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** A process of this machine per shell; no session slots to count. */
  shellStreams(): ShellKeeperDeps {
    return {
      openChannel: async (line, setup) => setup(spawnShellStream(line)),
      tryAcquireSlot: () => () => {},
    };
  }

  async close(): Promise<void> {
    // Nothing held open.
  }

  // Names, not ids: let chown resolve them (NSS, LDAP...) rather than parsing /etc/passwd.
  private async chownByName(path: string, owner?: string, group?: string): Promise<void> {
    const spec = group === undefined ? (owner ?? '') : `${owner ?? ''}:${group}`;
    const r = await this.exec({ argv: ['chown', '--', spec, path] });
    if (r.exitCode !== 0) throw new Error(`chown ${spec} ${path} failed: ${r.stderr.trim()}`);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

// A process killed by a signal reports 128+N, as shells do.
function signalNumber(signal: NodeJS.Signals | null): number {
  if (signal === null) return 0;
  const signals: Partial<Record<string, number>> = osConstants.signals;
  return signals[signal] ?? 0;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
