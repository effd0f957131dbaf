// --start-at-task NAME: on each host, tasks are passed over (not run, not reported) until the first
// task whose name matches; from there on everything runs. As Ansible, NAME may be `role : task` or a
// shell-style pattern (fnmatch), and handlers are not affected.
import type { TaskNode } from '../types.js';
import type { HostState } from './state.js';
import type { WalkCtx } from './nodes.js';

const reached = new WeakSet<HostState>();

function patternRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** True when the task may run: no --start-at-task, or the host has reached (or is at) the named task. */
export function reachedStartTask(w: WalkCtx, task: TaskNode): boolean {
  const start = w.pc.run.opts.startAtTask;
  if (start === undefined || reached.has(w.host)) return true;
  const name = task.name ?? task.module;
  const full = task.role ? `${task.role.name} : ${name}` : name;
  const re = patternRegex(start);
  if (name === start || full === start || re.test(name) || re.test(full)) {
    reached.add(w.host);
    return true;
  }
  return false;
}
