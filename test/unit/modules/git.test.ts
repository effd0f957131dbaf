import { describe, expect, it } from 'vitest';
import git, { gitResult, planGit, refuseUnsupported, type GitState } from '../../../modules/git.js';
import { cloneArgv, switchSteps } from '../../../modules/lib/git/commands.js';
import { atVersion, fetchArgv, gitSshCommand, parseLsRemote, repoUrl, resolveVersion, sameUrl, type ResolvedVersion } from '../../../modules/lib/git/refs.js';
import { argsFor } from '../../helpers/module-args.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const T = 'c'.repeat(40);
const LS = [`${B}\tHEAD`, `${B}\trefs/heads/main`, `${A}\trefs/heads/old`, `${T}\trefs/tags/v1`, `${A}\trefs/tags/v1^{}`, `${A}\trefs/tags/light`].join('\n');
const refs = parseLsRemote(`${LS}\n`);
const withDefaults = argsFor(git);

describe('git refs', () => {
  it('reads ls-remote', () => expect(refs.get('refs/heads/main')).toBe(B));
  it.each<[string, string | null, Partial<ResolvedVersion>]>([
    ['HEAD', null, { kind: 'head', sha: B, branch: 'main' }],
    ['HEAD', 'old', { kind: 'head', sha: A, branch: 'old' }],
    ['main', null, { kind: 'branch', sha: B, branch: 'main' }],
    ['v1', null, { kind: 'tag', sha: A }],
    ['light', null, { kind: 'tag', sha: A }],
    ['abc123', null, { kind: 'commit', sha: 'abc123' }],
  ])('%s (checkout on %s)', (version, local, want) => expect(resolveVersion(refs, version, local, 'u')).toMatchObject(want));
  it('a name that is no branch, tag or commit id fails naming the repository', () => {
    expect(() => resolveVersion(refs, 'nope', null, 'file:///r')).toThrow(/'nope' is neither a branch, a tag nor a commit id of file:\/\/\/r/);
  });
  it('a checkout is at a commit id given abbreviated', () => {
    expect(atVersion(A, { kind: 'commit', sha: 'AAAA', branch: null })).toBe(true);
    expect(atVersion(A, { kind: 'branch', sha: B, branch: 'main' })).toBe(false);
    expect(atVersion(null, { kind: 'branch', sha: B, branch: 'main' })).toBe(false);
  });
  it('a local path becomes file://; URLs compare without file:// and trailing slashes', () => {
    expect(repoUrl('/srv/r.git')).toBe('file:///srv/r.git');
    expect(sameUrl('/srv/r.git/', 'file:///srv/r.git')).toBe(true);
    expect(sameUrl('https://x/a.git', 'https://x/b.git')).toBe(false);
  });
  it('builds the ssh command as Ansible does, the key path quoted', () => {
    const ssh = { accept_hostkey: false, accept_newhostkey: false, ssh_opts: '' };
    expect(gitSshCommand(ssh)).toBe('ssh -o BatchMode=yes');
    expect(gitSshCommand({ ...ssh, accept_hostkey: true })).toBe('ssh -o StrictHostKeyChecking=no -o BatchMode=yes');
    expect(gitSshCommand({ ...ssh, accept_newhostkey: true, key_file: "/k/it's key" })).toBe("ssh -o StrictHostKeyChecking=accept-new -o BatchMode=yes -i '/k/it'\\''s key' -o 'IdentitiesOnly=yes'");
    expect(gitSshCommand({ ...ssh, ssh_opts: '-o StrictHostKeyChecking=yes', accept_hostkey: true })).toBe('ssh -o StrictHostKeyChecking=yes -o BatchMode=yes');
  });
});

