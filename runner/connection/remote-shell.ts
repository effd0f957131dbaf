// One persistent `sh` on a host, running the driver loop of shell-protocol.ts on an ssh exec channel.
// It runs one request at a time: the next is written only after the previous reply, so when the
// shell dies only the request in flight is affected.
import { randomBytes } from 'node:crypto';
import { CommandTimeoutError } from './errors.js';
import type { ExecResult } from './types.js';
import { ReplyParser, ShellProtocolError, encodeRequest, type ShellReply } from './shell-protocol.js';

/**
 * The driver's stdin, stdout and stderr, and how it ended: an ssh exec channel (ssh2's ClientChannel
 * is one), or a process the connection started (a shell inside a container, through lxc-attach).
 */
export interface ShellStream {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
  write(data: Buffer): unknown;
  /** Closes the driver's stdin. */
  end(): unknown;
  /** Ends the driver now. */
  close(): unknown;
}

/** The shell's channel closed while a request was in flight (or before it was ready). */
export class ShellGoneError extends Error {
  constructor(
    message: string,
    /** sshd reported how the shell ended: the link was up, the shell itself died. */
    readonly shellExited: boolean,
  ) {
    super(message);
    this.name = 'ShellGoneError';
  }
}

interface InFlight {
  id: string;
  resolve(reply: ShellReply): void;
  reject(err: Error): void;
  /** The caller gave up (timeout): the reply is dropped when it comes. */
  abandoned: boolean;
  graceTimer?: NodeJS.Timeout;
}

export class RemoteShell {
  readonly ready: Promise<void>;
  /** Settles when the channel has closed (after the driver exited, when sshd is there to say so). */
  readonly closed: Promise<void>;
  private markClosed: () => void = () => {};
  /** Called once, when the channel has closed. */
  onGone: (() => void) | undefined;
  private readonly parser: ReplyParser;
  private current: InFlight | undefined;
  private settleReady: { resolve(): void; reject(err: Error): void } | undefined;
  private exit: { code: number | null; signal?: string } | undefined;
  private stderr = '';
  private gone = false;
  private seq = 0;
  private readonly idPrefix = randomBytes(4).toString('hex');

  /** Attach at once (inside ssh2's exec callback): the ready line may come with the exec reply. */
  constructor(
    private readonly stream: ShellStream,
    nonce: string,
  ) {
    this.parser = new ReplyParser(nonce);
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = { resolve, reject };
    });
    this.closed = new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });
    // A failed start is reported by whoever awaits ready; never an unhandled rejection.
    this.ready.catch(() => {});
    stream.on('data', (b: Buffer) => this.onData(b));
    stream.stderr.on('data', (b: Buffer) => {
      // The driver's own complaints (commands' stderr goes to its temp files); kept for the reason.
      if (this.stderr.length < 4096) this.stderr += b.toString('utf8');
    });
    stream.on('exit', (code: number | null, signal?: string) => {
      this.exit = { code, signal };
    });
    stream.on('close', () => this.onClose());
  }

  get alive(): boolean {
    return !this.gone;
  }

  /** A request is in flight (possibly one the caller abandoned). */
  get busy(): boolean {
    return this.current !== undefined;
  }

  run(line: string, stdin: Buffer): Promise<ShellReply> {
    if (this.gone) return Promise.reject(new ShellGoneError(`the remote shell is gone (${this.how()})`, this.exit !== undefined));
    if (this.current) return Promise.reject(new Error('remote shell is busy (a bug: requests must be serialized)'));
    const id = `${this.idPrefix}${(this.seq++).toString(16).padStart(8, '0')}`;
    const request = encodeRequest(id, line, stdin);
    return new Promise<ShellReply>((resolve, reject) => {
      this.current = { id, resolve, reject, abandoned: false };
      this.stream.write(request);
    });
  }

  /**
   * The caller stopped waiting (its timeout fired; `timeout` on the host kills the command). The
   * shell stays busy until the reply comes; if it does not come within graceMs the shell is closed.
   */
  abandon(graceMs: number): void {
    const c = this.current;
    if (!c || c.abandoned) return;
    c.abandoned = true;
    c.graceTimer = setTimeout(() => this.kill(), graceMs);
    c.graceTimer.unref();
  }

  /** Ends the shell's stdin: the driver finishes the request in flight, if any, and exits. */
  end(): void {
    if (!this.gone) this.stream.end();
  }

  /** Closes the channel now. */
  kill(): void {
    if (!this.gone) this.stream.close();
  }

  private onData(chunk: Buffer): void {
    let events;
    try {
      events = this.parser.feed(chunk);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const event of events) {
      if (event.kind === 'ready') this.settleReady?.resolve();
      else this.onReply(event.reply);
    }
  }

  private onReply(reply: ShellReply): void {
    const c = this.current;
    if (!c || reply.id !== c.id) {
      this.fail(new ShellProtocolError(`reply ${reply.id} does not answer request ${c?.id ?? '(none)'}`));
      return;
    }
    this.current = undefined;
    if (c.graceTimer) clearTimeout(c.graceTimer);
    if (!c.abandoned) c.resolve(reply);
  }

  /** The stream can no longer be trusted: fail what waits and close the channel. */
  private fail(err: Error): void {
    this.rejectWaiting(err);
    this.kill();
  }

  /** Fails the start-up wait and the command in flight, if any. */
  private rejectWaiting(err: Error): void {
    this.settleReady?.reject(err);
    const c = this.current;
    this.current = undefined;
    if (c) {
      if (c.graceTimer) clearTimeout(c.graceTimer);
      c.reject(err);
    }
  }

  private onClose(): void {
    this.gone = true;
    this.markClosed();
    const err = new ShellGoneError(`the remote shell ended (${this.how()})`, this.exit !== undefined);
    this.rejectWaiting(err);
    this.onGone?.();
  }

  private how(): string {
    const why = this.stderr.trim() ? `: ${this.stderr.trim().slice(0, 300)}` : '';
    if (!this.exit) return `its channel closed${why}`;
    const end = this.exit.signal ? `killed by signal ${this.exit.signal}` : `exit status ${this.exit.code}`;
    return `${end}${why}`;
  }
}

/**
 * A promise that rejects with CommandTimeoutError (naming `what`) after timeoutMs, first telling the
 * shell its caller gave up: `timeout -s KILL` where the command runs kills it at the next whole
 * second, and the shell may take graceMs more to answer. clear() once the request has settled.
 */
export function shellTimeout(shell: RemoteShell, timeoutMs: number | undefined, graceMs: number, what: string): { expired: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      const killMs = Math.max(1, Math.ceil(timeoutMs / 1000)) * 1000;
      shell.abandon(killMs - timeoutMs + graceMs);
      reject(new CommandTimeoutError(what, timeoutMs));
    }, timeoutMs);
  });
  return { expired, clear: () => clearTimeout(timer) };
}

/** A shell's reply as a command's result. */
export function execResultOf(reply: ShellReply, started: number): ExecResult {
  return { exitCode: reply.exitCode, stdout: reply.stdout.toString('utf8'), stderr: reply.stderr.toString('utf8'), durationMs: Date.now() - started };
}
