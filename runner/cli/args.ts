// argv → CliOptions. A small parser of our own: the option set is fixed and ansible-playbook's
// conventions (-vvv, repeatable -i/-e, `--json [FILE]` with an optional value) fit no framework well.
import type { RunFlags } from '../execute/types.js';

/** The command line; the run's switches (check, tags, forks, …) are the executor's RunFlags. */
export interface CliOptions extends RunFlags {
  command: 'run' | 'schema' | 'doc' | 'completion' | 'help' | 'version';
  playbooks: string[];
  inventories: string[];
  extraVars: string[];
  listHosts: boolean;
  listTasks: boolean;
  syntaxCheck: boolean;
  /** `--json` alone: '-' (stdout); `--json FILE`. */
  json?: string;
  junit?: string;
  askBecomePass: boolean;
  become: boolean;
  becomeUser?: string;
  lockTimeoutSec: number;
  /** --step: confirm each task (one line per answer on stdin). */
  step: boolean;
  /** -u: SSH user where the play and inventory name none. */
  user?: string;
  /** --private-key / --key-file. */
  privateKey?: string;
  /** -T: SSH connect timeout in seconds. */
  timeout?: number;
  listTags: boolean;
  /** --flush-cache: accepted; facts are gathered afresh each run anyway. */
  flushCache: boolean;
  /** Roles search path from ansible.cfg / ANSIBLE_ROLES_PATH (set by applyAnsibleSettings, not a flag). */
  rolesPath?: string[];
  /** --profile-tasks: per task and host, gather/plan/apply time and remote commands, after the recap. */
  profileTasks: boolean;
  /** `doc` subcommand. */
  docModule?: string;
  /** `completion` subcommand: the shell. */
  shell?: string;
  markdown: boolean;
  /** Vault passwords: --vault-password-file, --vault-id, --ask-vault-pass. */
  vaultPasswordFiles: string[];
  vaultIds: string[];
  askVaultPass: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Kind = 'flag' | 'value' | 'optional-value';
export interface Spec {
  names: string[];
  kind: Kind;
  apply(o: CliOptions, v: string | undefined): void;
}

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s !== '');

function positiveInt(name: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${name} expects a positive whole number, got '${v}'`);
  return Number(v);
}

export const SPECS: readonly Spec[] = [
  { names: ['-i', '--inventory'], kind: 'value', apply: (o, v) => o.inventories.push(v!) },
  { names: ['-e', '--extra-vars'], kind: 'value', apply: (o, v) => o.extraVars.push(v!) },
  { names: ['-C', '--check'], kind: 'flag', apply: (o) => (o.check = true) },
  { names: ['-D', '--diff'], kind: 'flag', apply: (o) => (o.diff = true) },
  { names: ['-l', '--limit'], kind: 'value', apply: (o, v) => (o.limit = v) },
  { names: ['-t', '--tags'], kind: 'value', apply: (o, v) => o.tags.push(...list(v!)) },
  { names: ['--skip-tags'], kind: 'value', apply: (o, v) => o.skipTags.push(...list(v!)) },
  { names: ['-f', '--forks'], kind: 'value', apply: (o, v) => (o.forks = positiveInt('--forks', v!)) },
  { names: ['--list-hosts'], kind: 'flag', apply: (o) => (o.listHosts = true) },
  { names: ['--list-tasks'], kind: 'flag', apply: (o) => (o.listTasks = true) },
  { names: ['--syntax-check'], kind: 'flag', apply: (o) => (o.syntaxCheck = true) },
  { names: ['--json'], kind: 'optional-value', apply: (o, v) => (o.json = v ?? '-') },
  { names: ['--junit'], kind: 'value', apply: (o, v) => (o.junit = v) },
  { names: ['-K', '--ask-become-pass'], kind: 'flag', apply: (o) => (o.askBecomePass = true) },
  { names: ['-b', '--become'], kind: 'flag', apply: (o) => (o.become = true) },
  { names: ['--become-user'], kind: 'value', apply: (o, v) => (o.becomeUser = v) },
  { names: ['--lock-timeout'], kind: 'value', apply: (o, v) => (o.lockTimeoutSec = nonNegative('--lock-timeout', v!)) },
  { names: ['--accept-new-host-keys'], kind: 'flag', apply: (o) => (o.acceptNewHostKeys = true) },
  { names: ['--step'], kind: 'flag', apply: (o) => (o.step = true) },
  { names: ['--profile-tasks'], kind: 'flag', apply: (o) => (o.profileTasks = true) },
  { names: ['--markdown'], kind: 'flag', apply: (o) => (o.markdown = true) },
  { names: ['--vault-password-file', '--vault-pass-file'], kind: 'value', apply: (o, v) => o.vaultPasswordFiles.push(v!) },
  { names: ['--vault-id'], kind: 'value', apply: (o, v) => o.vaultIds.push(v!) },
  { names: ['-J', '--ask-vault-pass', '--ask-vault-password'], kind: 'flag', apply: (o) => (o.askVaultPass = true) },
  { names: ['-c', '--connection'], kind: 'value', apply: (o, v) => (o.connection = v) },
  { names: ['-u', '--user'], kind: 'value', apply: (o, v) => (o.user = v) },
  { names: ['--private-key', '--key-file'], kind: 'value', apply: (o, v) => (o.privateKey = v) },
  { names: ['-T', '--timeout'], kind: 'value', apply: (o, v) => (o.timeout = positiveInt('--timeout', v!)) },
  { names: ['--list-tags'], kind: 'flag', apply: (o) => (o.listTags = true) },
  { names: ['--start-at-task'], kind: 'value', apply: (o, v) => (o.startAtTask = v) },
  { names: ['--flush-cache'], kind: 'flag', apply: (o) => (o.flushCache = true) },
  {
    names: ['-k', '--ask-pass'], kind: 'flag',
    apply: () => {
      throw new UsageError('-k/--ask-pass is not supported: osm-play does not log in to SSH with passwords; use a key (--private-key, ansible_ssh_private_key_file) or ssh-agent');
    },
  },
  { names: ['-h', '--help'], kind: 'flag', apply: (o) => (o.command = 'help') },
  { names: ['--version'], kind: 'flag', apply: (o) => (o.command = 'version') },
];

function nonNegative(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} expects a number of seconds, got '${v}'`);
  return n;
}

