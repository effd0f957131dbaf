// Walks a host's task list: blocks with rescue/always, include_tasks, meta tasks and tag filtering.
// Scope (vars, tags, when, become, role) flows from blocks and includes to the tasks inside them.
import { errorText } from './error-text.js';
import type { BlockNode, IncludeNode, Node, TaskNode, Vars } from '../types.js';
import { evalAll, taskConditions } from './conditions.js';
import { runHandlers } from './handlers.js';
import { itemVars, loopItems } from './loop.js';
import { expandLoop } from './loop-kinds.js';
import { reachedStartTask } from './start-at-task.js';
import { taskScope } from './scope.js';
import type { Flow, HostState, NodeScope, PlayCtx } from './state.js';
import { shouldRunByTags } from './tags.js';
import { runTask } from './task.js';

export interface WalkCtx {
  pc: PlayCtx;
  host: HostState;
  /** The failure a rescue section gets as ansible_failed_task / ansible_failed_result. */
  lastFailure?: Vars;
}

export async function runNodes(w: WalkCtx, nodes: Node[], scope: NodeScope): Promise<Flow> {
  for (const node of nodes) {
    if (w.pc.stopped || w.host.ended) return 'ended';
    const flow = await runNode(w, node, scope);
    if (flow !== 'ok') return flow;
  }
  return 'ok';
}

function childScope(scope: NodeScope, node: Node, extraVars?: Vars): NodeScope {
  return {
    ...scope,
    blockVars: extraVars ? [...scope.blockVars, node.vars, extraVars] : [...scope.blockVars, node.vars],
    tags: [...scope.tags, ...node.tags],
    when: [...scope.when, ...node.when.map((expr) => ({ expr, pos: node.pos }))],
    become: node.become ?? scope.become,
    becomeUser: node.becomeUser ?? scope.becomeUser,
    becomeMethod: node.becomeMethod ?? scope.becomeMethod,
    ignoreErrors: node.ignoreErrors ?? scope.ignoreErrors,
    noLog: node.noLog ?? scope.noLog,
    role: node.role ?? scope.role,
    environment: node.environment !== undefined ? [...(scope.environment ?? []), node.environment] : scope.environment,
    checkMode: node.checkMode ?? scope.checkMode,
    notify: node.kind === 'block' && node.notify?.length ? [...(scope.notify ?? []), ...node.notify] : scope.notify,
    delegateTo: (node.kind === 'block' ? node.delegateTo : undefined) ?? scope.delegateTo,
    roleStack: !node.role || node.role === scope.role ? scope.roleStack : node.kind === 'block' && node.roleDependency ? [node.role] : [...(scope.roleStack ?? []), node.role],
  };
}

async function runNode(w: WalkCtx, node: Node, scope: NodeScope): Promise<Flow> {
  if (node.kind === 'block') return runBlock(w, node, scope);
  if (node.kind === 'include_tasks') return runInclude(w, node, scope);
  const { opts } = w.pc.run;
  if (!shouldRunByTags([...scope.tags, ...node.tags], opts.tags, opts.skipTags)) return 'ok';
  if (!reachedStartTask(w, node)) return 'ok';
  if (node.module === 'meta') return runMeta(w, node, scope);
  const taskScopeFull: NodeScope = { ...scope, role: node.role ?? scope.role };
  const out = await runTask(w.pc, w.host, node, taskScopeFull);
  if (out.flow === 'failed') w.lastFailure = out.failure;
  return out.flow;
}

async function runBlock(w: WalkCtx, block: BlockNode, scope: NodeScope): Promise<Flow> {
  const inner = childScope(scope, block);
  let flow = await runNodes(w, block.block, inner);
  if (flow === 'failed' && block.rescue.length > 0) {
    w.host.recap.rescued++;
    flow = await runNodes(w, block.rescue, { ...inner, failure: w.lastFailure });
  }
  if (block.always.length > 0 && flow !== 'unreachable') {
    const alwaysFlow = await runNodes(w, block.always, inner);
    if (alwaysFlow !== 'ok') flow = alwaysFlow;
  }
  return flow;
}

