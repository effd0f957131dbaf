import { readFileSync } from 'node:fs';

/**
 * True while a process runs. A zombie counts as gone: where PID 1 does not reap orphans (this
 * machine's, and CI's), a stopped daemon stays a zombie, and `kill(pid, 0)` would call it alive.
 */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The command name, in parentheses, may hold spaces: the state is the field after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
