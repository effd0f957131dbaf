// Task keywords that shape how a module's commands run: `environment:` (play, block, task; inner
// wins per variable), `check_mode:` (a task's own choice over --check) and `async:` (a time limit).
import type { TaskNode, Vars } from '../types.js';
import { truthy } from './conditions.js';
import type { NodeScope, PlayCtx } from './state.js';

/** The environment for the task's commands, rendered; undefined when nothing sets one. */
export function taskEnvironment(pc: PlayCtx, scope: NodeScope, task: TaskNode, vars: Vars): Record<string, string> | undefined {
  const layers = [pc.play.environment, ...(scope.environment ?? []), task.environment].filter((l) => l !== undefined);
  if (layers.length === 0) return undefined;
  const t = pc.run.deps.templater;
  const env: Record<string, string> = {};
  for (const layer of layers) {
    const value = typeof layer === 'string' ? t.render(layer, vars, task.pos) : t.renderDeep(layer, vars, task.pos);
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`environment: expected a mapping of names to values, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
    }
    for (const [k, v] of Object.entries(value as Vars)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`environment: '${k}' is not a valid environment variable name`);
      if (pc.run.deps.isOmit(v)) continue;
      env[k] = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'True' : 'False') : JSON.stringify(v);
    }
  }
  return env;
}

/** `check_mode: true` plans only, `false` applies even under --check; otherwise --check decides. */
export function taskCheckMode(pc: PlayCtx, scope: NodeScope, task: TaskNode, vars: Vars): boolean {
  const v = task.checkMode ?? scope.checkMode;
  if (v === undefined) return pc.run.opts.check;
  if (typeof v === 'boolean') return v;
  return truthy(pc.run.deps.templater.render(v, vars, task.pos));
}

/** `async: N`: the task's commands are killed after N seconds and the task fails. */
export function taskTimeoutMs(pc: PlayCtx, task: TaskNode, vars: Vars): number | undefined {
  if (task.asyncSeconds === undefined) return undefined;
  const raw = typeof task.asyncSeconds === 'string' ? pc.run.deps.templater.render(task.asyncSeconds, vars, task.pos) : task.asyncSeconds;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`async: expected a number of seconds, got ${JSON.stringify(raw)}`);
  return n > 0 ? n * 1000 : undefined;
}
