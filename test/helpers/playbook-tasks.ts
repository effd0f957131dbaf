// The tasks of each play of a playbook as written, with `import_tasks` files put in their place (as
// the loader does): tests that check a playbook's task order or keywords read it through this.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

export interface WrittenTask {
  name?: string;
  delegate_to?: string;
  [key: string]: unknown;
}

function expand(tasks: unknown, dir: string): WrittenTask[] {
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((t: unknown): WrittenTask[] => {
    if (typeof t !== 'object' || t === null) return [];
    const task = t as WrittenTask;
    const imported = task['import_tasks'] ?? task['ansible.builtin.import_tasks'];
    if (typeof imported === 'string') {
      const file = join(dir, imported);
      return expand(parse(readFileSync(file, 'utf8')), dirname(file));
    }
    return [task];
  });
}

/** Per play, its tasks in order (import_tasks expanded; include_tasks stays a task of its own). */
export function playbookTasks(playbook: string): WrittenTask[][] {
  const plays: unknown = parse(readFileSync(playbook, 'utf8'));
  return (Array.isArray(plays) ? plays : []).map((p: unknown) => expand(typeof p === 'object' && p !== null && 'tasks' in p ? p.tasks : [], dirname(playbook)));
}
