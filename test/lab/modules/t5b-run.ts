// Shared by the t5b- lab tests: run one module against this machine the way the executor does.
import type { AnyModule } from '../../../runner/module.js';
import { LocalConnection } from '../../../runner/connection/local.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { runModule, type ModuleRun } from '../../../runner/execute/run-module.js';
import type { Vars } from '../../../runner/types.js';

const conn = new LocalConnection('localhost');

export function hostContext(searchTemplates: string[] = []) {
  return makeHostContext({ name: 'localhost', conn, vars: {}, searchDirs: { files: [], templates: searchTemplates } });
}

/** Runs the module with real gather/plan/apply (or check mode); returns the executor's view. */
export function run(mod: AnyModule, args: Vars, opts: { check?: boolean; diff?: boolean } = {}): Promise<ModuleRun> {
  return runModule(mod, hostContext(), args, { check: opts.check ?? false, diff: opts.diff ?? true });
}
