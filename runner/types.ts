// Shared data shapes of the engine. Loader produces them, executor consumes them.
// Keep this file free of behaviour so every part of runner/ can import it.

/** A place in a source file; lines and columns are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One problem found while loading or validating, shown as `file:line:col: message`. */
export interface Diagnostic {
  pos: SourcePos;
  message: string;
  /** The field the problem is about, e.g. `tasks[2].copy.dest` or `customer_name`. */
  field?: string;
}

export type Vars = Record<string, unknown>;

export interface LoopControl {
  loopVar?: string;
  indexVar?: string;
  label?: string;
  pause?: number;
}

/** Keywords shared by tasks and blocks. Strings are raw (untemplated). */
export interface NodeCommon {
  name?: string;
  pos: SourcePos;
  when: string[];
  tags: string[];
  vars: Vars;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  ignoreErrors?: boolean | string;
  noLog?: boolean | string;
  /** `environment:` for the commands of the tasks inside (a mapping, or a template giving one). */
  environment?: Vars | string;
  /** `check_mode:` true runs in check mode whatever --check says; false applies even under --check. */
  checkMode?: boolean | string;
  /** Set for nodes that came from a role: templates/ and files/ are searched there first. */
  role?: RoleInfo;
}

/** How a `with_*` loop turns its (rendered) value into items; plain `loop` and `with_items` need none. */
export type LoopKind =
  | 'dict' | 'nested' | 'together' | 'indexed_items' | 'fileglob' | 'first_found' | 'sequence' | 'subelements' | 'list' | 'random_choice';

export interface TaskNode extends NodeCommon {
  kind: 'task';
  /** Canonical module name, without an `ansible.builtin.` prefix. */
  module: string;
  /** Module arguments before templating; a free-form string is kept under `_raw_params`. */
  args: Vars;
  /** Position of each argument (key) in the source, for diagnostics. */
  argPos: Record<string, SourcePos>;
  /** Position of each task keyword as written (the module key under `$module`), for diagnostics found after loading. */
  keyPos: Record<string, SourcePos>;
  loop?: unknown;
  loopKind?: LoopKind;
  loopControl?: LoopControl;
  register?: string;
  notify: string[];
  /** Handlers only: the topics this handler also answers to. */
  listen: string[];
  failedWhen?: string[];
  changedWhen?: string[];
  until?: string;
  retries?: number | string;
  delay?: number | string;
  delegateTo?: string;
  runOnce?: boolean;
  /** `async:` seconds: the task runs synchronously (poll > 0) and fails when it takes longer. */
  asyncSeconds?: number | string;
}

export interface BlockNode extends NodeCommon {
  kind: 'block';
  block: Node[];
  rescue: Node[];
  always: Node[];
  /** `notify:` on a block: every task inside notifies these too when it changes something. */
  notify?: string[];
  /** `delegate_to:` on a block: every task inside without its own runs there. */
  delegateTo?: string;
  /** The block stands for an `import_tasks` (handlers may use those, but not real blocks). */
  imported?: boolean;
  /** The block is a role run as another role's meta dependency: Ansible does not count the depending role as its parent. */
  roleDependency?: boolean;
}

/** `include_tasks`: resolved at run time, so the file name may be templated. */
export interface IncludeNode extends NodeCommon {
  kind: 'include_tasks';
  file: string;
  /** Directory the file name is relative to. */
  baseDir: string;
  loop?: unknown;
  loopKind?: LoopKind;
  loopControl?: LoopControl;
  /** `include_role`: the role's tasks, loaded with the playbook, run in place of a task file. */
  roleBlock?: BlockNode;
  /**
   * The file's tasks when its name is not templated, read at load time so their problems are
   * reported before any host is contacted (validatePlaybook checks them). The executor reads the file again when it runs.
   */
  preloaded?: Node[];
  /** The include's key as written (`ansible.builtin.include_tasks`): what --list-tasks shows for an unnamed include. */
  action?: string;
}

