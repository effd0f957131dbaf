// A module's arguments as the runner hands them to gather/plan/apply: checked by
// argsForRun, with the schema's defaults filled in. Tests of plan functions start from these, so a
// default is written once, in the schema, and not again in a test.
import { argsForRun } from '../../runner/load/args-check.js';
import type { AnyModule } from '../../runner/module.js';

export type ArgsOf<M extends AnyModule> = Parameters<M['plan']>[0];

export function argsOf<M extends AnyModule>(mod: M, given: Partial<ArgsOf<M>>): ArgsOf<M> {
  const r = argsForRun(mod, given as Record<string, unknown>);
  if (!r.ok) throw new Error(r.error);
  return r.args as ArgsOf<M>;
}

/** argsOf for one module: `const args = argsFor(copy); args({ dest: '/x' })`. */
export function argsFor<M extends AnyModule>(mod: M): (given?: Partial<ArgsOf<M>>) => ArgsOf<M> {
  return (given = {}) => argsOf(mod, given);
}
