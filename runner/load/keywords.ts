// The grammar's vocabulary: which keys a play, a task, a block and an include may carry.
// Ansible keywords outside our subset are named here so the error says "not supported" rather than
// mistaking them for a module. The JSON Schema (runner/schema/) is built from the same lists.

/** Keys a play may carry. */
export const PLAY_KEYWORDS = [
  'name', 'hosts', 'connection', 'vars', 'vars_files', 'roles', 'pre_tasks', 'tasks', 'post_tasks',
  'handlers', 'tags', 'become', 'become_user', 'become_method', 'gather_facts', 'serial',
  'any_errors_fatal', 'params', 'modules', 'remote_user', 'environment', 'strategy',
] as const;

/** Keywords shared by tasks, blocks and includes. */
export const COMMON_KEYWORDS = [
  'name', 'when', 'tags', 'vars', 'become', 'become_user', 'become_method', 'ignore_errors', 'no_log',
  'environment', 'check_mode',
] as const;

/** `with_*` loops; each becomes a `loop` with a LoopKind (runner/load/loops.ts). */
export const WITH_LOOPS = [
  'with_items', 'with_dict', 'with_nested', 'with_cartesian', 'with_together', 'with_indexed_items', 'with_fileglob',
  'with_first_found', 'with_sequence', 'with_subelements', 'with_list', 'with_random_choice',
] as const;

/** Keys a task may carry besides its one module key. */
export const TASK_KEYWORDS = [
  ...COMMON_KEYWORDS, 'loop', ...WITH_LOOPS, 'loop_control', 'register', 'notify', 'listen',
  'failed_when', 'changed_when', 'until', 'retries', 'delay', 'args', 'delegate_to', 'run_once', 'async', 'poll',
] as const;

export const BLOCK_KEYWORDS = [...COMMON_KEYWORDS, 'block', 'rescue', 'always', 'notify', 'delegate_to'] as const;

export const INCLUDE_KEYWORDS = [...COMMON_KEYWORDS, 'include_tasks', 'loop', ...WITH_LOOPS, 'loop_control'] as const;

export const INCLUDE_ROLE_KEYWORDS = [...COMMON_KEYWORDS, 'include_role', 'loop', ...WITH_LOOPS, 'loop_control'] as const;

export const IMPORT_ROLE_KEYWORDS = [...COMMON_KEYWORDS, 'import_role'] as const;

/** Options of include_role / import_role. */
export const ROLE_INCLUDE_OPTIONS = [
  'name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'apply', 'public', 'allow_duplicates', 'rolespec_validate',
] as const;

/**
 * Actions that are really keywords (they shape the task list rather than run a module); written
 * with `ansible.builtin.` or `ansible.legacy.` they mean the same.
 */
export const KEYWORD_ACTIONS = ['include_tasks', 'import_tasks', 'include_role', 'import_role', 'include', 'import_playbook'] as const;

export const IMPORT_KEYWORDS = [...COMMON_KEYWORDS, 'import_tasks'] as const;

export const IMPORT_PLAYBOOK_KEYWORDS = ['import_playbook', 'name', 'vars', 'tags'] as const;

export const LOOP_CONTROL_KEYS = ['loop_var', 'index_var', 'label', 'pause'] as const;

/** Ansible keywords (and dynamic constructs) we deliberately do not implement. */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  diff: 'diffs are chosen for the whole run with --diff',
  with_dict2items: 'use `loop` with the dict2items filter',
  import_playbook: 'it belongs at the top level of a playbook, as a list item of its own',
  remote_user: 'it is supported on the play (the connection is opened once per host); set ansible_user in the inventory for one host',
  port: 'set ansible_port in the inventory',
  vars_prompt: 'declare the variable under `params:` and pass it with -e',
  strategy: 'hosts always run task by task in parallel up to --forks (the linear strategy); remove it',
  max_fail_percentage: 'not supported: a failed host leaves the play on its own; use any_errors_fatal to stop every host',
  throttle: 'not supported: limit parallel hosts with serial or --forks',
  collections: 'modules are named directly (ansible.builtin. is accepted)',
  module_defaults: 'not supported: set the arguments on each task, or put them in a variable',
  debugger: 'not supported: use -vvv and --step',
  timeout: 'not supported: use async: SECONDS (with poll > 0) to bound a task',
  order: 'not supported: hosts run in inventory order',
  force_handlers: 'not supported: a failed host runs no handlers; use meta: flush_handlers before the risky task',
  ignore_unreachable: 'not supported: an unreachable host leaves the play and the others go on',
  delegate_facts: 'not supported: facts a delegated task sets stay with the current host',
  connection: 'set ansible_connection in the inventory or `connection:` on the play',
  any_errors_fatal: 'set any_errors_fatal on the play',
};

/** Ansible's module prefixes we accept and strip. */
export const MODULE_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'] as const;

export function canonicalModuleName(key: string): string {
  for (const p of MODULE_PREFIXES) if (key.startsWith(p)) return key.slice(p.length);
  return key;
}

/** Modules whose free-form string is a command line, kept whole (only Ansible's own k=v options are taken out). */
export const COMMAND_MODULES = new Set(['command', 'shell', 'raw', 'script']);
export const COMMAND_FREE_FORM_OPTIONS = new Set(['chdir', 'creates', 'removes', 'executable', 'stdin']);

/** `meta:` actions the executor understands. */
export const META_ACTIONS = ['flush_handlers', 'noop', 'end_play', 'end_host'] as const;

/** Edit distance counting a swap of neighbours as one edit (`fiel` is one edit from `file`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const letters = (s: string): string => [...s].sort().join('');

/** ` (did you mean 'x'?)` when a candidate is close enough, else ''. Ties go to a candidate with the same letters. */
export function suggest(word: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = editDistance(word, c) * 2 + (letters(c) === letters(word) ? 0 : 1);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && Math.floor(bestScore / 2) <= limit ? ` (did you mean '${best}'?)` : '';
}
