// The module contract. A module gathers state (read only), plans changes (pure), then applies them.
// Check mode, diffs and recaps are the runner's business: modules never ask whether they are in check mode.
import type { Static, TSchema } from '@sinclair/typebox';
import type { BecomeOptions, Command, Connection, ExecOptions, ExecResult, StatResult, WriteOptions } from './connection/types.js';
import type { Change, Result, Vars } from './types.js';

/** What a module sees of the host it works on, for one task. */
export interface HostContext {
  /** Inventory name of the host. */
  readonly name: string;
  readonly conn: Connection;
  /** The task's variables (inventory, play, registered, facts), read only. */
  readonly vars: Readonly<Vars>;
  /** Privilege escalation for this task, if any; exec/run/readFile/writeFile apply it already. */
  readonly become?: BecomeOptions;
  /** Runs a command; never throws on a non-zero exit. */
  exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult>;
  /** Runs argv; throws ModuleError carrying stderr when it exits non-zero. Returns stdout. */
  run(argv: string[], opts?: ExecOptions): Promise<string>;
  /** Text content, or null when missing. */
  readFile(path: string): Promise<string | null>;
  writeFile(path: string, content: string | Buffer, opts?: WriteOptions): Promise<void>;
  stat(path: string): Promise<StatResult | null>;
  /** A controller-side path for `src:`: looks in the role's or playbook's `files/` or `templates/` first. */
  findFile(kind: 'files' | 'templates', rel: string): string;
  /** Renders a Jinja2 template string with the task's variables (plus extra). */
  render(template: string, extra?: Vars): string;
  /** Renders a controller-side template file (includes resolve beside it; errors name its lines). Optional: falls back to render(). */
  renderFile?(path: string, extra?: Vars): string;
  /** Evaluates a bare Jinja2 expression (as in `when:` or `assert.that`). */
  evaluate(expr: string, extra?: Vars): unknown;
  /** A line shown at -v. */
  log(msg: string): void;
}

/**
 * What apply() may report beyond "it was done": part of the task's result (data is merged into the
 * planned result's, e.g. stdout, rc, an allocated ip), and two verdicts on its status.
 */
export interface ApplyOutcome extends Partial<Pick<Result, 'data' | 'msg' | 'facts' | 'inventory'>> {
  /** The module found out while applying that nothing changed after all (e.g. rsync itemized nothing). */
  changed?: boolean;
  /** The work ran but failed (e.g. non-zero rc); failed_when may still override. */
  failed?: boolean;
}

export interface ModuleSpec<A extends TSchema = TSchema, S = unknown, C extends Change = Change> {
  name: string;
  /** One paragraph: what it does and how it decides it changed something. */
  doc: string;
  /** A YAML task using it, shown by `osm-play doc`. */
  example: string;
  /** TypeBox schema; every property should carry a `description`. */
  args: A;
  /** The argument that a free-form string (`command: ls -l`) fills. */
  freeForm?: string;
  /** Arguments whose values never appear in any output. */
  secretArgs?: string[];
  /** Keys of the registered result whose values are secrets (e.g. a generated password): redacted everywhere. */
  secretResults?: string[];
  /** Runs on the controller without touching the host's connection (debug, set_fact, assert...). */
  controllerOnly?: boolean;
  /** Read-only look at the host. */
  gather(host: HostContext, args: Static<A>): Promise<S>;
  /** Pure: [] means ok, nothing to do. */
  plan(args: Static<A>, state: S): C[];
  /** Makes the planned changes so. Only called when plan() returned changes and not in check mode. */
  apply(host: HostContext, args: Static<A>, changes: C[], state: S): Promise<ApplyOutcome | void>;
  /** Data to register, computed from state and plan (used in check mode too). */
  result?(args: Static<A>, state: S, changes: C[]): Vars;
}

/** Identity with types: lets TypeScript infer Static<A> for gather/plan/apply, and the change union from plan(). */
export function defineModule<A extends TSchema, S, C extends Change = Change>(spec: ModuleSpec<A, S, C>): ModuleSpec<A, S, C> {
  return spec;
}

/** A module that only looks (ping, slurp, setup...): it plans no change, so apply never runs. */
export function defineReadOnlyModule<A extends TSchema, S>(spec: Omit<ModuleSpec<A, S, never>, 'plan' | 'apply'>): ModuleSpec<A, S, never> {
  return { ...spec, plan: () => [], async apply() {} };
}

/** apply()'s default branch over a change union: unreachable by type, an error if a change slips through. */
export function unknownChange(c: never): never {
  throw new ModuleError(`no apply step for change '${(c as Change).action}' of ${(c as Change).target}`);
}

// Erased form the registry keeps; the schema check at load time guarantees args match.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleSpec<TSchema, any, any>;

/** What checking a task's arguments needs of its module: no code, so it can come from the build. */
export type ModuleShape = Pick<AnyModule, 'name' | 'freeForm' | 'args'>;

/** A failure a module reports on purpose: shown as the task's message, without a stack trace. */
export class ModuleError extends Error {
  constructor(
    message: string,
    readonly detail: { rc?: number; stdout?: string; stderr?: string; argv?: string[] } = {},
  ) {
    super(message);
    this.name = 'ModuleError';
  }

  /** The detail as a registered result shows it: rc, stdout, stderr, cmd (Ansible's names). */
  resultVars(): Vars {
    const { rc, stdout, stderr, argv } = this.detail;
    const out: Vars = {};
    if (rc !== undefined) out.rc = rc;
    if (stdout !== undefined) out.stdout = stdout;
    if (stderr !== undefined) out.stderr = stderr;
    if (argv !== undefined) out.cmd = argv;
    return out;
  }
}
