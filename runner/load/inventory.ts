// Loads inventories (INI, YAML, directories of them, `-i a,b,` lists, plugin sources) with their
// group_vars/ and host_vars/, and answers per-host questions: merged vars, group names, patterns.
//
// Variable order for one host, lowest first (Ansible's, with hash_behaviour=replace):
//   inventory-file group vars (all, then parents before children, then by name)
//   < group_vars/all (inventory dir, then playbook dir) < group_vars/<group> (same order)
//   < inventory-file host vars < host_vars/<host> (inventory dir, then playbook dir)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { Diagnostic, Inventory, Vars } from '../types.js';
import { LoadError } from './errors.js';
import { InventoryBuilder } from './inventory-build.js';
import { parseIniInventory } from './inventory-ini.js';
import { readVarDirs } from './inventory-vars.js';
import { looksLikeYamlInventory, parseYamlInventory } from './inventory-yaml.js';
import { IMPLICIT_LOCALHOST } from './host-patterns.js';
import { splitHostPort } from './inventory-text.js';

export { matchHosts, unmatchedTerms, groupHosts } from './host-patterns.js';
export { registerInventorySource, type InventorySourceFn, type InventorySourceResult } from './inventory-sources.js';

/** group_vars/ read beside the inventory and beside the playbook; kept apart for the precedence above. */
interface GroupVarLayers {
  inventory: Map<string, Vars>[];
  playbook: Map<string, Vars>[];
  /** host_vars/localhost etc. for the implicit localhost, which is not in inv.hosts. */
  implicit: Map<string, Vars>;
}

const layers = new WeakMap<Inventory, GroupVarLayers>();

function layersOf(inv: Inventory): GroupVarLayers {
  let l = layers.get(inv);
  if (!l) {
    l = { inventory: [], playbook: [], implicit: new Map() };
    layers.set(inv, l);
  }
  return l;
}

// Unlike Ansible (whose default ignore list also has .ini), every other file in a directory is read.
const SKIP_IN_DIR = /(^\.|~$|\.md$|\.orig$|\.bak$|\.retry$|\.pyc$|\.cfg$)/;

function inventoryFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !SKIP_IN_DIR.test(n) && n !== 'group_vars' && n !== 'host_vars')
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? inventoryFiles(p) : [p];
    });
}

function parseFile(file: string, b: InventoryBuilder): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    b.error({ file, line: 1, col: 1 }, `cannot read inventory ${file}: ${(e as Error).message}`);
    return;
  }
  const ext = extname(file).toLowerCase();
  const firstLine = text.split('\n').find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l)) ?? '';
  if (ext === '.yml' || ext === '.yaml' || ext === '.json' || (!firstLine.trim().startsWith('[') && looksLikeYamlInventory(text))) {
    parseYamlInventory(file, text, b);
  } else {
    parseIniInventory(file, text, b);
  }
}

/**
 * Reads inventory sources: files (INI or YAML), directories of them, or comma lists (`a,b,` / `host,`).
 * Relative paths resolve against `baseDir` (default: the working directory). Throws LoadError.
 */
export function loadInventory(sources: string[], baseDir?: string): Inventory {
  const b = new InventoryBuilder();
  const varDirs: string[] = [];
  for (const source of sources) {
    const path = resolve(baseDir ?? process.cwd(), source);
    if (source.includes(',') && !existsSync(path)) {
      for (const item of source.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const { name, port } = splitHostPort(item);
        b.addHost(name, 'ungrouped', port === undefined ? {} : { ansible_port: port }, { file: '<-i list>', line: 1, col: 1 });
      }
      b.inv.sources.push(source);
      continue;
    }
    if (!existsSync(path)) {
      b.error({ file: source, line: 1, col: 1 }, `inventory source '${source}' not found (looked for ${path})`);
      continue;
    }
    b.inv.sources.push(path);
    if (statSync(path).isDirectory()) {
      for (const f of inventoryFiles(path)) parseFile(f, b);
      varDirs.push(path);
    } else {
      parseFile(path, b);
      varDirs.push(dirname(path));
    }
  }
  const inv = b.finish();
  const diags = [...b.diags];
  for (const dir of [...new Set(varDirs)]) addVarDir(inv, dir, 'inventory', diags);
  if (diags.length) throw new LoadError(diags);
  return inv;
}

