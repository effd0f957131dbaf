// One task on one host: tags, when, loop, become, run_once, delegate_to, register, notify, report.
import { mergeFacts } from './gather-facts.js';
import { addHostToInventory } from './add-host.js';
import type { Connection } from '../connection/types.js';
import type { ItemResult, ReportedResult } from '../report/events.js';
import type { Change, Result, SourcePos, TaskNode, Vars } from '../types.js';
import { attempt } from './attempt.js';
import { resolveBecome } from './become.js';
import { evalAll, taskConditions } from './conditions.js';
import { itemVars, loopItems } from './loop.js';
import { expandLoop } from './loop-kinds.js';
import { taskScope } from './scope.js';
import type { Flow, HostState, NodeScope, PlayCtx } from './state.js';
import { newHostState } from './state.js';
import { openHost } from './host-session.js';
import { truthy } from './conditions.js';
import { checkUnresolved } from './resolve-vars.js';
import { errorText } from './error-text.js';

/** A delegate_to host that could not be connected to or locked (openHost reported why). */
class DelegateUnreachableError extends Error {}

/** The play's host could not be connected to or locked when its first task needed it (openHost reported why). */
class HostUnreachableError extends Error {}

export interface TaskOutcome {
  flow: Flow;
  /** For rescue sections: ansible_failed_task / ansible_failed_result. */
  failure?: Vars;
}

/** Tasks whose name is a template show it rendered; if it cannot render yet, the raw text. */
export function displayName(pc: PlayCtx, task: TaskNode, vars: Vars): string {
  const raw = task.name ?? task.module;
  if (!raw.includes('{{')) return raw;
  try {
    return pc.run.deps.templater.renderString(raw, vars, task.pos);
  } catch {
    return raw;
  }
}

export async function runTask(pc: PlayCtx, host: HostState, task: TaskNode, scope: NodeScope): Promise<TaskOutcome> {
  const { reporter, opts } = pc.run;
  const baseVars = taskScope(pc, host, scope, task.vars);
  const name = displayName(pc, task, baseVars);
  const info = { name, module: task.module, pos: task.pos, handler: scope.handler };
  if (scope.handler) reporter.handlerStart(host.name, info);
  else reporter.taskStart(host.name, info);
  const started = Date.now();
  const noLog = isTrue(pc, task.noLog ?? scope.noLog, baseVars);
  const report = (r: Omit<ReportedResult, 'host' | 'task' | 'module' | 'durationMs' | 'pos' | 'noLog' | 'check' | 'handler'>) =>
    reporter.taskResult({ host: host.name, task: name, module: task.module, durationMs: Date.now() - started, pos: task.pos, noLog, check: opts.check, handler: scope.handler, ...r });

  if (opts.step) {
    const decision = await opts.step.ask(host.name, name).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (decision instanceof Error) {
      report({ status: 'failed', changes: [], data: { failed: true, msg: decision.message }, error: decision.message });
      return failFlow(task, { failed: true, msg: decision.message });
    }
    if (decision === 'skip') {
      const skipped = { changed: false, skipped: true, skip_reason: 'skipped at the --step prompt' };
      report({ status: 'skipped', changes: [], data: skipped });
      if (task.register) host.facts[task.register] = skipped;
      host.recap.skipped++;
      return { flow: 'ok' };
    }
  }

  if (task.runOnce) {
    const shared = pc.runOnce.get(task);
    if (shared) {
      const registered = await shared;
      if (task.register && registered) host.facts[task.register] = registered;
      return { flow: 'ok' };
    }
  }
  let resolveOnce: ((v: Vars | undefined) => void) | undefined;
  if (task.runOnce) pc.runOnce.set(task, new Promise((r) => (resolveOnce = r)));

  try {
    const outcome = await runTaskBody(pc, host, task, scope, baseVars, noLog, report);
    resolveOnce?.(task.register ? (host.facts[task.register] as Vars | undefined) : undefined);
    return outcome;
  } catch (err) {
    resolveOnce?.(undefined);
    if (err instanceof HostUnreachableError) return { flow: host.unreachable ? 'unreachable' : 'failed' };
    const msg = errorText(err, task.pos);
    const failed = { failed: true, msg };
    // A template error (args, when, loop) is a task failure like any other: ignore_errors covers it, as in Ansible.
    const ignored = ignoresErrors(pc, task, scope, baseVars);
    report({ status: 'failed', changes: [], data: failed, error: msg, ignored: ignored || undefined });
    if (task.register) host.facts[task.register] = failed;
    if (!ignored) return failFlow(task, failed);
    host.recap.ok++;
    host.recap.ignored++;
    return { flow: 'ok' };
  }
}

