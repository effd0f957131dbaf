// ansible.cfg and ANSIBLE_* environment variables, for the settings osm-play shares with
// ansible-playbook. As Ansible: the first of $ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg and
// /etc/ansible/ansible.cfg is read (only that one), and an ANSIBLE_* variable wins over the file.
// The command line wins over both (applyAnsibleConfig).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError, type CliOptions } from './args.js';
import type { Vars } from '../types.js';

export interface AnsibleSettings {
  /** The file read, if any. */
  file?: string;
  inventory?: string[];
  rolesPath?: string[];
  remoteUser?: string;
  forks?: number;
  hostKeyChecking?: boolean;
  privateKeyFile?: string;
  timeout?: number;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
}

type Ini = Record<string, Record<string, { value: string; line: number }>>;

/** Python configparser's subset Ansible configs use: [sections], `key = value` or `key: value`, # and ; comments. */
export function parseIni(text: string, file: string): Ini {
  const out: Ini = {};
  let section: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1].trim();
      out[section] ??= {};
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv || section === undefined) throw new UsageError(`${file}:${i + 1}: cannot read '${line}' (expected [section] or key = value)`);
    // An inline comment needs whitespace before it, as configparser's inline_comment_prefixes.
    out[section][kv[1].trim().toLowerCase()] = { value: kv[2].replace(/\s+[#;].*$/, '').trim(), line: i + 1 };
  });
  return out;
}

/** The config file Ansible would read: $ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg. */
export function findConfigFile(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const fromEnv = env['ANSIBLE_CONFIG'];
  const candidates = [
    fromEnv ? resolve(cwd, fromEnv) : undefined,
    join(cwd, 'ansible.cfg'),
    join(env['HOME'] ?? homedir(), '.ansible.cfg'),
    '/etc/ansible/ansible.cfg',
  ].filter((c): c is string => c !== undefined);
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    return statSync(c).isDirectory() ? join(c, 'ansible.cfg') : c;
  }
  return undefined;
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'y', 't']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n', 'f']);

function bool(v: string, where: string): boolean {
  const s = v.toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new UsageError(`${where}: expected a boolean (true/false), got '${v}'`);
}

