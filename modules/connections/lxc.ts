// The `lxc` connection: runs commands inside a container through `lxc-attach` on its host, over
// that host's own connection: on one persistent shell in the container where it can (lxc-shell.ts),
// else one lxc-attach per command. Files go through commands (cat/mktemp+mv/stat) via ExecFileOps.
// Registered as connection type `lxc` by modules/builtins.ts; the runner itself knows nothing of LXC.
import { createConnection, type ConnectionOptions } from '../../runner/connection/index.js';
import { LocalConnection } from '../../runner/connection/local.js';
import { ExecFileOps } from '../../runner/connection/exec-file-ops.js';
import { commandArgv, prepareCommand, withTimeout } from '../../runner/connection/prepare.js';
import { shellQuote } from '../../runner/connection/quote.js';
import { ContainerShell } from './lxc-shell.js';
import type { BecomeOptions, Command, Connection, ExecOptions, ExecResult, StatResult, WriteOptions } from '../../runner/connection/types.js';
import type { Vars } from '../../runner/types.js';
import { CONTAINER_NAME } from './lxc-names.js';

// cd first when a cwd is asked for; the directory and the command stay positional arguments.
const CWD_SCRIPT = 'cd "$1" || exit 1; shift; exec "$@"';

export interface LxcConnectionOptions {
  /** Inventory name of the container host (for messages). */
  parentName: string;
  /** The container's LXC name. */
  container: string;
  /** Run lxc-attach on the parent with this privilege escalation (when the parent logs in unprivileged). */
  parentBecome?: BecomeOptions;
  /** Close the parent when this connection closes (only when this connection opened it). */
  ownsParent: boolean;
}

/** The argv run inside the container for a command: become (other than root), env and cwd applied. */
export function containerArgv(cmd: Command, opts: ExecOptions = {}): string[] {
  if (opts.become?.password) throw new Error('lxc connection: become with a password is not supported inside containers');
  // lxc-attach already runs as root in the container: become to root is a no-op.
  const become = opts.become && opts.become.user !== 'root' ? opts.become : undefined;
  const argv = prepareCommand(cmd, { become, env: opts.env, envInArgv: true }).argv;
  return opts.cwd === undefined ? argv : ['/bin/sh', '-c', CWD_SCRIPT, 'sh', opts.cwd, ...argv];
}

/** The argv run on the parent for a command inside the container. */
export function attachArgv(container: string, cmd: Command, opts: ExecOptions = {}): string[] {
  if (!CONTAINER_NAME.test(container)) throw new Error(`invalid container name: ${JSON.stringify(container)}`);
  return ['lxc-attach', '-n', container, '--clear-env', '--', ...containerArgv(cmd, opts)];
}

export class LxcConnection implements Connection {
  readonly kind = 'lxc';
  private readonly files = new ExecFileOps((cmd, opts) => this.exec(cmd, opts));
  private readonly shell: ContainerShell | undefined;

  constructor(
    readonly host: string,
    private readonly parent: Connection,
    private readonly opts: LxcConnectionOptions,
  ) {
    if (!CONTAINER_NAME.test(opts.container)) throw new Error(`invalid container name: ${JSON.stringify(opts.container)}`);
    // A parent that needs sudo for lxc-attach runs each command on its own.
    this.shell = opts.parentBecome ? undefined : ContainerShell.through(parent, opts.container);
  }

  async exec(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    // On the container's shell, `timeout` runs in the container (inside become, as over ssh).
    const onShell = await this.shell?.exec(containerArgv(withTimeout(cmd, opts.timeoutMs), opts), opts.stdin, opts.timeoutMs, shellQuote(commandArgv(cmd)));
    if (onShell) return onShell;
    const argv = attachArgv(this.opts.container, cmd, opts);
    return this.parent.exec({ argv }, { stdin: opts.stdin, timeoutMs: opts.timeoutMs, become: this.opts.parentBecome });
  }

  readFile(path: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer | null> {
    return this.files.readFile(path, opts.become);
  }

  writeFile(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
    return this.files.writeFile(path, data, opts);
  }

  stat(path: string, opts: { become?: BecomeOptions } = {}): Promise<StatResult | null> {
    return this.files.stat(path, opts.become);
  }

  async close(): Promise<void> {
    await this.shell?.close();
    if (this.opts.ownsParent) await this.parent.close();
  }
}

/**
 * How the executor hands over the parent's existing connection: `opts.connectionFor(hostName)`.
 * Without it, the parent is connected here from `ansible_lxc_host_vars` (the parent's connection
 * vars, which the osm_containers inventory source records), or locally when the parent is the
 * controller itself.
 */
export type ParentConnectionLookup = (hostName: string) => Promise<Connection>;

const CONTROLLER = new Set(['localhost', '127.0.0.1', '::1']);

function stringVar(vars: Vars, key: string): string | undefined {
  const v = vars[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isRecord(v: unknown): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function createLxcConnection(hostName: string, vars: Vars, opts: ConnectionOptions): Promise<LxcConnection> {
  const container = stringVar(vars, 'ansible_lxc_name') ?? hostName;
  const parentName = stringVar(vars, 'ansible_lxc_host') ?? 'localhost';
  const parentBecome: BecomeOptions | undefined = vars['ansible_lxc_host_become'] === true ? { method: 'sudo', user: 'root' } : undefined;
  const base = { parentName, container, parentBecome };
  const lookup = opts['connectionFor'];
  if (typeof lookup === 'function') {
    const parent: Connection = await (lookup as ParentConnectionLookup)(parentName);
    return new LxcConnection(hostName, parent, { ...base, ownsParent: false });
  }
  const parentVars = vars['ansible_lxc_host_vars'];
  if (isRecord(parentVars)) {
    if (parentVars['ansible_connection'] === 'lxc') throw new Error(`host ${hostName}: the parent ${parentName} of an lxc connection cannot itself be lxc`);
    const parent = await createConnection(parentName, parentVars, { ...opts, connectionFor: undefined });
    return new LxcConnection(hostName, parent, { ...base, ownsParent: true });
  }
  if (!CONTROLLER.has(parentName)) {
    throw new Error(
      `host ${hostName}: lxc connection via '${parentName}' needs the executor's connectionFor option or ansible_lxc_host_vars (only the controller itself is reachable without)`,
    );
  }
  return new LxcConnection(hostName, new LocalConnection(parentName), { ...base, ownsParent: true });
}