/** One pass of the task (a loop item, or the task itself): its result, and the item it ran with. */
type ItemRun = Result & { label: string; item?: unknown };

type Report = (r: Omit<ReportedResult, 'host' | 'task' | 'module' | 'durationMs' | 'pos' | 'noLog' | 'check' | 'handler'>) => void;

async function runTaskBody(
  pc: PlayCtx,
  host: HostState,
  task: TaskNode,
  scope: NodeScope,
  baseVars: Vars,
  noLog: boolean,
  report: Report,
): Promise<TaskOutcome> {
  const { deps } = pc.run;
  const t = deps.templater;
  const module = deps.getModule(task.module);
  if (!module) throw new Error(`${task.pos.file}:${task.pos.line}:${task.pos.col}: unknown module '${task.module}'`);
  // Opened when an item passes `when`: a skipped task never reaches its delegate (as in Ansible).
  // delegate_to is rendered per item, so a loop can visit several hosts (`delegate_to: "{{ item }}"`).
  const delegates: string[] = [];
  const conds = taskConditions(scope.when, task);

  const items: LoopVars[] | undefined = task.loop === undefined ? undefined : loopVarsList(pc, task, baseVars, host, scope);
  const results: ItemRun[] = [];
  // Facts an item sets (set_fact) are seen by the next items, as in Ansible (`acc: "{{ acc + [item] }}"`).
  let factsSet = false;

  const pauseMs = (task.loopControl?.pause ?? 0) * 1000;
  for (const [i, listed] of (items ?? [{ vars: baseVars, label: '' }]).entries()) {
    if (i > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const it = factsSet && listed.itemVars ? { ...listed, vars: taskScope(pc, host, scope, task.vars, listed.itemVars) } : listed;
    if (!evalAll(t, 'when', conds, it.vars)) {
      results.push({ status: 'skipped', changes: [], data: { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, label: it.label, item: it.item });
      continue;
    }
    const become = resolveBecome(task, scope, pc.play, it.vars, { become: pc.run.opts.become, password: pc.run.opts.becomePassword, becomeUser: pc.run.opts.becomeUser, becomeMethod: pc.run.opts.becomeMethod });
    if (become?.password) pc.run.opts.redactor.add(become.password);
    let target: { conn: Connection; delegate?: string };
    try {
      target = await connectionFor(pc, host, task.delegateTo ?? scope.delegateTo, task.pos, it.vars, module.controllerOnly === true);
    } catch (err) {
      // In a loop, an item whose delegate cannot be reached fails alone and the other items still
      // run (as a failed module would): fleet-status probes every OSM host and shows one it cannot reach.
      if (items === undefined || !(err instanceof DelegateUnreachableError)) throw err;
      results.push({ status: 'failed', changes: [], msg: err.message, data: { changed: false, failed: true, msg: err.message }, label: it.label, item: it.item });
      continue;
    }
    if (target.delegate !== undefined && !delegates.includes(target.delegate)) delegates.push(target.delegate);
    const r = await attempt({ pc, host, task, scope, module, vars: it.vars, conn: target.conn, become, noLog });
    results.push({ ...r, label: it.label, item: it.item });
    if (r.status === 'unreachable') break;
    if (r.facts && Object.keys(r.facts).length) {
      mergeFacts(host.facts, r.facts);
      factsSet = true;
    }
    if (r.status !== 'failed') {
      for (const added of r.inventory ?? []) {
        if (addHostToInventory(pc.run.opts.inventory, added)) (pc.run.addedBy ??= new Map()).set(added.name, host.name);
      }
    }
  }

  const delegate = delegates.length > 0 ? delegates.join(', ') : undefined;
  const reportWithDelegate: Report = delegate ? (r) => report({ ...r, delegatedTo: delegate }) : report;
  return finish(pc, host, task, scope, baseVars, items !== undefined, results, reportWithDelegate);
}

function finish(
  pc: PlayCtx,
  host: HostState,
  task: TaskNode,
  scope: NodeScope,
  baseVars: Vars,
  looped: boolean,
  results: ItemRun[],
  report: Report,
): TaskOutcome {
  const unreachable = results.find((r) => r.status === 'unreachable');
  const failed = results.some((r) => r.status === 'failed');
  const changed = results.some((r) => r.status === 'changed');
  const allSkipped = results.length > 0 ? results.every((r) => r.status === 'skipped') : looped;
  const status = unreachable ? 'unreachable' : failed ? 'failed' : changed ? 'changed' : allSkipped ? 'skipped' : 'ok';
  const changes: Change[] = results.flatMap((r) => r.changes);

  let registered: Vars;
  if (looped) {
    const loopVar = task.loopControl?.loopVar ?? 'item';
    registered = {
      changed,
      failed,
      msg: failed ? 'One or more items failed' : 'All items completed',
      results: results.map((r) => ({ ...r.data, [loopVar]: r.item, ansible_loop_var: loopVar })),
      skipped: allSkipped,
    };
  } else {
    registered = results[0]?.data ?? { changed: false, skipped: true };
  }
  if (task.register) host.facts[task.register] = registered;

  const ignoreErrors = failed && !unreachable && isTrue(pc, task.ignoreErrors ?? scope.ignoreErrors, baseVars);
  const items: ItemResult[] | undefined = looped
    ? results.map((r) => ({ label: r.label, status: r.status, changes: r.changes, diff: r.diff, msg: r.msg, error: r.status === 'failed' ? r.msg : undefined }))
    : undefined;
  const single = looped ? undefined : results[0];
  const display = single?.display;
  report({
    status,
    changes,
    diff: looped ? undefined : single?.diff,
    msg: looped ? (registered['msg'] as string) : single?.msg,
    error: status === 'failed' || status === 'unreachable' ? (looped ? 'One or more items failed' : (single?.msg ?? 'failed')) : undefined,
    data: registered,
    ignored: ignoreErrors || undefined,
    items,
    display,
  });

  const rc = host.recap;
  if (status === 'unreachable') {
    rc.unreachable++;
    return { flow: 'unreachable' };
  }
  if (status === 'skipped') rc.skipped++;
  else if (status === 'failed' && !ignoreErrors) return failFlow(task, registered);
  else {
    rc.ok++;
    if (status === 'changed') rc.changed++;
    if (ignoreErrors) rc.ignored++;
  }
  if (status === 'changed') notify(pc, host, task, scope, baseVars);
  return { flow: 'ok' };
}

function failFlow(task: TaskNode, result: Vars): TaskOutcome {
  return {
    flow: 'failed',
    failure: {
      ansible_failed_task: { name: task.name ?? task.module, action: task.module, file: task.pos.file, line: task.pos.line },
      ansible_failed_result: result,
    },
  };
}

function notify(pc: PlayCtx, host: HostState, task: TaskNode, scope: NodeScope, vars: Vars): void {
  for (const n of [...task.notify, ...(scope.notify ?? [])]) {
    const name = n.includes('{{') ? pc.run.deps.templater.renderString(n, vars, task.pos) : n;
    host.notified.add(name);
  }
}

interface LoopVars {
  vars: Vars;
  label: string;
  item?: unknown;
  /** The item's own variables (item, index, ansible_loop), to build its scope again after a fact changed. */
  itemVars?: Vars;
}

function loopVarsList(pc: PlayCtx, task: TaskNode, baseVars: Vars, host: HostState, scope: NodeScope): LoopVars[] {
  const t = pc.run.deps.templater;
  const raw = task.loop;
  const rendered = typeof raw === 'string' ? t.render(raw, baseVars, task.pos) : t.renderDeep(raw, baseVars, task.pos);
  checkUnresolved(baseVars, rendered);
  // The loader turned with_items and literal with_dict into a plain loop already; other with_* carry a kind.
  const list = task.loopKind
    ? expandLoop(rendered, task.loopKind, { role: task.role ?? scope.role, playbookDir: pc.play.baseDir, module: task.module })
    : loopItems(rendered);
  return list.map((item, i) => {
    const iv = itemVars(item, i, list.length, task.loopControl);
    const vars = taskScope(pc, host, scope, task.vars, iv);
    const labelTpl = task.loopControl?.label;
    let label: string;
    if (labelTpl !== undefined) label = String(t.render(labelTpl, vars, task.pos));
    else label = typeof item === 'string' ? item : JSON.stringify(item);
    return { vars, label, item, itemVars: iv };
  });
}

function ignoresErrors(pc: PlayCtx, task: TaskNode, scope: NodeScope, vars: Vars): boolean {
  try {
    return isTrue(pc, task.ignoreErrors ?? scope.ignoreErrors, vars);
  } catch {
    return false;
  }
}

function isTrue(pc: PlayCtx, v: boolean | string | undefined, vars: Vars): boolean {
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  return truthy(pc.run.deps.templater.render(v, vars));
}

/**
 * The host's connection (opened and locked by the first task that needs it); the controller's for
 * `delegate_to: localhost`; another inventory host's (one added by add_host too, as in Ansible:
 * --limit does not apply to delegation) for `delegate_to: NAME`. The task keeps the current host's
 * variables either way. A controller-only module (assert, set_fact...) never opens the host.
 */
async function connectionFor(
  pc: PlayCtx,
  host: HostState,
  delegateTo: string | undefined,
  pos: SourcePos,
  vars: Vars,
  controllerOnly: boolean,
): Promise<{ conn: Connection; delegate?: string }> {
  if (delegateTo) {
    const target = pc.run.deps.templater.renderString(delegateTo, vars, pos);
    if (target === 'localhost' || target === '127.0.0.1') {
      if (target !== host.name || !host.conn) return { conn: await controllerConnection(pc), delegate: target };
    } else if (target !== host.name) {
      return { conn: await delegateConnection(pc, target), delegate: target };
    }
  }
  if (!host.conn || !host.lock) {
    if (controllerOnly) return { conn: await controllerConnection(pc) };
    if (!(await openHost(pc, host)) || !host.conn) throw new HostUnreachableError(host.name);
  }
  return { conn: host.conn };
}

function controllerConnection(pc: PlayCtx): Promise<Connection> {
  pc.run.localConn ??= pc.run.deps.createConnection('localhost', { ansible_connection: 'local' }, { acceptNewHostKeys: false });
  return pc.run.localConn;
}

async function delegateConnection(pc: PlayCtx, target: string): Promise<Connection> {
  if (!pc.run.opts.inventory.hosts.has(target)) throw new Error(`delegate_to: '${target}' is not a host of the inventory (nor one added by add_host)`);
  let other = pc.run.hosts.get(target);
  if (!other) {
    other = newHostState(target);
    pc.run.hosts.set(target, other);
  }
  if (!(await openHost(pc, other)) || !other.conn) throw new DelegateUnreachableError(`delegate_to: cannot reach ${target}${other.unreachable ? ' (unreachable)' : ''}`);
  return other.conn;
}
