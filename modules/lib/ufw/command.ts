// A ufw change carries the one ufw command that makes it; ufw_rule and ufw_state build and run them here.
import { wouldRun } from '../../../runner/kit/argv.js';
import { ModuleError, type HostContext } from '../../../runner/module.js';
import type { Change } from '../../../runner/types.js';

export type UfwChange<A extends string = string> = Change<A, { argv: string[] }>;

/** A change made by running `argv`; before/after are the lines the diff shows. */
export function ufwChange<A extends string>(action: A, target: string, argv: string[], before: string, after: string): UfwChange<A> {
  return { action, target, summary: wouldRun(argv), before, after, data: { argv } };
}

/** Runs each change's ufw command in order and returns their outputs. */
export async function runUfwChanges(host: HostContext, changes: readonly UfwChange[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of changes) {
    if (!c.data) throw new ModuleError(`internal: change ${c.summary} carries no argv`);
    out.push(await host.run(c.data.argv));
  }
  return out;
}
