// One module call for one task (or one loop item): render args, run the module through runModule,
// retry with until/retries/delay, then apply changed_when and failed_when to the result.
import type { AnyModule, HostContext } from '../module.js';
import type { BecomeOptions, Connection } from '../connection/types.js';
import { UnreachableError } from '../connection/types.js';
import type { Result, TaskNode, Vars } from '../types.js';
import { evalCondition, evalList } from './conditions.js';
import { checkUnresolved } from './resolve-vars.js';
import { errorText } from './error-text.js';
import type { HostState, NodeScope, PlayCtx } from './state.js';
import { normalizeArgs } from '../load/args-check.js';
import { taskCheckMode, taskEnvironment, taskTimeoutMs } from './task-keywords.js';
import type { ModuleRun } from './run-module.js';
import { keyPos } from '../load/tasks.js';

export interface AttemptInput {
  pc: PlayCtx;
  host: HostState;
  task: TaskNode;
  scope: NodeScope;
  module: AnyModule;
  vars: Vars;
  conn: Connection;
  become?: BecomeOptions;
  noLog: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function dropOmitted(args: Vars, isOmit: (v: unknown) => boolean): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(args)) if (!isOmit(v)) out[k] = v;
  return out;
}

/** The module's result after until/retries, changed_when and failed_when; its data is the registered value. */
export async function attempt(a: AttemptInput): Promise<Result> {
  const { pc, task } = a;
  const { deps, opts } = pc.run;
  const t = deps.templater;
  // Each argument renders with its own position, so an undefined variable names the line it is on.
  const rendered: Vars = {};
  // A free-form string goes to the module's free-form argument (`include_vars: x.yml` is file: x.yml).
  for (const [key, raw] of Object.entries(normalizeArgs(a.module, task.args))) {
    const pos = task.argPos[key] ?? task.argPos['_raw_params'] ?? task.pos;
    try {
      rendered[key] = t.renderDeep(raw, a.vars, pos);
      checkUnresolved(a.vars, rendered[key]);
    } catch (err) {
      throw new Error(errorText(err, pos));
    }
  }
  const args = dropOmitted(rendered, (v) => deps.isOmit(v));
  for (const name of a.module.secretArgs ?? []) opts.redactor.add(args[name]);
  if (a.noLog) opts.redactor.addDeep(args);

  const env = taskEnvironment(pc, a.scope, task, a.vars);
  const timeoutMs = taskTimeoutMs(pc, task, a.vars);
  const host = deps.makeHostContext({
    name: a.host.name,
    conn: a.conn,
    vars: a.vars,
    become: a.become,
    role: a.scope.role,
    playbookDir: pc.play.baseDir,
    log: (msg) => pc.run.reporter.verbose(1, a.host.name, msg),
    ...(env ? { env } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });

  const retries = task.until ? Math.max(0, Number(renderNum(t, task.retries, a.vars, 3))) : 0;
  const delayMs = task.until ? Number(renderNum(t, task.delay, a.vars, 5)) * 1000 : 0;
  let result: Result | undefined;
  for (let i = 0; i <= retries; i++) {
    result = await once(a, args, host);
    if (!task.until || result.status === 'unreachable') break;
    const probe = { ...a.vars, ...(task.register ? { [task.register]: result.data } : {}), ...result.data };
    let done: boolean;
    try {
      done = evalCondition(t, 'until', task.until, probe, keyPos(task, 'until'));
    } catch (err) {
      // The condition needs output of work that check mode planned but did not do: nothing to wait for.
      if (result.pending) break;
      throw err;
    }
    result.data['attempts'] = i + 1;
    if (done) break;
    if (i === retries) {
      result.status = 'failed';
      result.data['failed'] = true;
      result.msg = `until condition '${task.until}' still false after ${i + 1} attempts`;
      break;
    }
    pc.run.reporter.verbose(1, a.host.name, `${task.name ?? task.module}: retrying (${retries - i} left)`);
    await sleep(delayMs);
  }
  return result!;
}

async function once(a: AttemptInput, args: Vars, host: HostContext): Promise<Result> {
  const { pc, task } = a;
  const { deps, opts } = pc.run;
  let outcome: ModuleRun;
  try {
    const check = taskCheckMode(pc, a.scope, task, a.vars);
    outcome = await deps.runModule({ module: a.module, args, argPos: task.argPos, pos: task.pos, host, check, diff: opts.diff });
  } catch (err) {
    if (err instanceof UnreachableError) {
      return { status: 'unreachable', changes: [], data: { unreachable: true, msg: err.message }, msg: err.message };
    }
    // runModule returns a module's own failure (ModuleError's rc/stdout/stderr mapped there, once);
    // what lands here is a task keyword that could not be decided (check_mode).
    const msg = err instanceof Error ? err.message : String(err);
    return { status: 'failed', changes: [], data: { failed: true, changed: false, msg }, msg };
  }
  for (const key of a.module.secretResults ?? []) opts.redactor.addDeep(outcome.data[key]);
  if (a.noLog) opts.redactor.addDeep(outcome.data);

  let status: Result['status'] = outcome.status;
  const { _display: display, ...data } = outcome.data;
  const registered: Vars = { ...data, changed: status === 'changed', failed: status === 'failed' };
  if (outcome.msg !== undefined) registered['msg'] = outcome.msg;
  // A planned change that was not applied (check mode) has no output: conditions about output can't be decided.
  const pending = outcome.pending === true;

  const probe = { ...a.vars, ...(task.register ? { [task.register]: registered } : {}) };
  const t = deps.templater;
  // As Ansible: changed_when is decided even for a failed result (failed_when may clear the failure).
  if (task.changedWhen?.length) {
    const changed = decide(() => evalList(t, 'changed_when', task.changedWhen!, probe, keyPos(task, 'changed_when')), pending);
    if (changed !== undefined) {
      if (status !== 'failed') status = changed ? 'changed' : 'ok';
      registered['changed'] = changed;
    }
  }
  if (task.failedWhen?.length) {
    const failed = decide(() => evalList(t, 'failed_when', task.failedWhen!, probe, keyPos(task, 'failed_when')), pending);
    if (failed !== undefined) {
      if (failed) status = 'failed';
      else if (status === 'failed') status = registered['changed'] ? 'changed' : 'ok';
      registered['failed'] = failed;
    }
  }
  const changes = status === 'ok' ? [] : outcome.changes;
  return {
    status,
    changes,
    data: registered,
    msg: outcome.msg,
    diff: outcome.diff,
    facts: { ...(outcome.facts ?? {}), ...factsOf(outcome.data) },
    inventory: outcome.inventory,
    pending,
    display,
  };
}

/** Runs a condition; when the result is only pending (check mode), an undecidable condition leaves it as is. */
function decide(fn: () => boolean, pending: boolean): boolean | undefined {
  try {
    return fn();
  } catch (err) {
    if (pending) return undefined;
    throw err;
  }
}

function factsOf(data: Vars): Vars {
  const f = data['ansible_facts'];
  return f !== null && typeof f === 'object' && !Array.isArray(f) ? (f as Vars) : {};
}

function renderNum(t: PlayCtx['run']['deps']['templater'], v: number | string | undefined, vars: Vars, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v === 'number') return v;
  const n = Number(t.render(v, vars));
  return Number.isFinite(n) ? n : dflt;
}
