// Where and how to reach a host over ssh: inventory vars (Ansible names) over ~/.ssh/config over defaults.
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sshConfigFor } from './ssh-config.js';
import { UnreachableError, type BecomeOptions } from './types.js';
import type { Vars } from '../types.js';

/** Options the CLI passes to the ssh factory (through createConnection's opts). */
export interface SshConnectOptions {
  /** `--accept-new-host-keys`: add unknown hosts to known_hosts; a changed key is still refused. */
  acceptNewHostKeys?: boolean;
  /** Overrides the user known_hosts file (default ~/.ssh/known_hosts, or ansible_ssh_known_hosts_file). */
  knownHostsFile?: string;
  /** ~/.ssh/config by default. */
  sshConfigFile?: string;
  /** Connect timeout when ansible_timeout is not set (default 10 s). */
  connectTimeoutMs?: number;
}

export interface SshTarget {
  /** Inventory name. */
  name: string;
  host: string;
  port: number;
  user: string;
  /** Private key files to try, in order; only files that exist. */
  keyFiles: string[];
  password?: string;
  agentSocket?: string;
  connectTimeoutMs: number;
  /** Files checked for host keys; new keys are appended to the first. */
  knownHostsFiles: string[];
  acceptNew: boolean;
  /** Channels the server allows at once (sshd MaxSessions). */
  maxSessions: number;
}

function str(vars: Vars, key: string): string | undefined {
  const v = vars[key];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : String(v);
}

function int(vars: Vars, key: string, name: string): number | undefined {
  const s = str(vars, key);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s.trim())) throw new UnreachableError(name, `${key} must be a whole number, got ${JSON.stringify(s)}`);
  return Number(s);
}

function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Host key checking policy from vars: only strict (default) and accept-new exist. */
function acceptNewFromVars(vars: Vars, name: string): boolean {
  const v = str(vars, 'ansible_ssh_host_key_checking') ?? str(vars, 'ansible_host_key_checking');
  if (v === undefined) return false;
  const s = v.toLowerCase();
  if (s === 'accept-new') return true;
  if (['true', 'yes', 'strict', '1'].includes(s)) return false;
  throw new UnreachableError(
    name,
    `host key checking cannot be turned off (ansible_ssh_host_key_checking=${v}); ` +
      `use 'accept-new' or --accept-new-host-keys to add unknown hosts, and fix known_hosts for changed keys`,
  );
}

export function resolveSshTarget(name: string, vars: Vars, opts: SshConnectOptions = {}): SshTarget {
  const given = str(vars, 'ansible_host') ?? name;
  const cfg = sshConfigFor(given, opts.sshConfigFile);
  const explicitKey = str(vars, 'ansible_ssh_private_key_file') ?? str(vars, 'ansible_private_key_file');
  const keyFiles = explicitKey
    ? [expandHome(explicitKey)]
    : [...cfg.identityFiles, ...DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k))].filter((f) => existsSync(f));
  if (explicitKey && !existsSync(keyFiles[0]!)) {
    throw new UnreachableError(name, `ansible_ssh_private_key_file ${explicitKey} does not exist`);
  }
  const timeoutS = int(vars, 'ansible_timeout', name) ?? int(vars, 'ansible_ssh_timeout', name);
  const userFile = expandHome(
    opts.knownHostsFile ?? str(vars, 'ansible_ssh_known_hosts_file') ?? join(homedir(), '.ssh', 'known_hosts'),
  );
  return {
    name,
    host: cfg.hostName ?? given,
    port: int(vars, 'ansible_port', name) ?? int(vars, 'ansible_ssh_port', name) ?? cfg.port ?? 22,
    user: str(vars, 'ansible_user') ?? str(vars, 'ansible_ssh_user') ?? cfg.user ?? userInfo().username,
    keyFiles,
    password: str(vars, 'ansible_password') ?? str(vars, 'ansible_ssh_pass'),
    agentSocket: process.env['SSH_AUTH_SOCK'] || undefined,
    connectTimeoutMs: timeoutS !== undefined ? timeoutS * 1000 : (opts.connectTimeoutMs ?? 10_000),
    knownHostsFiles: [userFile, '/etc/ssh/ssh_known_hosts'],
    acceptNew: opts.acceptNewHostKeys === true || acceptNewFromVars(vars, name),
    maxSessions: int(vars, 'ansible_ssh_max_sessions', name) ?? 10,
  };
}

/**
 * become from inventory vars (ansible_become, _user, _method, _password), for the executor to merge
 * with play/task keywords. Connections never apply it on their own: become is per call.
 */
export function becomeFromVars(vars: Vars): BecomeOptions | undefined {
  const on = vars['ansible_become'];
  if (!(on === true || (typeof on === 'string' && ['true', 'yes', '1'].includes(on.toLowerCase())))) return undefined;
  const method = str(vars, 'ansible_become_method') ?? 'sudo';
  if (method !== 'sudo' && method !== 'su') throw new Error(`ansible_become_method ${method} is not supported (sudo, su)`);
  return {
    method,
    user: str(vars, 'ansible_become_user') ?? 'root',
    password: str(vars, 'ansible_become_password') ?? str(vars, 'ansible_become_pass'),
  };
}
