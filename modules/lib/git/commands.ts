// The git command lines of a clone and of a switch to the version, as Ansible's git module runs them
// (argv after `git`). Pure: the caller says what it found on the host.
import type { ResolvedVersion } from './refs.js';

export interface CloneOptions {
  repo: string;
  dest: string;
  remote: string;
  bare: boolean;
  depth?: number;
  single_branch: boolean;
  version: string;
}

/** `git clone`: depth only for HEAD, a branch or a tag (a commit cannot be fetched shallow); --branch for a branch or tag. */
export function cloneArgv(o: CloneOptions, v: ResolvedVersion): string[] {
  const argv = ['clone', ...(o.bare ? ['--bare'] : ['--origin', o.remote])];
  const named = v.kind === 'branch' || v.kind === 'tag';
  if (o.depth !== undefined && (v.kind === 'head' || named)) argv.push('--depth', String(o.depth), ...(named ? ['--branch', o.version] : []));
  if (o.single_branch) argv.push('--single-branch', ...(named && o.depth === undefined ? ['--branch', o.version] : []));
  return [...argv, o.repo, o.dest];
}

/**
 * The commands that put the work tree at the version: a branch is checked out (tracking the remote's
 * branch when new) and reset to the remote's; a tag or commit is checked out detached.
 */
export function switchSteps(o: { remote: string; version: string; depth?: number }, v: ResolvedVersion, branch: string | null, hasLocalBranch: boolean): string[][] {
  if (v.kind === 'head') {
    if (branch === null) throw new Error('cannot tell which branch HEAD follows');
    return [['checkout', '--force', branch], ['reset', '--hard', `${o.remote}/${branch}`, '--']];
  }
  if (v.kind === 'branch') {
    const b = o.version;
    if (hasLocalBranch) return [['checkout', '--force', b], ['reset', '--hard', `${o.remote}/${b}`]];
    // A shallow clone has only its own branch: fetch this one first (which also makes it local).
    if (o.depth !== undefined) return [['fetch', `--depth=${o.depth}`, o.remote, `+refs/heads/${b}:refs/heads/${b}`, `+refs/heads/${b}:refs/remotes/${o.remote}/${b}`], ['checkout', '--force', b], ['reset', '--hard', `${o.remote}/${b}`]];
    return [['checkout', '--track', '-b', b, `${o.remote}/${b}`]];
  }
  return [['checkout', '--force', o.version]];
}
