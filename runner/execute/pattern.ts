// A play's host pattern. `hosts: "{{ target }}"` is rendered with the play's vars, the extra vars and
// its params, as Ansible allows; runs and --list-hosts both take it from here.
import type { Play, Vars } from '../types.js';
import type { ExecTemplater } from './types.js';

export function isTemplatedPattern(play: Play): boolean {
  return play.hosts.includes('{{');
}

export function playPattern(templater: Pick<ExecTemplater, 'renderString'>, play: Play, extraVars: Vars, paramVars?: Map<Play, Vars>): string {
  if (!isTemplatedPattern(play)) return play.hosts;
  return templater.renderString(play.hosts, { ...play.vars, ...extraVars, ...(paramVars?.get(play) ?? {}) }, play.pos);
}
