// Pure helpers of the git module: reading `git ls-remote` output, resolving the version argument
// against it the way Ansible's git module does, and the ssh command git is to use.
import { shellQuote } from '../../../runner/connection/quote.js';

/** Ref name → commit id, from `git ls-remote URL` (one `SHA<TAB>REF` per line). */
export function parseLsRemote(out: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{40,64})\s+(\S+)$/.exec(line.trim());
    if (m) refs.set(m[2], m[1]);
  }
  return refs;
}

export type VersionKind = 'head' | 'branch' | 'tag' | 'commit';

export interface ResolvedVersion {
  kind: VersionKind;
  /** The commit the version names on the remote; for a commit id, the id as given (as Ansible reports it). */
  sha: string;
  /** The branch followed: the version for a branch, the checkout's (or the remote's) HEAD branch for HEAD. */
  branch: string | null;
}

/** The branch the remote's HEAD points at: the branch with HEAD's commit, `main`/`master` first. */
export function remoteHeadBranch(refs: Map<string, string>): string | null {
  const head = refs.get('HEAD');
  if (head === undefined) return null;
  const names = [...refs.keys()].filter((r) => r.startsWith('refs/heads/') && refs.get(r) === head).map((r) => r.slice('refs/heads/'.length));
  return names.find((n) => n === 'main') ?? names.find((n) => n === 'master') ?? names[0] ?? null;
}

/**
 * What `version` names on the remote: HEAD (the checkout's branch when there is one, else the
 * remote's HEAD), a branch, a tag (an annotated tag's commit), else a commit id taken as given.
 */
export function resolveVersion(refs: Map<string, string>, version: string, localBranch: string | null, repo: string): ResolvedVersion {
  if (version === 'HEAD') {
    const branch = localBranch ?? remoteHeadBranch(refs);
    const sha = localBranch !== null ? refs.get(`refs/heads/${localBranch}`) : refs.get('HEAD');
    if (sha === undefined) throw new Error(`Could not determine remote revision for HEAD${localBranch ? ` (branch ${localBranch})` : ''} of ${repo}`);
    return { kind: 'head', sha, branch };
  }
  const branchSha = refs.get(`refs/heads/${version}`);
  if (branchSha !== undefined) return { kind: 'branch', sha: branchSha, branch: version };
  const tagSha = refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`);
  if (tagSha !== undefined) return { kind: 'tag', sha: tagSha, branch: null };
  if (/^[0-9a-fA-F]{4,64}$/.test(version)) return { kind: 'commit', sha: version, branch: null };
  throw new Error(`version '${version}' is neither a branch, a tag nor a commit id of ${repo}`);
}

/** A checkout at `before` is at the resolved version (a commit id may be abbreviated). */
export function atVersion(before: string | null, v: ResolvedVersion): boolean {
  if (before === null || before === '') return false;
  return v.kind === 'commit' ? before.toLowerCase().startsWith(v.sha.toLowerCase()) : before === v.sha;
}

/** Ansible turns a local path into a file:// URL (depth needs it). */
export function repoUrl(repo: string): string {
  return repo.startsWith('/') ? `file://${repo}` : repo;
}

/** Two remote URLs name the same repository (trailing slashes and file:// aside), as Ansible compares them. */
export function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.replace(/^file:\/\//, '').replace(/\/+$/, '');
  return a === b || norm(a) === norm(b);
}

/** git's ssh arguments, defaults filled in. */
export interface SshOptions {
  accept_hostkey: boolean;
  accept_newhostkey: boolean;
  key_file?: string;
  ssh_opts: string;
}

/**
 * GIT_SSH_COMMAND as Ansible builds it: ssh_opts, the host key option asked for, BatchMode (never a
 * prompt), and the key file with IdentitiesOnly. Git runs it with sh, so the key path is quoted.
 */
export function gitSshCommand(o: SshOptions): string {
  let opts = o.ssh_opts;
  const has = (s: string) => opts.includes(s);
  if (o.accept_hostkey && !has('StrictHostKeyChecking=')) opts += ' -o StrictHostKeyChecking=no';
  if (o.accept_newhostkey && !has('StrictHostKeyChecking=')) opts += ' -o StrictHostKeyChecking=accept-new';
  if (!has('BatchMode=yes')) opts += ' -o BatchMode=yes';
  if (o.key_file !== undefined) opts += ` ${shellQuote(['-i', o.key_file, '-o', 'IdentitiesOnly=yes'])}`;
  return `ssh ${opts.trim()}`;
}

/** The fetch of an update, as Ansible's: all branches and tags, or with depth only the version's ref. */
export function fetchArgv(o: { remote: string; bare: boolean; force: boolean; depth?: number; version: string }, v: ResolvedVersion, currentBranch: string | null): string[] {
  const argv = ['fetch'];
  const refspecs: string[] = [];
  if (o.depth !== undefined && !o.bare) {
    if (v.kind === 'head' && v.branch !== null) refspecs.push(v.branch);
    else if (v.kind === 'branch' && v.branch !== null) {
      if (currentBranch !== v.branch) refspecs.push(`+refs/heads/${v.branch}:refs/heads/${v.branch}`);
      refspecs.push(`+refs/heads/${v.branch}:refs/remotes/${o.remote}/${v.branch}`);
    } else if (v.kind === 'tag') refspecs.push(`+refs/tags/${o.version}:refs/tags/${o.version}`);
  }
  if (refspecs.length > 0) argv.push('--depth', String(o.depth));
  else if (o.bare) refspecs.push('+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*');
  else argv.push('--tags');
  if (o.force) argv.push('--force');
  return [...argv, o.remote, ...refspecs];
}
