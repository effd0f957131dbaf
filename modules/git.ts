// git: a checkout of a repository at a version, with the host's git, as Ansible's git module does it.
// Gather reads the checkout (HEAD, local changes, the remote's URL) and asks the remote what the
// version names (`git ls-remote`, read only, so check mode can say what would change); plan compares.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { cloneArgv, switchSteps } from './lib/git/commands.js';
import { atVersion, fetchArgv, gitSshCommand, parseLsRemote, repoUrl, resolveVersion, sameUrl, type ResolvedVersion } from './lib/git/refs.js';

const notSupported = (why: string) => Type.Optional(Type.Unknown({ description: `Not supported: ${why}` }));

const args = Type.Object(
  {
    repo: Type.Optional(Type.String({ minLength: 1, description: 'URL of the repository (a local path becomes file://). Alias: name.' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of repo.' })),
    dest: Type.String({ pattern: '^(/|~)', description: 'Directory of the checkout on the host (absolute, or under ~).' }),
    version: Type.String({ minLength: 1, default: 'HEAD', description: 'Branch, tag or commit id to check out; HEAD follows the branch checked out (on a clone, the remote\'s default branch).' }),
    remote: Type.String({ minLength: 1, default: 'origin', description: 'Name of the remote.' }),
    update: Type.Boolean({ default: true, description: 'Fetch and move an existing checkout to the version; false leaves it as it is.' }),
    clone: Type.Boolean({ default: true, description: 'Clone when dest has no repository; false only reports what the remote has.' }),
    force: Type.Boolean({ default: false, description: 'Discard local changes to tracked files (without it they fail the task, as in Ansible).' }),
    depth: Type.Optional(Type.Integer({ minimum: 1, description: 'Shallow clone with this many commits (HEAD, a branch or a tag only).' })),
    bare: Type.Boolean({ default: false, description: 'A bare repository in dest (no work tree).' }),
    single_branch: Type.Boolean({ default: false, description: 'Clone only the version\'s branch (or tag).' }),
    recursive: Type.Boolean({ default: true, description: 'Initialise and update submodules after a change (their own changes are not detected).' }),
    accept_hostkey: Type.Boolean({ default: false, description: 'ssh accepts any host key of the remote (StrictHostKeyChecking=no).' }),
    accept_newhostkey: Type.Boolean({ default: false, description: 'ssh accepts an unknown host key of the remote but not a changed one (StrictHostKeyChecking=accept-new).' }),
    key_file: Type.Optional(Type.String({ minLength: 1, description: 'ssh private key on the host (IdentitiesOnly).' })),
    ssh_opts: Type.String({ default: '', description: 'More ssh options, e.g. "-o ConnectTimeout=5".' }),
    umask: Type.Optional(Type.String({ pattern: '^0?[0-7]{3}$', description: "umask of the git commands, quoted octal: '0022'." })),
    executable: Type.String({ minLength: 1, default: 'git', description: 'Path of git on the host.' }),
    refspec: notSupported('fetch the extra refs with command: git fetch.'),
    reference: notSupported('clone without a reference repository.'),
    verify_commit: notSupported('check signatures with command: git verify-commit.'),
    gpg_whitelist: notSupported('goes with verify_commit.'),
    archive: notSupported('run command: git archive in the checkout.'),
    archive_prefix: notSupported('goes with archive.'),
    separate_git_dir: notSupported('the repository lives in dest/.git (or dest with bare).'),
    track_submodules: notSupported('submodules are checked out at the commits the repository records.'),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

const UNSUPPORTED = ['refspec', 'reference', 'verify_commit', 'gpg_whitelist', 'archive', 'archive_prefix', 'separate_git_dir', 'track_submodules'] as const;

export interface GitState {
  /** dest with ~ expanded. */
  dest: string;
  /** The repository URL as git is given it. */
  repo: string;
  /** dest holds a repository. */
  exists: boolean;
  /** The checkout's commit, null when there is none. */
  before: string | null;
  /** Tracked files differ from HEAD (untracked files do not count, as in Ansible). */
  localMods: boolean;
  /** The remote's URL in the checkout's config. */
  remoteUrl: string | null;
  /** The branch checked out (or, detached, the one the remote's HEAD follows). */
  localBranch: string | null;
  /** What the version names on the remote; null when the remote was not asked (update: false). */
  target: ResolvedVersion | null;
}

export type GitChange = Change<'clone'> | Change<'reset'> | Change<'set-url'> | Change<'update'>;

/** Arguments that only make sense when false or empty; anything else is refused, saying what to do instead. */
export function refuseUnsupported(a: Args): void {
  for (const k of UNSUPPORTED) {
    const v = a[k];
    if (v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    throw new ModuleError(`git: ${k} is ${(args.properties[k].description ?? 'not supported').replace(/^Not supported: /, 'not supported: ')}`);
  }
  if (a.accept_hostkey && a.accept_newhostkey) throw new ModuleError('git: accept_hostkey and accept_newhostkey are mutually exclusive');
  if (a.repo === undefined && a.name === undefined) throw new ModuleError('git: repo is required');
}

export function planGit(a: Args, s: GitState): GitChange[] {
  const v = s.target;
  if (!s.exists) {
    if (!a.clone || v === null) return [];
    return [{ action: 'clone', target: s.dest, summary: `clone ${s.repo} into ${s.dest} at ${a.version} (${v.sha})`, before: '', after: `${v.sha}\n` }];
  }
  if (!a.update || v === null) return [];
  if (s.localMods && !a.force) throw new ModuleError(`Local modifications exist in the destination: ${s.dest} (force=no).`);
  const changes: GitChange[] = [];
  if (s.localMods) changes.push({ action: 'reset', target: s.dest, summary: `discard local modifications in ${s.dest} (force)` });
  if (s.remoteUrl !== null && !sameUrl(s.remoteUrl, s.repo)) changes.push({ action: 'set-url', target: s.dest, summary: `set ${a.remote}'s URL from ${s.remoteUrl} to ${s.repo}` });
  if (!atVersion(s.before, v)) changes.push({ action: 'update', target: s.dest, summary: `update ${s.dest} from ${s.before} to ${a.version} (${v.sha})`, before: `${s.before}\n`, after: `${v.sha}\n` });
  return changes;
}

/** Ansible's before, after (the version's commit when it would move) and, for an existing checkout, remote_url_changed. */
export function gitResult(a: Args, s: GitState, changes: GitChange[]): Record<string, unknown> {
  const moves = changes.some((c) => c.action === 'clone' || c.action === 'update') || (!s.exists && s.target !== null);
  const out: Record<string, unknown> = { before: s.before, after: moves && s.target ? s.target.sha : s.before };
  if (s.exists && a.update) out.remote_url_changed = changes.some((c) => c.action === 'set-url');
  return out;
}

/** Runs git on the host with Ansible's environment (C locale, no prompts, its ssh command) and the umask. */
function gitRunner(host: HostContext, a: Args) {
  const env = { LC_ALL: 'C', LANG: 'C', GIT_TERMINAL_PROMPT: '0', GIT_SSH_COMMAND: gitSshCommand(a) };
  const argvOf = (argv: string[]) => {
    const git = [a.executable, ...argv];
    return a.umask === undefined ? git : ['sh', '-c', 'umask "$0" && exec "$@"', a.umask, ...git];
  };
  return {
    run: (argv: string[], cwd?: string) => host.run(argvOf(argv), { env, cwd }),
    exec: (argv: string[], cwd?: string) => host.exec({ argv: argvOf(argv) }, { env, cwd }),
  };
}
type Git = ReturnType<typeof gitRunner>;

async function expandHome(host: HostContext, path: string): Promise<string> {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const home = (await host.run(['sh', '-c', 'printf %s "$HOME"'])).trim();
  return posix.join(home, path.slice(1));
}

/** The repository's directory: dest for bare, dest/.git, or where a `.git` file (`gitdir: X`) points. */
async function repoDir(host: HostContext, dest: string, bare: boolean): Promise<string> {
  if (bare) return dest;
  const dotGit = posix.join(dest, '.git');
  if (!(await host.stat(dotGit))?.isFile) return dotGit;
  const m = /^gitdir: (.+)$/m.exec((await host.readFile(dotGit)) ?? '');
  if (!m) throw new ModuleError(`git: ${dotGit} is a file without a gitdir: line`);
  return posix.resolve(dest, m[1].trim());
}

async function localBranchOf(git: Git, dest: string, remote: string): Promise<string | null> {
  const head = await git.exec(['symbolic-ref', '-q', '--short', 'HEAD'], dest);
  if (head.exitCode === 0 && head.stdout.trim()) return head.stdout.trim();
  const r = await git.exec(['symbolic-ref', '-q', '--short', `refs/remotes/${remote}/HEAD`], dest);
  return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim().replace(`${remote}/`, '') : null;
}

async function gatherGit(host: HostContext, a: Args): Promise<GitState> {
  refuseUnsupported(a);
  const git = gitRunner(host, a);
  const dest = await expandHome(host, a.dest);
  const repo = repoUrl(a.repo ?? a.name ?? '');
  const { bare, remote } = a;
  const exists = (await host.stat(posix.join(await repoDir(host, dest, bare), 'config'))) !== null;
  const s: GitState = { dest, repo, exists, before: null, localMods: false, remoteUrl: null, localBranch: null, target: null };
  if (exists) {
    s.before = (await git.exec(['rev-parse', 'HEAD'], dest)).stdout.trim() || null;
    if (!a.update) return s;
    s.localMods = !bare && (await git.run(['status', '--porcelain'], dest)).split('\n').some((l) => l !== '' && !l.startsWith('??'));
    const url = await git.exec(['ls-remote', '--get-url', remote], dest);
    s.remoteUrl = url.exitCode === 0 ? url.stdout.trim() : null;
    s.localBranch = await localBranchOf(git, dest, remote);
  }
  const refs = parseLsRemote(await git.run(['ls-remote', repo]));
  try {
    s.target = resolveVersion(refs, a.version, s.localBranch, repo);
  } catch (e) {
    throw new ModuleError(`git: ${(e as Error).message}`);
  }
  return s;
}

/** The steps apply runs before updateCheckout, which clones or updates whatever else was planned. */
function preSteps(changes: GitChange[]): { reset: boolean; setUrl: boolean } {
  const steps = { reset: false, setUrl: false };
  for (const c of changes) {
    switch (c.action) {
      case 'reset':
        steps.reset = true;
        break;
      case 'set-url':
        steps.setUrl = true;
        break;
      case 'clone':
      case 'update':
        break;
      default:
        unknownChange(c);
    }
  }
  return steps;
}

async function updateCheckout(host: HostContext, git: Git, a: Args, s: GitState, v: ResolvedVersion): Promise<void> {
  const { bare, remote, version } = a;
  if (!s.exists) {
    await host.run(['mkdir', '-p', '--', posix.dirname(s.dest)]);
    await git.run(cloneArgv({ repo: s.repo, dest: s.dest, remote, bare, depth: a.depth, single_branch: a.single_branch, version }, v));
    if (bare && remote !== 'origin') await git.run(['remote', 'add', remote, s.repo], s.dest);
  } else {
    await git.run(fetchArgv({ remote, bare, force: a.force, depth: a.depth, version }, v, s.localBranch), s.dest);
  }
  if (bare) return;
  const branch = v.kind === 'head' ? ((s.exists ? s.localBranch : null) ?? (await localBranchOf(git, s.dest, remote)) ?? v.branch) : null;
  const hasLocal = v.kind === 'branch' && (await git.exec(['show-ref', '--verify', '-q', `refs/heads/${version}`], s.dest)).exitCode === 0;
  for (const step of switchSteps({ remote, version, depth: a.depth }, v, branch, hasLocal)) await git.run(step, s.dest);
  if (a.recursive && (await host.stat(posix.join(s.dest, '.gitmodules')))) {
    await git.run(['submodule', 'sync'], s.dest);
    await git.run(['submodule', 'update', '--init', '--recursive', ...(a.force ? ['--force'] : [])], s.dest);
  }
}

export default defineModule({
  name: 'git',
  doc:
    'A checkout of a git repository at a version (branch, tag or commit id), with the host\'s git, as Ansible\'s git module: a missing ' +
    'dest is cloned; an existing checkout is fetched and moved to the version unless update is false. Changed when the checkout\'s commit ' +
    'changes, when local modifications are discarded (force) or when the remote\'s URL is set; check mode asks the remote with git ' +
    'ls-remote. Local modifications to tracked files fail the task unless force is set. Returns before, after and remote_url_changed. ' +
    'refspec, reference, verify_commit, archive, separate_git_dir and track_submodules are refused.',
  example: ['- git:', '    repo: https://github.com/example/site.git', '    dest: /srv/site', '    version: v1.2.0'].join('\n'),
  args,
  gather: gatherGit,
  plan: planGit,
  async apply(host, a, changes, s) {
    const git = gitRunner(host, a);
    const v = s.target;
    if (v === null) throw new ModuleError('git: nothing resolved to apply');
    const { reset, setUrl } = preSteps(changes);
    if (reset) await git.run(['reset', '--hard', 'HEAD'], s.dest);
    if (setUrl) await git.run(['remote', 'set-url', a.remote, s.repo], s.dest);
    await updateCheckout(host, git, a, s, v);
    const after = (await git.exec(['rev-parse', 'HEAD'], s.dest)).stdout.trim();
    const changed = after !== s.before || reset || setUrl;
    return { changed, data: { after, ...(reset ? { msg: `Local modifications exist in the destination: ${s.dest}` } : {}) } };
  },
  result: gitResult,
});
