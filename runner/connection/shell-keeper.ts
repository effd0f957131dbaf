// Keeps one persistent remote shell per ssh connection: starts it on first use (or early, in
// warmUp), hands it to one request at a time, replaces it when it dies, and gives up on it (the
// connection then opens an exec channel per command, as before) when it cannot start or keeps dying.
import { randomBytes } from 'node:crypto';
import { shellQuote } from './quote.js';
import { RemoteShell, type ShellStream } from './remote-shell.js';
import { DRIVER, readyLine } from './shell-protocol.js';
import { UnreachableError } from './types.js';

export interface ShellKeeperDeps {
  /** Starts `line` (an ssh exec channel, a process); `setup` runs before any of its events can fire. */
  openChannel(line: string, setup: (stream: ShellStream) => RemoteShell): Promise<RemoteShell>;
  /** A MaxSessions slot if one is free now; the shell keeps it for its life. */
  tryAcquireSlot(): (() => void) | undefined;
}

// A driver that has not said ready by then is not going to (a login shell stuck on something).
const HANDSHAKE_TIMEOUT_MS = 15_000;
// A shell that dies this often (commands killing it) is not worth restarting.
const MAX_DEATHS = 3;
// How long close() waits for the shell to exit on EOF (it is idle, so it exits at once).
const CLOSE_WAIT_MS = 1000;

export class ShellKeeper {
  private shell: RemoteShell | undefined;
  private starting: Promise<RemoteShell | undefined> | undefined;
  private leased = false;
  private deaths = 0;
  private closed = false;
  /** Why the shell is not used any more; undefined while it is. */
  disabled: string | undefined;

  constructor(private readonly deps: ShellKeeperDeps) {}

  /** Starts the shell in the background (overlapping with the host lock). */
  warm(): void {
    if (this.disabled || this.closed) return;
    void this.ensure().catch(() => {});
  }

  /**
   * The shell, reserved for one request, or undefined when the caller should use an exec channel
   * (the shell is busy, disabled or cannot start now). Call release() after the request.
   */
  async lease(): Promise<RemoteShell | undefined> {
    if (this.disabled || this.closed || this.leased || this.shell?.busy) return undefined;
    this.leased = true;
    try {
      const shell = await this.ensure();
      if (!shell || shell.busy) {
        this.leased = false;
        return undefined;
      }
      return shell;
    } catch (err) {
      this.leased = false;
      throw err;
    }
  }

  release(): void {
    this.leased = false;
  }

  /**
   * Ends the shell's input and waits (briefly) for it to exit, so its EXIT trap has removed its
   * temp dir before the connection goes: whoever comes next may SIGKILL what is left.
   */
  async close(): Promise<void> {
    this.closed = true;
    const shell = this.shell;
    if (!shell) return;
    shell.end();
    await Promise.race([shell.closed, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
  }

  private ensure(): Promise<RemoteShell | undefined> {
    if (this.shell?.alive) return Promise.resolve(this.shell);
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<RemoteShell | undefined> {
    const releaseSlot = this.deps.tryAcquireSlot();
    if (!releaseSlot) return undefined;
    const nonce = randomBytes(8).toString('hex');
    // $0 names the shell in `ps`; $1 is the ready line it prints.
    const line = shellQuote(['/bin/sh', '-c', DRIVER, 'osm-play-shell', readyLine(nonce)]);
    let shell: RemoteShell;
    try {
      shell = await this.deps.openChannel(line, (stream) => new RemoteShell(stream, nonce));
    } catch (err) {
      releaseSlot();
      // A lost link fails the command; anything else (sshd refusing the channel) just means no shell.
      if (err instanceof UnreachableError) throw err;
      this.disabled = `cannot open a channel for the remote shell: ${err instanceof Error ? err.message : String(err)}`;
      return undefined;
    }
    let ourEnd = false;
    shell.onGone = () => {
      releaseSlot();
      if (this.shell === shell) this.shell = undefined;
      if (!ourEnd && !this.closed && ++this.deaths >= MAX_DEATHS) this.disabled = `the remote shell died ${this.deaths} times`;
    };
    const timer = setTimeout(() => {
      ourEnd = true;
      shell.kill();
    }, HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    try {
      await shell.ready;
    } catch (err) {
      // Missing tools, no temp dir, a login shell that never gets to us: run without the shell.
      this.disabled = `the remote shell did not start: ${err instanceof Error ? err.message : String(err)}`;
      ourEnd = true;
      shell.kill();
      return undefined;
    } finally {
      clearTimeout(timer);
    }
    if (this.closed) {
      shell.end();
      return undefined;
    }
    this.shell = shell;
    return shell;
  }
}
