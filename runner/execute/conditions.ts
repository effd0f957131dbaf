// when / failed_when / changed_when / until: bare Jinja2 expressions evaluated with the task's vars.
// A condition that fails to evaluate is a task error naming the file and line of the task.
import type { SourcePos, Vars } from '../types.js';
import type { ExecTemplater } from './types.js';
import type { TaskNode } from '../types.js';
import { keyPos } from '../load/tasks.js';

/** The conditions a task runs under: its scope's, then its own `when:` (positioned at that key). */
export function taskConditions(scopeWhen: { expr: string; pos: SourcePos }[], task: TaskNode): { expr: string; pos: SourcePos }[] {
  return [...scopeWhen, ...task.when.map((expr) => ({ expr, pos: keyPos(task, 'when') }))];
}

export class ConditionError extends Error {
  constructor(
    readonly keyword: string,
    readonly expr: string,
    readonly pos: SourcePos,
    cause: string,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${keyword}: cannot evaluate '${expr}': ${cause}`);
    this.name = 'ConditionError';
  }
}

/** Python/Jinja2 truthiness for condition results. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (typeof v === 'string') {
    // A template rendered to text ("False") is false as Ansible's bool conversion has it.
    const s = v.trim().toLowerCase();
    return !['false', 'no', 'off', '0', 'none', ''].includes(s);
  }
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Evaluates one condition; literal booleans (`when: true` loaded as "True") need no templater. */
export function evalCondition(t: ExecTemplater, keyword: string, expr: string | boolean, vars: Vars, pos: SourcePos): boolean {
  if (typeof expr === 'boolean') return expr;
  const trimmed = expr.trim();
  const stripped = /^\{\{.*\}\}$/s.test(trimmed) ? trimmed.slice(2, -2).trim() : trimmed;
  try {
    return truthy(t.evaluate(stripped, vars, pos));
  } catch (err) {
    throw new ConditionError(keyword, expr, pos, err instanceof Error ? err.message : String(err));
  }
}

/** All conditions must hold (a `when:` list is an AND). */
export function evalAll(t: ExecTemplater, keyword: string, exprs: { expr: string; pos: SourcePos }[], vars: Vars): boolean {
  for (const { expr, pos } of exprs) if (!evalCondition(t, keyword, expr, vars, pos)) return false;
  return true;
}

/** failed_when / changed_when lists: all must hold, as in Ansible. */
export function evalList(t: ExecTemplater, keyword: string, exprs: string[], vars: Vars, pos: SourcePos): boolean {
  return exprs.every((e) => evalCondition(t, keyword, e, vars, pos));
}
