// --list-hosts and --list-tasks, in ansible-playbook's layout.
import { shouldRunByTags } from '../execute/tags.js';
import type { Inventory, Node, Play, Playbook } from '../types.js';

/** A play's pattern as the run would match it (templated ones rendered); default: as written. */
export type PatternOf = (play: Play) => string;

export function listHosts(pb: Playbook, inv: Inventory, matchHosts: (inv: Inventory, p: string) => string[], limit?: string, patternOf: PatternOf = (p) => p.hosts): string[] {
  const out = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    let hosts = matchHosts(inv, patternOf(play));
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
          // As ansible-playbook: the include's name, or its action as written.
          if (shouldRunByTags(all, only, skip)) out.push(`      ${n.name ?? n.action ?? 'include_tasks'}\tTAGS: [${all.join(', ')}]`);
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

/** --list-tags: the tags of each play's tasks (with those they inherit), in ansible-playbook's layout. */
export function listTags(pb: Playbook): string[] {
  const out = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    const tags = new Set<string>();
    const walk = (nodes: Node[], inherited: string[]) => {
      for (const n of nodes) {
        const all = [...inherited, ...n.tags];
        for (const t of all) tags.add(t);
        if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always], all);
      }
    };
    walk([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags);
    out.push(`  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    out.push(`      TASK TAGS: [${[...tags].sort().join(', ')}]`);
    out.push('');
  });
  return out;
}
