// Turns a Command plus ExecOptions into the argv a connection actually starts (script, env, become).
// Shared by local and ssh so both behave the same.
import { wrapBecome, type WrappedCommand } from './become.js';
import type { BecomeOptions, Command } from './types.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function commandArgv(cmd: Command): string[] {
  return 'argv' in cmd ? cmd.argv : ['/bin/sh', '-c', cmd.script];
}

// cwd is applied on the host, under become too: `cd DIR && exec argv`.
const CD_THEN_EXEC = 'cd -- "$0" && exec "$@"';

/** The command run in `cwd` (for connections whose commands start in a shell of their own). */
export function withCwd(cmd: Command, cwd: string | undefined): Command {
  return cwd === undefined ? cmd : { argv: ['/bin/sh', '-c', CD_THEN_EXEC, cwd, ...commandArgv(cmd)] };
}

/**
 * The command killed by coreutils timeout after timeoutMs (whole seconds, at least 1). ssh2 only
 * sends a `signal` request while stdin is open, and a persistent shell has no per-command signal at
 * all: the host enforces the timeout itself (inside become, so it kills the real command).
 */
export function withTimeout(cmd: Command, timeoutMs: number | undefined): Command {
  if (timeoutMs === undefined) return cmd;
  const secs = Math.max(1, Math.ceil(timeoutMs / 1000));
  return { argv: ['timeout', '-s', 'KILL', String(secs), ...commandArgv(cmd)] };
}

/**
 * envInArgv: put env on the command line as `env K=V ...` (needed over ssh, and under become because
 * sudo resets the environment); otherwise the caller passes env to the process itself.
 */
export function prepareCommand(
  cmd: Command,
  opts: { become?: BecomeOptions; env?: Record<string, string>; envInArgv: boolean },
): WrappedCommand {
  let argv = commandArgv(cmd);
  if (argv.length === 0) throw new Error('cannot run an empty command');
  const env = opts.env ?? {};
  const names = Object.keys(env);
  for (const name of names) {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
  }
  if (names.length > 0 && (opts.envInArgv || opts.become)) {
    argv = ['env', ...names.map((n) => `${n}=${env[n]}`), ...argv];
  }
  return wrapBecome(argv, opts.become);
}
