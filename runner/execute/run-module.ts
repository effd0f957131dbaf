// Running one module for one host: check its args, gather, plan, and apply unless in check mode.
// This is the single place where --check stops things: modules never ask whether they are in check mode.
import { UnreachableError } from '../connection/types.js';
import { ModuleError, type AnyModule, type HostContext } from '../module.js';
import { changesDiff } from '../kit/diff.js';
import { argsForRun } from '../load/args-check.js';
import type { Change, Result, Vars } from '../types.js';

/** The task's result as the module leaves it: never skipped or unreachable (an unreachable host throws). */
export interface ModuleRun extends Result {
  status: 'ok' | 'changed' | 'failed';
}

function failed(changes: Change[], err: unknown, diff: string | undefined): ModuleRun {
  const message = err instanceof Error ? err.message : String(err);
  const data: Vars = err instanceof ModuleError ? err.resultVars() : {};
  return { status: 'failed', changes, data, msg: message, error: message, diff };
}

export async function runModule(mod: AnyModule, host: HostContext, rawArgs: Vars, opts: { check: boolean; diff: boolean }): Promise<ModuleRun> {
  const checked = argsForRun(mod, rawArgs);
  if (!checked.ok) return { status: 'failed', changes: [], data: {}, msg: checked.error, error: checked.error };
  const args = checked.args;
  let changes: Change[] = [];
  try {
    const state: unknown = await mod.gather(host, args);
    changes = mod.plan(args, state);
    const diff = opts.diff ? changesDiff(changes) : undefined;
    const data: Vars = { ...(mod.result?.(args, state, changes) ?? {}) };
    if (changes.length === 0) return { status: 'ok', changes, data, diff };
    // Controller-only modules (set_fact, debug...) touch no host, so they run in check mode too.
    if (opts.check && !mod.controllerOnly) return { status: 'changed', changes, data, diff, pending: true };
    const outcome = (await mod.apply(host, args, changes, state)) ?? {};
    Object.assign(data, outcome.data ?? {});
    const run: ModuleRun = {
      status: outcome.changed === false ? 'ok' : 'changed',
      changes,
      data,
      diff,
      msg: outcome.msg,
      facts: outcome.facts,
      inventory: outcome.inventory,
    };
    if (outcome.failed) {
      run.status = 'failed';
      run.error = outcome.msg ?? `${mod.name} failed`;
      run.msg = run.error;
    }
    return run;
  } catch (err) {
    // The host is gone, not the task: the executor reports it as unreachable.
    if (err instanceof UnreachableError) throw err;
    return failed(changes, err, opts.diff ? changesDiff(changes) : undefined);
  }
}
