// Per-run, per-play and per-host state the executor threads through plays, blocks and tasks.
import type { Connection } from '../connection/types.js';
import type { Reporter } from '../report/events.js';
import type { HostRecap, NodeCommon, Play, RoleInfo, SourcePos, TaskNode, Vars } from '../types.js';
import type { ExecDeps, HostLockHandle, RunOptions } from './types.js';

export function emptyRecap(): HostRecap {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 };
}

export interface HostState {
  name: string;
  conn?: Connection;
  lock?: HostLockHandle;
  /** The connect-and-lock in progress: tasks of several hosts delegated to this one at once share it. */
  opening?: Promise<boolean>;
  /** Its connection, started ahead at a play's start (prefetch.ts) and not yet taken by openHost. */
  prefetched?: Promise<Connection>;
  /** set_fact results and registered vars: they outlive the play, like Ansible's host facts. */
  facts: Vars;
  recap: HostRecap;
  /** A task failed unrescued: the host takes no further part in this run. */
  failed: boolean;
  unreachable: boolean;
  /** meta: end_host (reset at each play). */
  ended: boolean;
  /** Handler names and listen topics notified since the last flush. */
  notified: Set<string>;
}

export function newHostState(name: string): HostState {
  return { name, facts: {}, recap: emptyRecap(), failed: false, unreachable: false, ended: false, notified: new Set() };
}

/** The run's state of a host, made on first use. */
export function hostStateOf(run: RunCtx, name: string): HostState {
  let st = run.hosts.get(name);
  if (!st) run.hosts.set(name, (st = newHostState(name)));
  return st;
}

export interface RunCtx {
  deps: ExecDeps;
  opts: RunOptions;
  reporter: Reporter;
  hosts: Map<string, HostState>;
  /** The controller's own connection, for delegate_to: localhost. */
  localConn?: Promise<Connection>;
  /** Hosts add_host put in the inventory during this run, each with the host whose task added it. */
  addedBy?: Map<string, string>;
}

export interface PlayCtx {
  run: RunCtx;
  play: Play;
  /** Hosts of this play, after --limit, in inventory order. */
  hosts: string[];
  extra: Vars;
  /** meta: end_play, or any_errors_fatal after a failure. */
  stopped: boolean;
  /** any_errors_fatal after a failure: every host of the play is failed once it ends. */
  fatal?: boolean;
  /** run_once tasks: the first host's result, shared with the others. */
  runOnce: Map<TaskNode, Promise<Vars | undefined>>;
  /** The hosts of the serial batch running now (ansible_play_batch). */
  batch?: string[];
}

/** What a task inherits from the blocks, role and includes around it: their keywords, accumulated. */
export interface NodeScope extends Pick<NodeCommon, 'tags' | 'become' | 'becomeUser' | 'becomeMethod' | 'ignoreErrors' | 'noLog' | 'role'> {
  blockVars: Vars[];
  /** Every enclosing `when`, with where it was written. */
  when: { expr: string; pos: SourcePos }[];
  /** Set inside rescue sections: ansible_failed_task / ansible_failed_result. */
  failure?: Vars;
  handler?: boolean;
  /** Every enclosing `environment:`, outer first (the play's is added by the task). */
  environment?: (Vars | string)[];
  /** The nearest enclosing `check_mode:`. */
  checkMode?: boolean | string;
  /** Every enclosing block's `notify:`. */
  notify?: string[];
  /** The nearest enclosing block's `delegate_to:` (a task's own wins). */
  delegateTo?: string;
  /** Roles entered on the way here, outermost first (for ansible_parent_role_names). */
  roleStack?: RoleInfo[];
}

/** How a list of tasks ended for a host. */
export type Flow = 'ok' | 'failed' | 'unreachable' | 'ended';