describe('git commands', () => {
  const branch: ResolvedVersion = { kind: 'branch', sha: B, branch: 'main' };
  const head: ResolvedVersion = { kind: 'head', sha: B, branch: 'main' };
  const commit: ResolvedVersion = { kind: 'commit', sha: 'abc', branch: null };
  const base = { repo: 'file:///r', dest: '/d', remote: 'origin', bare: false, single_branch: false, version: 'main' };
  it('clones with the remote name; depth only for HEAD, a branch or a tag', () => {
    expect(cloneArgv(base, branch)).toEqual(['clone', '--origin', 'origin', 'file:///r', '/d']);
    expect(cloneArgv({ ...base, depth: 1 }, branch)).toEqual(['clone', '--origin', 'origin', '--depth', '1', '--branch', 'main', 'file:///r', '/d']);
    expect(cloneArgv({ ...base, depth: 1, version: 'abc' }, commit)).toEqual(['clone', '--origin', 'origin', 'file:///r', '/d']);
    expect(cloneArgv({ ...base, bare: true, single_branch: true }, branch)).toEqual(['clone', '--bare', '--single-branch', '--branch', 'main', 'file:///r', '/d']);
  });
  it('fetches everything with tags, or with depth only the version', () => {
    const o = { remote: 'origin', bare: false, force: false, version: 'main' };
    expect(fetchArgv(o, branch, 'main')).toEqual(['fetch', '--tags', 'origin']);
    expect(fetchArgv({ ...o, force: true, depth: 2 }, branch, 'other')).toEqual(['fetch', '--depth', '2', '--force', 'origin', '+refs/heads/main:refs/heads/main', '+refs/heads/main:refs/remotes/origin/main']);
    expect(fetchArgv({ ...o, bare: true }, branch, null)).toEqual(['fetch', 'origin', '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
  });
  it('switches: a branch is tracked or reset to the remote, a tag or commit checked out', () => {
    expect(switchSteps({ remote: 'origin', version: 'HEAD' }, head, 'main', false)).toEqual([['checkout', '--force', 'main'], ['reset', '--hard', 'origin/main', '--']]);
    expect(switchSteps({ remote: 'origin', version: 'main' }, branch, 'main', false)).toEqual([['checkout', '--track', '-b', 'main', 'origin/main']]);
    expect(switchSteps({ remote: 'origin', version: 'main' }, branch, 'main', true)).toEqual([['checkout', '--force', 'main'], ['reset', '--hard', 'origin/main']]);
    expect(switchSteps({ remote: 'origin', version: 'abc' }, commit, null, false)).toEqual([['checkout', '--force', 'abc']]);
  });
});

describe('planGit', () => {
  const state = (o: Partial<GitState>): GitState => ({ dest: '/d', repo: 'file:///r', exists: true, before: A, localMods: false, remoteUrl: 'file:///r', localBranch: 'main', target: { kind: 'branch', sha: B, branch: 'main' }, ...o });
  const args = withDefaults({ dest: '/d', repo: '/r' });
  const actions = (a: object, s: GitState) => planGit({ ...args, ...a }, s).map((c) => c.action);

  it('clones a missing checkout; clone: false plans nothing', () => {
    expect(actions({}, state({ exists: false, before: null }))).toEqual(['clone']);
    expect(actions({ clone: false }, state({ exists: false, before: null }))).toEqual([]);
  });
  it('updates when the commit differs, is ok when equal, and update: false leaves it', () => {
    expect(actions({}, state({}))).toEqual(['update']);
    expect(actions({}, state({ before: B }))).toEqual([]);
    expect(actions({ update: false }, state({ target: null }))).toEqual([]);
  });
  it('local modifications fail without force (as Ansible says it), and are reset with it', () => {
    expect(() => planGit(args, state({ localMods: true }))).toThrow('Local modifications exist in the destination: /d (force=no).');
    expect(actions({ force: true }, state({ localMods: true, before: B }))).toEqual(['reset']);
  });
  it('a different remote URL is set', () => expect(actions({}, state({ remoteUrl: 'https://old/r.git', before: B }))).toEqual(['set-url']));
  it('results: before, after, remote_url_changed for an existing checkout', () => {
    const s = state({});
    expect(gitResult(args, s, planGit(args, s))).toEqual({ before: A, after: B, remote_url_changed: false });
    const missing = state({ exists: false, before: null });
    expect(gitResult(args, missing, planGit(args, missing))).toEqual({ before: null, after: B });
  });
  it('refuses what it does not support, saying what to do instead', () => {
    expect(() => refuseUnsupported({ ...args, archive: '/a.zip' })).toThrow(/archive is not supported: run command: git archive/);
    expect(() => refuseUnsupported({ ...args, verify_commit: false })).not.toThrow();
    expect(() => refuseUnsupported({ ...args, accept_hostkey: true, accept_newhostkey: true })).toThrow(/mutually exclusive/);
    expect(() => refuseUnsupported(withDefaults({ dest: '/d' }))).toThrow(/repo is required/);
  });
});
