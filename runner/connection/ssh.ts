// The ssh connection: one ssh2 client per host for the whole run. Commands run on its persistent
// remote shell (shell-keeper.ts) when it is free, else on their own exec channels, at most
// MaxSessions at once (a FIFO queue beyond); files go over one SFTP channel, or through commands
// when become is set. A dropped link fails what is running with UnreachableError.
import { constants as osConstants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { BecomeGate, type WrappedCommand } from './become.js';
import { CommandTimeoutError } from './errors.js';
import { ExecFileOps } from './exec-file-ops.js';
import type { HeldCommand, HeldCommandCapable } from './held-command.js';
import type { ConnectionOptions } from './index.js';
import { commandArgv, prepareCommand, withCwd, withTimeout } from './prepare.js';
import { shellQuote } from './quote.js';
import { Semaphore } from './semaphore.js';
import { ShellGoneError, execResultOf, shellTimeout, type RemoteShell } from './remote-shell.js';
import { SftpFiles } from './sftp-files.js';
import type { ShellStreamHost } from './shell-stream.js';
import { ShellKeeper, type ShellKeeperDeps } from './shell-keeper.js';
import { linkLostReason, openClient } from './ssh-connect.js';
import { resolveSshTarget, type SshConnectOptions, type SshTarget } from './ssh-target.js';
import {
  UnreachableError,
  type BecomeOptions,
  type Command,
  type Connection,
  type ExecOptions,
  type ExecResult,
  type StatResult,
  type WriteOptions,
} from './types.js';
import type { Vars } from '../types.js';

// The shell holds a MaxSessions slot for the run; below this many slots (lock, SFTP, shell, and one
// for exec channels) commands keep to exec channels.
const MIN_SESSIONS_FOR_SHELL = 4;
// Session slots a shell for another connection (a container's) must leave free.
const SLOTS_KEPT_FROM_GUEST_SHELLS = 3;
// After a timeout, how long past the host's own `timeout` kill the shell may take to answer.
const SHELL_TIMEOUT_GRACE_MS = 3000;

function signalExitCode(signal: string | undefined): number {
  const signals: Partial<Record<string, number>> = osConstants.signals;
  return 128 + (signal ? (signals[`SIG${signal}`] ?? 0) : 0);
}

export class SshConnection implements Connection, HeldCommandCapable, ShellStreamHost {
  readonly kind = 'ssh';
  readonly host: string;
  private readonly slots: Semaphore;
  private dead: UnreachableError | undefined;
  private readonly onDeath = new Set<(err: UnreachableError) => void>();
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly files = new SftpFiles(
    () => this.sftp(),
    (cmd, opts) => this.exec(cmd, opts),
    (what) => (this.dead ? new UnreachableError(this.host, `${this.dead.message} while ${what}`) : undefined),
  );
  private readonly viaExec = new ExecFileOps((cmd, opts) => this.exec(cmd, opts));
  private readonly shells: ShellKeeper | undefined;

  constructor(
    private readonly client: Client,
    readonly target: SshTarget,
  ) {
    this.host = target.name;
    this.slots = new Semaphore(target.maxSessions);
    this.shells =
      target.maxSessions >= MIN_SESSIONS_FOR_SHELL
        ? new ShellKeeper({ openChannel: (line, setup) => this.openChannel(line, setup), tryAcquireSlot: () => this.slots.tryAcquire() })
        : undefined;
    const where = `${target.host}:${target.port}`;
    client.on('error', (err: Error) => this.die(linkLostReason(where, err)));
    client.on('close', () => this.die(`connection to ${where} was lost`));
  }

  static async connect(target: SshTarget): Promise<SshConnection> {
    return new SshConnection(await openClient(target), target);
  }

  async exec(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    const prepared = prepareCommand(withTimeout(withCwd(cmd, opts.cwd), opts.timeoutMs), {
      become: opts.become,
      env: opts.env,
      envInArgv: true,
    });
    // sudo's password prompt needs a live stdin, which a framed request cannot give: own channel.
    const shell = prepared.prompt === undefined ? await this.shells?.lease() : undefined;
    if (shell) {
      try {
        return await this.runOnShell(shell, prepared, opts, cmd);
      } finally {
        this.shells?.release();
      }
    }
    const release = await this.slots.acquire();
    try {
      return await this.runOnChannel(prepared, opts, cmd);
    } finally {
      release();
    }
  }

  async readFile(path: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer | null> {
    return opts.become ? this.viaExec.readFile(path, opts.become) : this.files.readFile(path);
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
    return opts.become ? this.viaExec.writeFile(path, data, opts) : this.files.writeFile(path, data, opts);
  }

  async stat(path: string, opts: { become?: BecomeOptions } = {}): Promise<StatResult | null> {
    return opts.become ? this.viaExec.stat(path, opts.become) : this.files.stat(path);
  }

  async close(): Promise<void> {
    if (this.dead) return;
    const closed = new Promise<void>((resolve) => this.client.once('close', () => resolve()));
    await this.shells?.close();
    this.dead = new UnreachableError(this.host, 'connection already closed');
    this.client.end();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  warmUp(): void {
    // SFTP keeps its session slot for the run: with few slots (lock + SFTP) commands could starve,
    // so it opens early only where slots are plentiful, and otherwise on first use as before.
    if (this.target.maxSessions < 4) return;
    this.shells?.warm();
    // The promise is kept by sftp(); this catch only keeps an early failure from being unhandled.
    this.sftp().catch(() => {});
  }

  /**
   * Lets a connection through this one (lxc) keep its own persistent shell here: one more channel
   * for its life, taken only while SLOTS_KEPT_FROM_GUEST_SHELLS more stay free (so never where this
   * connection has too few slots for a shell of its own).
   */
  shellStreams(): ShellKeeperDeps {
    // Such shells hold their slot until the run ends: with many containers they must not take the
    // slots that commands arriving while this host's shell is busy (and SFTP) wait for.
    return { openChannel: (line, setup) => this.openChannel(line, setup), tryAcquireSlot: () => this.slots.tryAcquire(SLOTS_KEPT_FROM_GUEST_SHELLS) };
  }

  /** Starts a command that runs until its stdin is closed (the host lock holder); takes one channel. */
  async startHeldCommand(argv: string[]): Promise<HeldCommand> {
    const release = await this.slots.acquire();
    try {
      return await this.openChannel(shellQuote(argv), (stream) => heldOn(stream, release));
    } catch (err) {
      release();
      throw err;
    }
  }

  private die(message: string): void {
    if (this.dead) return;
    this.dead = new UnreachableError(this.host, message);
    for (const cb of this.onDeath) cb(this.dead);
    this.onDeath.clear();
  }

  // sshd frees a session slot a moment after the channel closes, so a refused open is retried
  // briefly before it counts as a real failure.
  // `setup` runs inside ssh2's callback, before any event of the channel can fire: a fast command's
  // data, exit status and close may arrive in the same packet batch as the exec reply.
  private async openChannel<T>(line: string, setup: (stream: ClientChannel) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.openChannelOnce(line, setup);
      } catch (err) {
        if (this.dead || err instanceof UnreachableError || attempt >= 40) throw this.dead ?? err;
        await new Promise((r) => setTimeout(r, Math.min(5 * attempt, 50)));
      }
    }
  }

  private openChannelOnce<T>(line: string, setup: (stream: ClientChannel) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.dead) {
        reject(this.dead);
        return;
      }
      this.client.exec(line, (err, stream) => {
        if (!err) {
          resolve(setup(stream));
          return;
        }
        reject(
          this.dead ??
            new Error(
              `cannot open an ssh channel to ${this.host} (${err.message}); ` +
                `if sshd's MaxSessions is below ${this.target.maxSessions}, set ansible_ssh_max_sessions`,
            ),
        );
      });
    });
  }

  private async runOnChannel(prepared: WrappedCommand, opts: ExecOptions, cmd: Command): Promise<ExecResult> {
    const started = Date.now();
    // The box keeps the promise out of `await`'s reach: openChannel must not adopt it.
    const box = await this.openChannel(shellQuote(prepared.argv), (stream) => ({ result: this.collect(stream, prepared, opts, cmd, started) }));
    return box.result;
  }

  private async runOnShell(shell: RemoteShell, prepared: WrappedCommand, opts: ExecOptions, cmd: Command): Promise<ExecResult> {
    const started = Date.now();
    const stdin = opts.stdin === undefined ? Buffer.alloc(0) : Buffer.from(opts.stdin);
    const running = shell.run(shellQuote(prepared.argv), stdin);
    const what = shellQuote(commandArgv(cmd));
    const summary = (): string => what.slice(0, 200);
    // `timeout` on the host kills the command and the shell answers; the reply is dropped then.
    const timeout = shellTimeout(shell, opts.timeoutMs, SHELL_TIMEOUT_GRACE_MS, what);
    let onDead: ((err: UnreachableError) => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      onDead = (err) => reject(new UnreachableError(this.host, `${err.message} while running: ${summary()}`));
      this.onDeath.add(onDead);
    });
    try {
      return execResultOf(await Promise.race([running, timeout.expired, lost]), started);
    } catch (err) {
      if (err instanceof ShellGoneError) throw await this.shellGoneError(err, summary());
      throw err;
    } finally {
      timeout.clear();
      if (onDead) this.onDeath.delete(onDead);
      // The race's loser must not turn into an unhandled rejection.
      running.catch(() => {});
    }
  }

  // sshd reports how the shell ended only while the link is up; even then, check the link with a
  // command of its own before calling this a command failure rather than UNREACHABLE.
  private async shellGoneError(err: ShellGoneError, summary: string): Promise<Error> {
    if (err.shellExited && !this.dead) {
      await this.execOnChannel({ argv: ['true'] }).catch(() => undefined);
    }
    if (this.dead || !err.shellExited) {
      const why = this.dead?.message ?? 'the ssh channel closed before the command finished';
      return new UnreachableError(this.host, `${why} while running: ${summary}`);
    }
    return new Error(`${err.message} while running: ${summary}`);
  }

  private async execOnChannel(cmd: Command): Promise<ExecResult> {
    const release = await this.slots.acquire();
    try {
      return await this.runOnChannel(prepareCommand(cmd, { envInArgv: true }), {}, cmd);
    } finally {
      release();
    }
  }

  private collect(stream: ClientChannel, prepared: WrappedCommand, opts: ExecOptions, cmd: Command, started: number): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const errDecoder = new StringDecoder('utf8');
      let stderr = '';
      let exit: { code: number | null; signal?: string } | undefined;
      let settled = false;
      const gate = new BecomeGate(prepared, { write: (d) => stream.write(d), end: () => stream.end() }, opts.stdin);
      const onDead = (err: UnreachableError): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        reject(new UnreachableError(this.host, `${err.message} while running: ${shellQuote(commandArgv(cmd)).slice(0, 200)}`));
      };
      this.onDeath.add(onDead);
      const timer =
        opts.timeoutMs !== undefined
          ? setTimeout(() => {
              // Do not wait for the host: give up now; `timeout` there kills the command.
              settled = true;
              this.onDeath.delete(onDead);
              stream.close();
              reject(new CommandTimeoutError(shellQuote(commandArgv(cmd)), opts.timeoutMs ?? 0));
            }, opts.timeoutMs)
          : undefined;
      stream.on('data', (b: Buffer) => out.push(b));
      stream.stderr.on('data', (b: Buffer) => {
        stderr += gate.onStderr(errDecoder.write(b));
      });
      stream.on('exit', (code: number | null, signal?: string) => {
        exit = { code, signal };
      });
      stream.on('close', () => {
        this.onDeath.delete(onDead);
        if (timer) clearTimeout(timer);
        if (settled) return;
        settled = true;
        stderr += gate.onStderr(errDecoder.end()) + gate.finish();
        if (!exit) {
          reject(new UnreachableError(this.host, `the ssh channel closed before the command finished: ${shellQuote(commandArgv(cmd)).slice(0, 200)}`));
          return;
        }
        const exitCode = exit.code ?? signalExitCode(exit.signal);
        resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr, durationMs: Date.now() - started });
      });
      gate.start();
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    // ssh2 queues requests on a closed channel and never answers them: refuse once the link is gone.
    if (this.dead) return Promise.reject(this.dead);
    this.sftpSession ??= (async () => {
      // The SFTP channel stays open for the whole run: it holds one of the MaxSessions slots.
      await this.slots.acquire();
      return new Promise<SFTPWrapper>((resolve, reject) => {
        if (this.dead) {
          reject(this.dead);
          return;
        }
        this.client.sftp((err, sftp) => (err ? reject(this.dead ?? new Error(`sftp to ${this.host} failed: ${err.message}`)) : resolve(sftp)));
      });
    })();
    return this.sftpSession;
  }
}