export type Node = TaskNode | BlockNode | IncludeNode;

export interface RoleInfo {
  name: string;
  path: string;
  defaults: Vars;
  vars: Vars;
}

/** A `params:` entry: JSON Schema plus our `secret` marker. */
export interface ParamSpec {
  schema: Record<string, unknown>;
  required: boolean;
  secret: boolean;
  description?: string;
  pos: SourcePos;
}

export interface Play {
  name: string;
  pos: SourcePos;
  /** The playbook file the play came from and its directory (relative paths resolve there). */
  file: string;
  baseDir: string;
  hosts: string;
  connection?: string;
  /** `remote_user:`: the SSH user where the inventory sets no ansible_user. */
  remoteUser?: string;
  environment?: Vars | string;
  vars: Vars;
  /** vars_files, already loaded, in order. */
  varsFiles: Vars[];
  params: Record<string, ParamSpec>;
  roles: RoleInfo[];
  /** Role tasks come first inside `tasks`, wrapped in blocks carrying the role. */
  preTasks: Node[];
  tasks: Node[];
  postTasks: Node[];
  handlers: TaskNode[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  gatherFacts?: boolean;
  serial?: number;
  anyErrorsFatal?: boolean;
}

export interface Playbook {
  file: string;
  plays: Play[];
  /** npm packages named by the playbook (`modules:` key of a play or config) to load modules from. */
  modulePackages: string[];
}

export interface InventoryGroup {
  name: string;
  hosts: Set<string>;
  children: Set<string>;
  vars: Vars;
}

export interface InventoryHost {
  name: string;
  /** The host's own vars (inline, host_vars/), not yet merged with its groups. */
  vars: Vars;
}

export interface Inventory {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /** Sources read, for messages. */
  sources: string[];
}

export type TaskStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

/**
 * A task's result: one shape from module to report, as execa keeps one for success and failure.
 * runModule makes it, the executor decides changed_when/failed_when on it and folds loop items, the
 * reporters show it. Each stage extends it (ModuleRun, ReportedResult); none redefines a field.
 */
export interface Result {
  status: TaskStatus;
  changes: Change[];
  /** Unified diffs of the changes that carry before/after, when --diff. */
  diff?: string;
  /** What register stores: the module's data (rc, stdout, ...); the executor adds changed/failed/msg. */
  data: Vars;
  msg?: string;
  /** The failure, one line. */
  error?: string;
  /** Facts to set on the host (set_fact). */
  facts?: Vars;
  /** Hosts to add to the run's in-memory inventory (add_host), for the plays that follow. */
  inventory?: InventoryAddition[];
  /** Changes were planned but not made (check mode): the result has no output of that work. */
  pending?: boolean;
  /** What the module asked to show under the task line (debug's msg), taken out of data. */
  display?: unknown;
}

/** A host joining the run's inventory, with its groups and host variables. */
export interface InventoryAddition {
  name: string;
  groups: string[];
  vars: Vars;
}

/**
 * One planned change, as data; `before`/`after` give a file diff when both are text. A module may name its own
 * union of changes (`Change<'start'> | Change<'set', string[]>`) so that plan() and apply() are checked against it;
 * the engine sees them all as Change.
 */
export interface Change<Action extends string = string, Data = unknown> {
  /** What kind of change, e.g. `create`, `write`, `delete`, `run`, `reload`. */
  action: Action;
  /** What it is about: a path, a rule, a container name. */
  target: string;
  /** One line for the report, e.g. "would run: lxc-stop -n acme-svr". */
  summary: string;
  before?: string;
  after?: string;
  /** Module-private detail that apply() needs. */
  data?: Data;
}

/**
 * A module's only kind of change. A switch narrows only a union to never, so Change<never, never>
 * (which no plan can make) joins it: apply's switch can still end in unknownChange(c).
 */
export type OnlyChange<Action extends string, Data = unknown> = Change<Action, Data> | Change<never, never>;

export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  rescued: number;
  ignored: number;
}
