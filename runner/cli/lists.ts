// --list-hosts and --list-tasks, in ansible-playbook's layout.
import { shouldRunByTags } from '../execute/tags.js';
import type { Inventory, Node, Playbook } from '../types.js';

export function listHosts(pb: Playbook, inv: Inventory, matchHosts: (inv: Inventory, p: string) => string[], limit?: string): string[] {
  const out = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    let hosts = matchHosts(inv, play.hosts);
    if (limit) {
      const allowed = new Set(matchHosts(inv, limit));
      hosts = hosts.filter((h) => allowed.has(h));
    }
    out.push(`  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    out.push(`    pattern: ['${play.hosts}']`);
    out.push(`    hosts (${hosts.length}):`);
    for (const h of hosts) out.push(`      ${h}`);
    out.push('');
  });
  return out;
}

export function listTasks(pb: Playbook, only: string[], skip: string[]): string[] {
  const out = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    out.push(`  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    out.push('    tasks:');
    const walk = (nodes: Node[], tags: string[]) => {
      for (const n of nodes) {
        const all = [...tags, ...n.tags];
        if (n.kind === 'block') {
          walk([...n.block, ...n.rescue, ...n.always], all);
        } else if (n.kind === 'include_tasks') {
          if (shouldRunByTags(all, only, skip)) out.push(`      include_tasks: ${n.file}\tTAGS: [${all.join(', ')}]`);
        } else if (n.module !== 'meta' && shouldRunByTags(all, only, skip)) {
          const name = n.role ? `${n.role.name} : ${n.name ?? n.module}` : (n.name ?? n.module);
          out.push(`      ${name}\tTAGS: [${[...new Set(all)].join(', ')}]`);
        }
      }
    };
    walk([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags);
    out.push('');
  });
  return out;
}
