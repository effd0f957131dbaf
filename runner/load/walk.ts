// One walk over a task tree: for the checks made after loading (module names, validation) and for
// the executor's look ahead at a play's delegated hosts (prefetch.ts).
import type { BlockNode, Node, TaskNode } from '../types.js';

/**
 * Calls `visit` for each task among `nodes`, with the blocks around it (outermost first), through
 * blocks (block, rescue, always) and the tasks of includes read at load time; with `roleIncludes`,
 * the tasks of `include_role` too. Each node once, so a file that includes itself ends.
 */
export function walkTasks(nodes: Node[], visit: (t: TaskNode, blocks: readonly BlockNode[]) => void, opts: { roleIncludes?: boolean } = {}): void {
  const seen = new Set<Node>();
  const walk = (list: Node[], blocks: BlockNode[]): void => {
    for (const n of list) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (n.kind === 'block') {
        const inner = [...blocks, n];
        for (const part of [n.block, n.rescue, n.always]) walk(part, inner);
      } else if (n.kind === 'include_tasks') {
        walk(opts.roleIncludes && n.roleBlock ? [n.roleBlock] : (n.preloaded ?? []), blocks);
      } else visit(n, blocks);
    }
  };
  walk(nodes, []);
}
