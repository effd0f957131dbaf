// Is this imported value a usable module? Third-party code is checked here, once, so a broken
// package fails with its name at start-up rather than with a TypeError in the middle of a run.
import type { AnyModule } from '../module.js';
import { argsValidator } from './args-check.js';

const NAME = /^[a-z][a-z0-9_]*$/;

/** The modules a default export holds (one module or an array), or the problems, naming `origin`. */
export function checkModuleExport(value: unknown, origin: string, opts: { compileSchema?: boolean } = {}): { modules: AnyModule[]; errors: string[] } {
  const list = Array.isArray(value) ? value : [value];
  const modules: AnyModule[] = [];
  const errors: string[] = [];
  list.forEach((v, i) => {
    const where = Array.isArray(value) ? `${origin} (export #${i})` : origin;
    const problems = moduleProblems(v, opts.compileSchema ?? true);
    if (problems.length > 0) errors.push(`${where}: not a valid module: ${problems.join('; ')}`);
    else modules.push(v as AnyModule);
  });
  return { modules, errors };
}

function moduleProblems(v: unknown, compileSchema: boolean): string[] {
  if (v === null || typeof v !== 'object') return [`expected a module object from defineModule(), got ${v === null ? 'null' : typeof v}`];
  const m = v as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof m.name !== 'string' || !NAME.test(m.name)) problems.push(`'name' must be a lower_snake_case string, got ${JSON.stringify(m.name)}`);
  if (typeof m.doc !== 'string') problems.push("'doc' must be a string");
  if (m.example !== undefined && typeof m.example !== 'string') problems.push("'example' must be a string");
  for (const fn of ['gather', 'plan', 'apply']) if (typeof m[fn] !== 'function') problems.push(`'${fn}' must be a function`);
  if (m.freeForm !== undefined && typeof m.freeForm !== 'string') problems.push("'freeForm' must be an argument name");
  if (m.args === null || typeof m.args !== 'object') problems.push("'args' must be a TypeBox schema (Type.Object({...}))");
  else if (compileSchema) {
    try {
      argsValidator(m as unknown as AnyModule);
    } catch (e) {
      problems.push(`'args' is not a valid JSON Schema: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return problems;
}