async function runInclude(w: WalkCtx, inc: IncludeNode, scope: NodeScope): Promise<Flow> {
  try {
    return await includeNodes(w, inc, scope);
  } catch (err) {
    if (err instanceof NestedFailure) throw err.cause;
    return failInclude(w, inc, err);
  }
}

/** Marks an error thrown from inside the included tasks' run, which is not the include's own. */
class NestedFailure extends Error {}

/**
 * An include whose when, loop or file name cannot be rendered, or whose file cannot be read, fails
 * on its host like a task: reported, counted, and caught by a block's rescue.
 */
function failInclude(w: WalkCtx, inc: IncludeNode, err: unknown): Flow {
  const { reporter, opts } = w.pc.run;
  const name = inc.name ?? inc.action ?? 'include_tasks';
  const msg = errorText(err, inc.pos);
  reporter.taskStart(w.host.name, { name, module: 'include_tasks', pos: inc.pos });
  reporter.taskResult({ host: w.host.name, task: name, module: 'include_tasks', durationMs: 0, pos: inc.pos, noLog: false, check: opts.check, status: 'failed', changes: [], data: { failed: true, msg }, error: msg });
  w.lastFailure = { failed: true, msg };
  return 'failed';
}

async function includeNodes(w: WalkCtx, inc: IncludeNode, scope: NodeScope): Promise<Flow> {
  const { pc, host } = w;
  const { opts, deps } = pc.run;
  // Like Ansible, an include's own tags decide whether it runs; they are not inherited by its tasks.
  if (!shouldRunByTags([...scope.tags, ...inc.tags], opts.tags, opts.skipTags)) return 'ok';
  const t = deps.templater;
  const base = taskScope(pc, host, scope, inc.vars);
  const conds = [...scope.when, ...inc.when.map((expr) => ({ expr, pos: inc.pos }))];
  const iterations: Vars[] = [];
  if (inc.loop !== undefined) {
    const rendered = typeof inc.loop === 'string' ? t.render(inc.loop, base, inc.pos) : t.renderDeep(inc.loop, base, inc.pos);
    const list = inc.loopKind ? expandLoop(rendered, inc.loopKind, { role: inc.role ?? scope.role, playbookDir: pc.play.baseDir, module: 'include_tasks' }) : loopItems(rendered);
    list.forEach((item, i) => iterations.push(itemVars(item, i, list.length, inc.loopControl)));
  } else iterations.push({});

  let ran = false;
  for (const iv of iterations) {
    const vars = taskScope(pc, host, scope, inc.vars, iv);
    if (!evalAll(t, 'when', conds, vars)) continue;
    ran = true;
    let nodes: Node[];
    if (inc.roleBlock) nodes = [inc.roleBlock];
    else {
      const file = t.renderString(inc.file, vars, inc.pos);
      nodes = await deps.loadTaskFile(file, inc.baseDir, inc.role ?? scope.role, pc.play.baseDir);
      // Ansible counts each included file as an ok result of the include task.
      host.recap.ok++;
    }
    const inner: NodeScope = { ...childScope({ ...scope }, inc, iv), tags: scope.tags, when: scope.when };
    const flow = await runNodes(w, nodes, inner).catch((err: unknown) => {
      throw new NestedFailure('inside an include', { cause: err });
    });
    if (flow !== 'ok') return flow;
  }
  // As Ansible: an include whose condition is false (for every item) is one skipped result.
  if (!ran && iterations.length > 0) host.recap.skipped++;
  return 'ok';
}

async function runMeta(w: WalkCtx, task: TaskNode, scope: NodeScope): Promise<Flow> {
  const action = String(task.args['_raw_params'] ?? Object.values(task.args)[0] ?? '').trim();
  const vars = taskScope(w.pc, w.host, scope, task.vars);
  const conds = taskConditions(scope.when, task);
  if (!evalAll(w.pc.run.deps.templater, 'when', conds, vars)) return 'ok';
  switch (action) {
    case 'flush_handlers':
      return runHandlers(w);
    case 'end_play':
      w.pc.stopped = true;
      return 'ended';
    case 'end_host':
      w.host.ended = true;
      return 'ended';
    case 'noop':
      return 'ok';
    default:
      throw new Error(`${task.pos.file}:${task.pos.line}:${task.pos.col}: meta: unknown action '${action}'`);
  }
}
