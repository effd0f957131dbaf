// One persistent shell inside a container, for the lxc connection: the same driver as a host's
// remote shell, started once with `lxc-attach` through the parent's connection, instead of one
// `lxc-attach` per command (about 30 ms each on the host). Commands it cannot take go the old way:
// when it is busy, cannot start, or has died three times (each container stop ends it).
import { shellQuote } from '../../runner/connection/quote.js';
import { ShellGoneError, execResultOf, shellTimeout, type RemoteShell } from '../../runner/connection/remote-shell.js';
import { ShellKeeper } from '../../runner/connection/shell-keeper.js';
import { canHostShellStreams } from '../../runner/connection/shell-stream.js';
import type { Connection, ExecOptions, ExecResult } from '../../runner/connection/types.js';

// After a timeout, how long past the container's own `timeout` kill the shell may take to answer.
const TIMEOUT_GRACE_MS = 3000;

export class ContainerShell {
  private constructor(private readonly keeper: ShellKeeper) {}

  /** A shell for `container` through `parent`, or undefined when the parent cannot hold one. */
  static through(parent: Connection, container: string): ContainerShell | undefined {
    if (!canHostShellStreams(parent)) return undefined;
    const streams = parent.shellStreams();
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
   * The result of `argv` (built by containerArgv: become, env, cwd and timeout applied), or undefined
   * when the caller must run the command with its own lxc-attach: the shell is busy or unavailable,
   * or it ended before it answered. The shell ends when the container stops, so a request written
   * to it as it went was never read; the caller runs it afresh. (A command that stops its own
   * container is the one that runs twice; nothing of OSM does that.) `what` names the command.
   */
  async exec(argv: string[], stdin: ExecOptions['stdin'], timeoutMs: number | undefined, what: string): Promise<ExecResult | undefined> {
    const shell = await this.keeper.lease();
    if (!shell) return undefined;
    try {
      return await this.run(shell, argv, stdin, timeoutMs, what);
    } finally {
      this.keeper.release();
    }
  }

  close(): Promise<void> {
    return this.keeper.close();
  }

  private async run(shell: RemoteShell, argv: string[], stdin: ExecOptions['stdin'], timeoutMs: number | undefined, what: string): Promise<ExecResult | undefined> {
    const started = Date.now();
    const running = shell.run(shellQuote(argv), stdin === undefined ? Buffer.alloc(0) : Buffer.from(stdin));
    // `timeout` in the container kills the command and the shell answers; the reply is dropped then.
    const timeout = shellTimeout(shell, timeoutMs, TIMEOUT_GRACE_MS, what);
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
