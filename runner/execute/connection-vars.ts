// The variables a host's connection is opened with, wherever it is opened: for a task, ahead of one
// (prefetch.ts), or as the parent a container's connection travels through.
import type { Vars } from '../types.js';
import type { PlayCtx } from './state.js';

/** Lowest first: CLI/ansible.cfg connection settings, the play's remote_user, the inventory, -e. */
export function connectionVars(pc: PlayCtx, name: string): Vars {
  const { deps, opts } = pc.run;
  return { ...opts.connectionDefaults, ...remoteUser(pc), ...deps.hostVars(opts.inventory, name), ...pc.extra };
}

/** `remote_user:` of the play, rendered with the play's vars and -e (it may be a template). */
function remoteUser(pc: PlayCtx): Vars {
  const u = pc.play.remoteUser;
  if (u === undefined) return {};
  const user = u.includes('{{') ? pc.run.deps.templater.renderString(u, { ...pc.play.vars, ...pc.extra }, pc.play.pos) : u;
  return { ansible_user: user };
}
