// The `osm_containers` inventory source: the customer containers of the OSM hosts, each reached
// through its host with the `lxc` connection, so provisioning needs no hand-written hosts file.
//
//   # inventory/containers.yml
//   plugin: osm_containers
//   hosts_group: osm_hosts        # default
//   group: osm_containers         # default
//
// A container is a directory under {{ osm_lxc_root | default('/srv/osm-lxc/lxc') }}/containers
// holding an lxc.container.conf. Inventory loading is synchronous, so the registered source lists only
// hosts it can read without a connection (local ones); `discoverContainers` does every host through
// its connection and is what the CLI calls (async) for a `plugin: osm_containers` source.
import { readdirSync, existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { InventorySourceFn, InventorySourceResult } from '../../runner/load/inventory.js';
import { groupHosts } from '../../runner/load/host-patterns.js';
import { hostVars } from '../../runner/load/inventory.js';
import type { Connection } from '../../runner/connection/types.js';
import type { Inventory, Vars } from '../../runner/types.js';
import { CONTAINER_NAME, PARENT_CONNECTION_VARS } from '../connections/lxc-names.js';

export const DEFAULT_LXC_ROOT = '/srv/osm-lxc/lxc';
const CONF = 'lxc.container.conf';

export interface OsmContainersConfig {
  hosts_group?: string;
  group?: string;
}

function settings(config: Vars): { hostsGroup: string; group: string } {
  const str = (k: string, d: string): string => (typeof config[k] === 'string' && config[k] !== '' ? String(config[k]) : d);
  return { hostsGroup: str('hosts_group', 'osm_hosts'), group: str('group', 'osm_containers') };
}

/** The LXC root of an OSM host: its osm_lxc_root when it is a plain path (not a template), else the default. */
export function lxcRootOf(vars: Vars): string {
  const v = vars['osm_lxc_root'];
  return typeof v === 'string' && v.startsWith('/') && !v.includes('{{') ? v : DEFAULT_LXC_ROOT;
}

/**
 * Pure: the inventory entries for the config files found on one OSM host. `confPaths` are paths of
 * lxc.container.conf files (as `find` prints them); names that are not valid container names are skipped.
 */
export function containersFromListing(
  osmHost: string,
  root: string,
  confPaths: string[],
  group = 'osm_containers',
  parentVars: Vars = {},
): InventorySourceResult {
  const connectionVars = Object.fromEntries(Object.entries(parentVars).filter(([k]) => PARENT_CONNECTION_VARS.test(k)));
  const hosts: Record<string, Vars> = {};
  const prefix = `${posix.join(root, 'containers')}/`;
  for (const p of confPaths.map((l) => l.trim()).filter((l) => l !== '')) {
    if (!p.startsWith(prefix) || posix.basename(p) !== CONF) continue;
    const name = p.slice(prefix.length, -CONF.length - 1);
    if (name.includes('/') || !CONTAINER_NAME.test(name)) continue;
    hosts[name] = {
      ansible_connection: 'lxc',
      ansible_lxc_host: osmHost,
      ansible_lxc_name: name,
      ...(Object.keys(connectionVars).length ? { ansible_lxc_host_vars: connectionVars } : {}),
      osm_container_config: p,
      osm_container_dir: posix.dirname(p),
    };
  }
  return { hosts, groups: { [group]: { hosts: Object.keys(hosts).sort() } } };
}

function mergeResults(results: InventorySourceResult[], group: string): InventorySourceResult {
  const hosts: Record<string, Vars> = {};
  for (const r of results) {
    for (const [name, vars] of Object.entries(r.hosts ?? {})) {
      const other = hosts[name];
      if (other && other.ansible_lxc_host !== vars.ansible_lxc_host) {
        throw new Error(`container '${name}' exists on both ${String(other.ansible_lxc_host)} and ${String(vars.ansible_lxc_host)}`);
      }
      hosts[name] = vars;
    }
  }
  return { hosts, groups: { [group]: { hosts: Object.keys(hosts).sort() } } };
}

/** Lists a host's container configs through its connection (`find`, argv only). */
async function listConfs(conn: Connection, root: string): Promise<string[]> {
  const dir = posix.join(root, 'containers');
  const r = await conn.exec({ argv: ['find', dir, '-mindepth', '2', '-maxdepth', '2', '-type', 'f', '-name', CONF] });
  if (r.exitCode !== 0) {
    const st = await conn.stat(dir);
    if (!st) return [];
    throw new Error(`listing ${dir} on ${conn.host} failed (rc ${r.exitCode}): ${r.stderr.trim()}`);
  }
  return r.stdout.split('\n');
}

/**
 * Every OSM host's containers, read through the host's connection. `connect` should hand out the
 * executor's connection for the host (one per host for the whole run).
 */
export async function discoverContainers(
  inv: Inventory,
  opts: { config?: Vars; connect: (host: string) => Promise<Connection> },
): Promise<InventorySourceResult> {
  const { hostsGroup, group } = settings(opts.config ?? {});
  const results = await Promise.all(
    groupHosts(inv, hostsGroup).map(async (h) => {
      const vars = hostVars(inv, h);
      const root = lxcRootOf(vars);
      return containersFromListing(h, root, await listConfs(await opts.connect(h), root), group, vars);
    }),
  );
  return mergeResults(results, group);
}

/** Adds discovered containers to a loaded inventory (hosts, their group, the group under `all`). */
export function addDiscovered(inv: Inventory, result: InventorySourceResult): void {
  for (const [name, vars] of Object.entries(result.hosts ?? {})) {
    const h = inv.hosts.get(name);
    if (h) Object.assign(h.vars, vars);
    else inv.hosts.set(name, { name, vars: { ...vars } });
    inv.groups.get('ungrouped')?.hosts.delete(name);
  }
  for (const [gname, def] of Object.entries(result.groups ?? {})) {
    let g = inv.groups.get(gname);
    if (!g) {
      g = { name: gname, hosts: new Set(), children: new Set(), vars: {} };
      inv.groups.set(gname, g);
      inv.groups.get('all')?.children.add(gname);
    }
    for (const h of def.hosts ?? []) g.hosts.add(h);
    Object.assign(g.vars, def.vars ?? {});
  }
}

const CONTROLLER = new Set(['localhost', '127.0.0.1', '::1']);

/** While loading: a host is read directly only when it is this machine. */
function isLocal(inv: Inventory, host: string): boolean {
  const direct = inv.hosts.get(host)?.vars['ansible_connection'];
  if (direct !== undefined) return direct === 'local';
  for (const g of inv.groups.values()) {
    if (g.hosts.has(host) && g.vars['ansible_connection'] !== undefined) return g.vars['ansible_connection'] === 'local';
  }
  return CONTROLLER.has(host);
}

function listLocally(root: string): string[] {
  const dir = posix.join(root, 'containers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(posix.join(dir, d.name, CONF)))
    .map((d) => posix.join(dir, d.name, CONF));
}

/** The synchronous source behind `plugin: osm_containers` (registered by modules/builtins.ts). */
export const osmContainersSource: InventorySourceFn = (config, soFar) => {
  const { hostsGroup, group } = settings(config);
  const results = groupHosts(soFar, hostsGroup)
    .filter((h) => isLocal(soFar, h))
    .map((h) => {
      const vars = { ...soFar.groups.get(hostsGroup)?.vars, ...soFar.hosts.get(h)?.vars };
      const root = lxcRootOf(vars);
      return containersFromListing(h, root, listLocally(root), group, { ...vars, ansible_connection: 'local' });
    });
  return mergeResults(results, group);
};
