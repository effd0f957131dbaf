// Handlers: run once each, in the order they are defined, when a changed task notified them by
// name or by a `listen` topic. Called at `meta: flush_handlers` and at the end of the play.
import type { Flow } from './state.js';
import type { WalkCtx } from './nodes.js';
import { runTask } from './task.js';

export async function runHandlers(w: WalkCtx): Promise<Flow> {
  const { pc, host } = w;
  for (const handler of pc.play.handlers) {
    if (host.notified.size === 0) break;
    const names = [handler.name ?? '', ...handler.listen];
    if (!names.some((n) => host.notified.has(n))) continue;
    // Cleared before running, so a handler may notify a later one in the same pass.
    for (const n of names) host.notified.delete(n);
    const out = await runTask(pc, host, handler, { blockVars: [], tags: [], when: [], role: handler.role, handler: true });
    if (out.flow !== 'ok') return out.flow;
  }
  for (const n of host.notified) pc.run.reporter.warning(`[${host.name}] a task notified '${n}', but no handler has that name or listens to it`);
  host.notified.clear();
  return 'ok';
}