function int(v: string, where: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${where}: expected a positive whole number, got '${v}'`);
  return Number(v);
}

const expandHome = (p: string, home: string): string => (p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p);

/** A path list (`a:b` or `a,b` for inventory) resolved against `base`, ~ expanded. */
function paths(v: string, base: string, home: string, sep: RegExp): string[] {
  return v.split(sep).map((p) => p.trim()).filter((p) => p !== '').map((p) => {
    const e = expandHome(p, home);
    return isAbsolute(e) ? e : resolve(base, e);
  });
}

/** Settings from the config file, then ANSIBLE_* variables over them. */
export function readAnsibleSettings(env: NodeJS.ProcessEnv, cwd: string): AnsibleSettings {
  const s: AnsibleSettings = {};
  const home = env['HOME'] ?? homedir();
  const file = findConfigFile(env, cwd);
  if (file) {
    s.file = file;
    const ini = parseIni(readFileSync(file, 'utf8'), file);
    const base = dirname(file);
    const get = (section: string, key: string): { value: string; where: string } | undefined => {
      const e = ini[section]?.[key];
      return e === undefined ? undefined : { value: e.value, where: `${file}:${e.line}: [${section}] ${key}` };
    };
    const d = (k: string) => get('defaults', k);
    const p = (k: string) => get('privilege_escalation', k);
    let e;
    // Inventory entries may be comma lists of hosts (`a,b,`): only file-like entries are paths.
    if ((e = d('inventory'))) s.inventory = e.value.includes(',') && !existsSync(resolve(base, e.value)) ? [e.value] : paths(e.value, base, home, /,/);
    if ((e = d('roles_path'))) s.rolesPath = paths(e.value, base, home, /:/);
    if ((e = d('remote_user'))) s.remoteUser = e.value;
    if ((e = d('forks'))) s.forks = int(e.value, e.where);
    if ((e = d('host_key_checking'))) s.hostKeyChecking = bool(e.value, e.where);
    if ((e = d('private_key_file'))) s.privateKeyFile = expandHome(e.value, home);
    if ((e = d('timeout'))) s.timeout = int(e.value, e.where);
    if ((e = p('become'))) s.become = bool(e.value, e.where);
    if ((e = p('become_user'))) s.becomeUser = e.value;
    if ((e = p('become_method'))) s.becomeMethod = e.value;
  }
  const v = (k: string): string | undefined => (env[k] !== undefined && env[k] !== '' ? env[k] : undefined);
  let x;
  if ((x = v('ANSIBLE_INVENTORY'))) s.inventory = x.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => resolve(cwd, expandHome(p, home)));
  if ((x = v('ANSIBLE_ROLES_PATH'))) s.rolesPath = paths(x, cwd, home, /:/);
  if ((x = v('ANSIBLE_REMOTE_USER'))) s.remoteUser = x;
  if ((x = v('ANSIBLE_FORKS'))) s.forks = int(x, 'ANSIBLE_FORKS');
  if ((x = v('ANSIBLE_HOST_KEY_CHECKING'))) s.hostKeyChecking = bool(x, 'ANSIBLE_HOST_KEY_CHECKING');
  if ((x = v('ANSIBLE_PRIVATE_KEY_FILE'))) s.privateKeyFile = resolve(cwd, expandHome(x, home));
  if ((x = v('ANSIBLE_TIMEOUT'))) s.timeout = int(x, 'ANSIBLE_TIMEOUT');
  if ((x = v('ANSIBLE_BECOME'))) s.become = bool(x, 'ANSIBLE_BECOME');
  if ((x = v('ANSIBLE_BECOME_USER'))) s.becomeUser = x;
  if ((x = v('ANSIBLE_BECOME_METHOD'))) s.becomeMethod = x;
  if (s.becomeMethod !== undefined && s.becomeMethod !== 'sudo' && s.becomeMethod !== 'su') {
    throw new UsageError(`become_method '${s.becomeMethod}' is not supported (use sudo or su)`);
  }
  return s;
}

/** Ansible's default roles_path, searched after the playbook's roles/ when nothing configures one. */
export const DEFAULT_ROLES_PATH = ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];

export interface RunSettings {
  /** ansible_user, ansible_ssh_private_key_file, ansible_timeout: below the play and inventory. */
  connectionDefaults: Vars;
  becomeUser?: string;
  becomeMethod?: string;
}

/**
 * Fills the options the command line left open from the settings (CLI > ANSIBLE_* > ansible.cfg >
 * defaults). host_key_checking = False accepts unknown host keys, as --accept-new-host-keys: a
 * changed key is still refused, since osm-play has no accept-all.
 */
export function applyAnsibleSettings(o: CliOptions, s: AnsibleSettings, env: NodeJS.ProcessEnv): RunSettings {
  if (o.inventories.length === 0 && s.inventory) o.inventories = [...s.inventory];
  o.forks ??= s.forks;
  if (s.become) o.become = true;
  if (s.hostKeyChecking === false) o.acceptNewHostKeys = true;
  const home = env['HOME'] ?? homedir();
  o.rolesPath = s.rolesPath ?? DEFAULT_ROLES_PATH.map((p) => expandHome(p, home));
  const connectionDefaults: Vars = {};
  const user = o.user ?? s.remoteUser;
  const key = o.privateKey ?? s.privateKeyFile;
  const timeout = o.timeout ?? s.timeout;
  if (user !== undefined) connectionDefaults['ansible_user'] = user;
  if (key !== undefined) connectionDefaults['ansible_ssh_private_key_file'] = key;
  if (timeout !== undefined) connectionDefaults['ansible_timeout'] = timeout;
  return { connectionDefaults, becomeUser: s.becomeUser, becomeMethod: s.becomeMethod };
}
