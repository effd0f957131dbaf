// What the executor needs from the rest of the engine, and what it gives back.
// Dependencies are injected (ExecDeps) so the play/task logic can be unit-tested with fakes;
// runner/execute/deps.ts wires the real loader, templater, connections and module runner.
import type { AnyModule, HostContext } from '../module.js';
import type { BecomeOptions, Connection } from '../connection/types.js';
import type { HostRecap, Inventory, Node, Play, RoleInfo, SourcePos, Vars } from '../types.js';
import type { Redactor } from '../report/redact.js';
import type { StepPrompter } from './step.js';
import type { ModuleRun } from './run-module.js';

/** The run's switches as the command line gives them and the executor takes them: one definition for both. */
export interface RunFlags {
  /** --check: plan and report, change nothing. */
  check: boolean;
  /** --diff: show before/after of what changes. */
  diff: boolean;
  /** --limit: a host pattern narrowing every play's hosts. */
  limit?: string;
  tags: string[];
  skipTags: string[];
  /** Hosts run in parallel up to this; default all hosts of a play, at most MAX_FORKS. */
  forks?: number;
  verbosity: number;
  acceptNewHostKeys: boolean;
  /** --start-at-task: tasks before the first one of this name (or pattern) are passed over. */
  startAtTask?: string;
  /** -c: the connection type where neither the play nor the inventory names one. */
  connection?: string;
}

export interface RunOptions extends RunFlags {
  inventory: Inventory;
  /** -e values. */
  extraVars: Vars;
  /** Per play: params' coerced values (from applyParams); they rank as extra vars. */
  paramVars?: Map<Play, Vars>;
  /** -b: become for every task unless the task says otherwise. */
  become?: boolean;
  becomePassword?: string;
  lockTimeoutMs: number;
  /** Collects secrets as they are discovered; the reporters share it. */
  redactor: Redactor;
  /** --step: asked before each task and handler on each host. */
  step?: StepPrompter;
  /**
   * Connection variables from the CLI (-u, --private-key, -T) and ansible.cfg / ANSIBLE_*: below the
   * play's remote_user and the inventory's own ansible_* variables, as in Ansible.
   */
  connectionDefaults?: Vars;
  /** become_user / become_method from ansible.cfg or ANSIBLE_BECOME_*: below everything else. */
  becomeUser?: string;
  becomeMethod?: string;
  /** The ansible.cfg read, if any (ansible_config_file). */
  configFile?: string;
  /** Who holds the host lock, for other runs' messages. */
  lockHolder?: string;
  /** The engine pieces the executor calls (real ones from deps.ts; fakes in unit tests). */
  deps: ExecDeps;
}

export interface RunSummary {
  hosts: Record<string, HostRecap>;
  exitCode: number;
  durationMs: number;
}

/** Templating as the executor uses it (subset of runner/template's Templater). */
export interface ExecTemplater {
  render(str: string, vars: Vars, pos?: SourcePos): unknown;
  renderString(str: string, vars: Vars, pos?: SourcePos): string;
  evaluate(expr: string, vars: Vars, pos?: SourcePos): unknown;
  renderDeep(value: unknown, vars: Vars, pos?: SourcePos): unknown;
}

/** What runModule needs for one task (or one loop item). */
export interface ModuleCall {
  module: AnyModule;
  /** Rendered args, omit markers already dropped. */
  args: Vars;
  argPos: Record<string, SourcePos>;
  pos: SourcePos;
  host: HostContext;
  check: boolean;
  diff: boolean;
}

export interface HostContextParams {
  name: string;
  conn: Connection;
  vars: Vars;
  become?: BecomeOptions;
  role?: RoleInfo;
  playbookDir: string;
  log(msg: string): void;
  /** `environment:` of the task and what encloses it, for every command it runs. */
  env?: Record<string, string>;
  /** `async:`: commands time out after this long. */
  timeoutMs?: number;
}

export interface HostLockHandle {
  release(): Promise<void>;
}

export interface ExecDeps {
  templater: ExecTemplater;
  getModule(name: string): AnyModule | undefined;
  /** Groups and host vars merged (all < parents < children < host). */
  hostVars(inv: Inventory, host: string): Vars;
  matchHosts(inv: Inventory, pattern: string): string[];
  groupNames(inv: Inventory, host: string): string[];
  /** playbookDir: where the playbook is, for the roles the file names (and a file beside the playbook). */
  loadTaskFile(file: string, baseDir: string, role?: RoleInfo, playbookDir?: string): Promise<Node[]>;
  createConnection(
    host: string,
    vars: Vars,
    opts: { defaultType?: string; acceptNewHostKeys: boolean; connectionFor?: (host: string) => Promise<Connection> },
  ): Promise<Connection>;
  makeHostContext(p: HostContextParams): HostContext;
  /** gather/plan/apply for one call: the task's result (runner/types.ts Result) as the module leaves it. */
  runModule(call: ModuleCall): Promise<ModuleRun>;
  /** True for the templater's `omit` marker: such an arg is dropped. */
  isOmit(v: unknown): boolean;
  /** Locks the host for the whole run (host-lock.ts); required: a run never goes unlocked. */
  acquireHostLock(conn: Connection, opts: { timeoutMs: number; holder: string; onWait?: (holder: string) => void }): Promise<HostLockHandle>;
}
