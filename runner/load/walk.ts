// One walk over a task tree for the checks made after loading (module names, validation).
import type { Node, TaskNode } from '../types.js';

/**
 * Calls `visit` for each task among `nodes`, through blocks (block, rescue, always) and the tasks of
 * includes read at load time; each node once, so a file that includes itself ends.
 */
export function walkTasks(nodes: Node[], visit: (t: TaskNode) => void): void {
  const seen = new Set<Node>();
  const walk = (list: Node[]): void => {
    for (const n of list) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (n.kind === 'block') {
        walk(n.block);
        walk(n.rescue);
        walk(n.always);
      } else if (n.kind === 'include_tasks') walk(n.preloaded ?? []);
      else visit(n);
    }
  };
  walk(nodes);
}
