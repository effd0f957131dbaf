// Exit codes, as ansible-playbook: 4 when a host was unreachable, else 2 when a task failed, else 0.
// 1 is for usage and validation errors, decided by the CLI before anything runs.
import type { HostRecap } from '../types.js';

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_FAILED = 2;
export const EXIT_UNREACHABLE = 4;

export function exitCodeFor(hosts: Record<string, HostRecap>): number {
  const all = Object.values(hosts);
  if (all.some((h) => h.unreachable > 0)) return EXIT_UNREACHABLE;
  if (all.some((h) => h.failed > 0)) return EXIT_FAILED;
  return EXIT_OK;
}
