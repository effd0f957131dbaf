// One persistent shell inside a container, for the lxc connection: the same driver as a host's
// remote shell, started once with `lxc-attach` through the parent's connection, instead of one
// `lxc-attach` per command (about 30 ms each on the host). Commands it cannot take go the old way:
// when it is busy, cannot start, or has died three times (each container stop ends it).
import { commandArgv, prepareCommand, withCwd, withTimeout } from '../../runner/connection/prepare.js';
import { shellQuote } from '../../runner/connection/quote.js';
import { ShellGoneError, execResultOf, shellTimeout, type RemoteShell } from '../../runner/connection/remote-shell.js';
import { ShellKeeper } from '../../runner/connection/shell-keeper.js';
import { canHostShellStreams } from '../../runner/connection/shell-stream.js';
import type { Command, Connection, ExecOptions, ExecResult } from '../../runner/connection/types.js';

// After a timeout, how long past the container's own `timeout` kill the shell may take to answer.
const TIMEOUT_GRACE_MS = 3000;

export class ContainerShell {
  private constructor(private readonly keeper: ShellKeeper) {}

  /** A shell for `container` through `parent`, or undefined when the parent cannot hold one. */
  static through(parent: Connection, container: string): ContainerShell | undefined {
    const streams = canHostShellStreams(parent) ? parent.shellStreams() : undefined;
    if (!streams) return undefined;
    const attach = shellQuote(['lxc-attach', '-n', container, '--clear-env', '--']);
    return new ContainerShell(
      new ShellKeeper({
        // The driver's own command line, run inside the container.
        openChannel: (line, setup) => streams.openChannel(`${attach} ${line}`, setup),
        tryAcquireSlot: () => streams.tryAcquireSlot(),
      }),
    );
  }

  /**
   * The command's result, or undefined when the caller must run it with its own lxc-attach: the
   * shell is busy or unavailable, or it ended before it answered. The shell ends when the container
   * stops, so a request written to it as it went was never read; the caller runs it afresh. (A
   * command that stops its own container is the one that runs twice; nothing of OSM does that.)
   */
  async exec(cmd: Command, opts: ExecOptions): Promise<ExecResult | undefined> {
    if (opts.become?.password) return undefined;
    const shell = await this.keeper.lease();
    if (!shell) return undefined;
    try {
      return await this.run(shell, cmd, opts);
    } finally {
      this.keeper.release();
    }
  }

  close(): Promise<void> {
    return this.keeper.close();
  }

  private async run(shell: RemoteShell, cmd: Command, opts: ExecOptions): Promise<ExecResult | undefined> {
    // lxc-attach already runs as root in the container: become to root is a no-op.
    const become = opts.become && opts.become.user !== 'root' ? opts.become : undefined;
    const prepared = prepareCommand(withTimeout(withCwd(cmd, opts.cwd), opts.timeoutMs), { become, env: opts.env, envInArgv: true });
    const started = Date.now();
    const running = shell.run(shellQuote(prepared.argv), opts.stdin === undefined ? Buffer.alloc(0) : Buffer.from(opts.stdin));
    // `timeout` in the container kills the command and the shell answers; the reply is dropped then.
    const timeout = shellTimeout(shell, opts.timeoutMs, TIMEOUT_GRACE_MS, shellQuote(commandArgv(cmd)));
    try {
      return execResultOf(await Promise.race([running, timeout.expired]), started);
    } catch (err) {
      if (err instanceof ShellGoneError) return undefined;
      throw err;
    } finally {
      timeout.clear();
      // The race's loser must not turn into an unhandled rejection.
      running.catch(() => {});
    }
  }
}