function addVarDir(inv: Inventory, dir: string, level: 'inventory' | 'playbook', diags: Diagnostic[]): void {
  const implicit = [...IMPLICIT_LOCALHOST].filter((h) => !inv.hosts.has(h));
  const found = readVarDirs(dir, inv.groups.keys(), [...inv.hosts.keys(), ...implicit], diags);
  const l = layersOf(inv);
  l[level].push(found.groups);
  for (const [host, vars] of found.hosts) {
    const h = inv.hosts.get(host);
    if (h) Object.assign(h.vars, vars);
    else l.implicit.set(host, { ...l.implicit.get(host), ...vars });
  }
  for (const [host, vars] of found.hosts) {
    if (vars.ansible_host === '') diags.push({ pos: { file: join(dir, 'host_vars', host), line: 1, col: 1 }, message: `host '${host}' has an empty ansible_host` });
  }
}

/**
 * Reads group_vars/ and host_vars/ beside the playbook (they override the inventory's). Call once per
 * playbook directory after loadInventory. Throws LoadError on unreadable or malformed files.
 */
export function playbookVarDirs(inv: Inventory, playbookDir: string): void {
  const diags: Diagnostic[] = [];
  const dir = resolve(playbookDir);
  if (inv.sources.some((s) => s === dir || (existsSync(s) && statSync(s).isFile() && dirname(s) === dir))) return;
  addVarDir(inv, dir, 'playbook', diags);
  if (diags.length) throw new LoadError(diags);
}

/** Groups a host is in, directly or through children, including `all`. */
function groupsOf(inv: Inventory, host: string): string[] {
  const direct = [...inv.groups.values()].filter((g) => g.hosts.has(host)).map((g) => g.name);
  const out = new Set<string>(['all']);
  const addWithParents = (name: string): void => {
    if (out.has(name) && name !== 'all') return;
    out.add(name);
    for (const g of inv.groups.values()) if (g.children.has(name)) addWithParents(g.name);
  };
  for (const d of direct) addWithParents(d);
  return [...out];
}

/** Distance from `all` along the longest parent chain: parents sort before their children. */
function depthOf(inv: Inventory, name: string, seen = new Set<string>()): number {
  if (name === 'all' || seen.has(name)) return 0;
  seen.add(name);
  let d = 1;
  for (const g of inv.groups.values()) if (g.children.has(name) && g.name !== 'all') d = Math.max(d, depthOf(inv, g.name, seen) + 1);
  seen.delete(name);
  return d;
}

function sortedGroups(inv: Inventory, host: string): string[] {
  return groupsOf(inv, host)
    .map((name) => ({ name, depth: depthOf(inv, name) }))
    .sort((a, b) => a.depth - b.depth || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((g) => g.name);
}

/** `group_names`: every group of the host (through children) except `all`, sorted. */
export function groupNames(inv: Inventory, host: string): string[] {
  if (!inv.hosts.has(host)) return [];
  return groupsOf(inv, host)
    .filter((g) => g !== 'all')
    .sort();
}

/** The host's inventory vars merged in Ansible's order (see the top of this file), plus the magic names. */
export function hostVars(inv: Inventory, host: string): Vars {
  const l = layersOf(inv);
  const out: Vars = {};
  const known = inv.hosts.get(host);
  const groups = known ? sortedGroups(inv, host) : ['all'];
  for (const g of groups) Object.assign(out, inv.groups.get(g)?.vars);
  for (const level of [l.inventory, l.playbook]) for (const m of level) Object.assign(out, m.get('all'));
  for (const g of groups.filter((x) => x !== 'all')) for (const level of [l.inventory, l.playbook]) for (const m of level) Object.assign(out, m.get(g));
  if (known) Object.assign(out, known.vars);
  else if (IMPLICIT_LOCALHOST.has(host)) Object.assign(out, { ansible_connection: 'local' }, l.implicit.get(host));
  out.inventory_hostname = host;
  out.inventory_hostname_short = host.split('.')[0];
  out.group_names = groupNames(inv, host);
  return out;
}