export function defaults(): CliOptions {
  return {
    command: 'run', playbooks: [], inventories: [], extraVars: [], check: false, diff: false, tags: [], skipTags: [],
    listHosts: false, listTasks: false, syntaxCheck: false, verbosity: 0, askBecomePass: false, become: false,
    lockTimeoutSec: 60, acceptNewHostKeys: false, step: false, profileTasks: false, markdown: false, listTags: false, flushCache: false,
    vaultPasswordFiles: [], vaultIds: [], askVaultPass: false,
  };
}

/** `--json FILE` takes the next word only when it names a .json file, so `--json site.yml` stays a playbook. */
function takesOptionalValue(next: string | undefined): boolean {
  return next !== undefined && !next.startsWith('-') && /\.json$/i.test(next);
}

export function parseArgs(argv: string[]): CliOptions {
  const o = defaults();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (/^-v+$/.test(arg)) {
      o.verbosity += arg.length - 1;
      continue;
    }
    if (arg === '--verbose') {
      o.verbosity++;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg.length > 2 && !arg.startsWith('--') ? arg.slice(0, 2) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : name !== arg ? arg.slice(2) : undefined;
    const spec = SPECS.find((s) => s.names.includes(name));
    if (!spec) throw new UsageError(`unknown option '${arg}' (see osm-play --help)`);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`option '${name}' takes no value`);
      spec.apply(o, undefined);
    } else if (spec.kind === 'value') {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option '${name}' needs a value`);
      spec.apply(o, v);
    } else {
      if (inline !== undefined) spec.apply(o, inline);
      else if (takesOptionalValue(argv[i + 1])) spec.apply(o, argv[++i]);
      else spec.apply(o, undefined);
    }
  }
  if (o.command === 'run' && (positional[0] === 'schema' || positional[0] === 'doc' || positional[0] === 'completion')) {
    o.command = positional[0];
    if (o.command === 'doc') o.docModule = positional[1];
    if (o.command === 'completion') {
      o.shell = positional[1];
      if (o.shell !== 'bash') throw new UsageError(`completion needs a shell: 'osm-play completion bash' (bash is the only one supported)`);
    }
    if (positional.length > (o.command === 'schema' ? 1 : 2)) throw new UsageError(`too many arguments for '${positional[0]}'`);
    return o;
  }
  o.playbooks = positional;
  if (o.command === 'run' && o.playbooks.length === 0) throw new UsageError('no playbook given (usage: osm-play [options] PLAYBOOK...)');
  return o;
}