/** Wraps a channel as a HeldCommand, buffering what arrives before the caller subscribes. */
function heldOn(stream: ClientChannel, release: () => void): HeldCommand {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  let stdoutCb: ((chunk: string) => void) | undefined;
  let stderr = '';
  let code: number | null = null;
  let exited = false;
  const exitCbs: Array<(code: number | null, stderr: string) => void> = [];
  stream.on('data', (b: Buffer) => {
    const text = decoder.write(b);
    if (stdoutCb) stdoutCb(text);
    else buffered += text;
  });
  stream.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  stream.on('exit', (c: number | null) => {
    code = c;
  });
  stream.on('close', () => {
    exited = true;
    release();
    for (const cb of exitCbs) cb(code, stderr);
  });
  return {
    onStdout: (cb) => {
      stdoutCb = cb;
      if (buffered) cb(buffered);
      buffered = '';
    },
    onExit: (cb) => (exited ? cb(code, stderr) : exitCbs.push(cb)),
    write: (data) => {
      if (!exited && stream.writable) stream.write(data);
    },
    endInput: () => stream.end(),
  };
}

function connectOptions(opts: ConnectionOptions): SshConnectOptions {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    acceptNewHostKeys: opts['acceptNewHostKeys'] === true,
    knownHostsFile: str(opts['knownHostsFile']),
    sshConfigFile: str(opts['sshConfigFile']),
    connectTimeoutMs: typeof opts['connectTimeoutMs'] === 'number' ? opts['connectTimeoutMs'] : undefined,
  };
}

export async function createSshConnection(hostName: string, vars: Vars, opts: ConnectionOptions = {}): Promise<SshConnection> {
  return SshConnection.connect(resolveSshTarget(hostName, vars, connectOptions(opts)));
}

