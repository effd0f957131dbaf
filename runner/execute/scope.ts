// Builds the variables a task sees on a host: the precedence layers plus magic variables,
// wrapped so template-valued vars render lazily.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RoleInfo, Vars } from '../types.js';
import { resolveVars } from './resolve-vars.js';
import { mergeScope } from './precedence.js';
import type { HostState, NodeScope, PlayCtx } from './state.js';

const groupsCache = new WeakMap<PlayCtx, Record<string, string[]>>();

function groupsOf(pc: PlayCtx): Record<string, string[]> {
  let groups = groupsCache.get(pc);
  if (!groups) {
    const { deps, opts } = pc.run;
    const inv = opts.inventory;
    groups = { all: [...inv.hosts.keys()] };
    for (const name of inv.groups.keys()) groups[name] = deps.matchHosts(inv, name);
    groupsCache.set(pc, groups);
  }
  return groups;
}

/** `ansible_version` as roles test it (`ansible_version.full is version('2.9', '>=')`): the ansible-core release whose dialect we speak. */
export const ANSIBLE_VERSION: Vars = { full: '2.14.0', major: 2, minor: 14, revision: 0, string: '2.14.0' };

/** The inventory source a host came from: Ansible's inventory_file / inventory_dir (the first source here). */
function inventorySource(pc: PlayCtx): { file?: string; dir?: string } {
  const src = pc.run.opts.inventory.sources.find((s) => s.startsWith('/') && !s.includes(','));
  if (!src) return {};
  try {
    return statSync(src).isDirectory() ? { file: src, dir: src } : { file: src, dir: dirname(src) };
  } catch {
    return {};
  }
}

export function magicVars(pc: PlayCtx, host: HostState, role: RoleInfo | undefined, roleStack: RoleInfo[] = []): Vars {
  const { deps, opts } = pc.run;
  const inv = opts.inventory;
  const groups = groupsOf(pc);
  const magic: Vars = {
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: deps.groupNames(inv, host.name).filter((g) => g !== 'all' && g !== 'ungrouped'),
    groups,
    hostvars: hostvarsView(pc),
    playbook_dir: pc.play.baseDir,
    ansible_play_hosts: pc.hosts.filter((h) => !pc.run.hosts.get(h)?.failed && !pc.run.hosts.get(h)?.unreachable),
    ansible_play_hosts_all: pc.hosts,
    ansible_play_name: pc.play.name,
    ansible_check_mode: opts.check,
    ansible_diff_mode: opts.diff,
    ansible_verbosity: opts.verbosity,
    ansible_run_tags: opts.tags.length ? opts.tags : ['all'],
    ansible_skip_tags: opts.skipTags,
    ansible_play_batch: pc.batch ?? pc.hosts,
    ansible_play_role_names: pc.play.roles.map((r) => r.name),
    ansible_role_names: pc.play.roles.map((r) => r.name),
    ansible_version: ANSIBLE_VERSION,
    ansible_config_file: opts.configFile ?? null,
  };
  const source = inventorySource(pc);
  if (source.file) {
    magic['inventory_file'] = source.file;
    magic['inventory_dir'] = source.dir;
  }
  if (role) {
    magic['role_name'] = role.name;
    magic['ansible_role_name'] = role.name;
    magic['role_path'] = role.path;
    // Most recent first, as Ansible lists them.
    magic['ansible_parent_role_names'] = roleStack.filter((r) => r !== role).map((r) => r.name).reverse();
    magic['ansible_parent_role_paths'] = roleStack.filter((r) => r !== role).map((r) => r.path).reverse();
  }
  return magic;
}

/**
 * hostvars[other]: another host's inventory vars and facts, computed only when looked up. The
 * implicit localhost is there once a play ran on it (as in Ansible), with the facts it set.
 */
function hostvarsView(pc: PlayCtx): Vars {
  const { deps, opts } = pc.run;
  const inv = opts.inventory;
  const known = (key: string | symbol): key is string => typeof key === 'string' && (inv.hosts.has(key) || pc.run.hosts.has(key));
  const lookup = (name: string): Vars => ({ ...deps.hostVars(inv, name), ...(pc.run.hosts.get(name)?.facts ?? {}), inventory_hostname: name });
  return new Proxy<Vars>(
    {},
    {
      get: (_t, key) => (known(key) ? lookup(key) : undefined),
      has: (_t, key) => known(key),
      ownKeys: () => [...new Set([...inv.hosts.keys(), ...pc.run.hosts.keys()])],
      getOwnPropertyDescriptor: (_t, key) => (known(key) ? { enumerable: true, configurable: true, value: lookup(key) } : undefined),
    },
  );
}

export function taskScope(pc: PlayCtx, host: HostState, scope: NodeScope, taskVars: Vars, extraLayer: Vars = {}): Vars {
  const { deps, opts } = pc.run;
  const role = scope.role;
  const magic = magicVars(pc, host, role, scope.roleStack);
  const merged = mergeScope({
    // As Ansible (private_role_vars off): every role of the play is visible play-wide; the task's own role wins.
    roleDefaults: Object.assign({}, ...pc.play.roles.map((r) => r.defaults), role?.defaults ?? {}),
    inventory: deps.hostVars(opts.inventory, host.name),
    play: pc.play,
    roleVars: Object.assign({}, ...pc.play.roles.map((r) => r.vars), role?.vars ?? {}),
    blockVars: scope.blockVars,
    taskVars: { ...taskVars, ...(scope.failure ?? {}) },
    facts: host.facts,
    extra: { ...pc.extra, ...extraLayer },
    magic,
  });
  return resolveVars(merged, deps.templater, new Set(Object.keys(magic)));
}
