// YAML inventory: `all:` (or any group) with `hosts`, `vars` and `children`, nested; host names may be
// ranges. A file whose top level has `plugin:` is passed to a registered inventory source.
import { isMap, isScalar, LineCounter, parseDocument, type Node as YNode, type Pair, type YAMLMap } from 'yaml';
import { vaultTag } from '../vault/index.js';
import type { SourcePos, Vars } from '../types.js';
import type { InventoryBuilder } from './inventory-build.js';
import { inventorySource, inventorySourceNames } from './inventory-sources.js';
import { expandHostRange, splitHostPort } from './inventory-text.js';

const GROUP_KEYS = new Set(['hosts', 'vars', 'children']);

interface Ctx {
  file: string;
  lc: LineCounter;
  b: InventoryBuilder;
}

function posOf(ctx: Ctx, node: unknown): SourcePos {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  const p = range ? ctx.lc.linePos(range[0]) : { line: 1, col: 1 };
  return { file: ctx.file, line: p.line, col: p.col };
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function toVars(ctx: Ctx, node: unknown, what: string): Vars {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) {
    ctx.b.error(posOf(ctx, node), `${what} must be a mapping`);
    return {};
  }
  return node.toJSON() as Vars;
}

function parseGroup(ctx: Ctx, name: string, node: unknown, pos: SourcePos): void {
  ctx.b.group(name);
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    ctx.b.error(pos, `group '${name}' must be a mapping with hosts, vars or children`);
    return;
  }
  for (const pair of (node as YAMLMap).items) {
    const key = keyOf(pair);
    const at = posOf(ctx, pair.key);
    if (!GROUP_KEYS.has(key)) {
      ctx.b.error(at, `unknown key '${key}' in group '${name}' (expected hosts, vars or children)`);
    } else if (key === 'vars') {
      ctx.b.setGroupVars(name, toVars(ctx, pair.value, `vars of group '${name}'`));
    } else if (key === 'hosts') {
      parseHosts(ctx, name, pair.value as YNode | null);
    } else {
      parseChildren(ctx, name, pair.value as YNode | null, at);
    }
  }
}

function parseHosts(ctx: Ctx, group: string, node: YNode | null): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    ctx.b.error(posOf(ctx, node), `hosts of group '${group}' must be a mapping of host names`);
    return;
  }
  for (const pair of node.items) {
    const at = posOf(ctx, pair.key);
    const vars = toVars(ctx, pair.value, `vars of host '${keyOf(pair)}'`);
    const { name, port } = splitHostPort(keyOf(pair));
    if (port !== undefined) vars.ansible_port = port;
    let names: string[];
    try {
      names = expandHostRange(name);
    } catch (e) {
      ctx.b.error(at, (e as Error).message);
      continue;
    }
    for (const n of names) ctx.b.addHost(n, group, { ...vars }, at);
  }
}

function parseChildren(ctx: Ctx, parent: string, node: YNode | null, pos: SourcePos): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    ctx.b.error(pos, `children of group '${parent}' must be a mapping of group names`);
    return;
  }
  for (const pair of node.items) {
    const child = keyOf(pair);
    const at = posOf(ctx, pair.key);
    ctx.b.addChild(parent, child, at);
    parseGroup(ctx, child, pair.value, at);
  }
}

function runPlugin(ctx: Ctx, root: YAMLMap): void {
  const config = root.toJSON() as Vars;
  const name = String(config.plugin);
  const pos = posOf(ctx, root.items.find((p) => keyOf(p) === 'plugin')?.value);
  const fn = inventorySource(name);
  if (!fn) {
    const known = inventorySourceNames();
    ctx.b.error(pos, `unknown inventory plugin '${name}'${known.length ? ` (registered: ${known.join(', ')})` : ''}`);
    return;
  }
  delete config.plugin;
  let result;
  try {
    result = fn(config, ctx.b.inv);
  } catch (e) {
    ctx.b.error(pos, `inventory plugin '${name}' failed: ${(e as Error).message}`);
    return;
  }
  for (const [host, vars] of Object.entries(result.hosts ?? {})) ctx.b.addHost(host, 'ungrouped', vars, pos);
  for (const [group, def] of Object.entries(result.groups ?? {})) {
    ctx.b.group(group);
    ctx.b.setGroupVars(group, def.vars ?? {});
    for (const h of def.hosts ?? []) ctx.b.addHost(h, group, {}, pos);
    for (const c of def.children ?? []) ctx.b.addChild(group, c, pos);
  }
}

/** True when YAML text looks like an inventory (a mapping of groups, or a plugin config). */
export function looksLikeYamlInventory(text: string): boolean {
  try {
    const doc = parseDocument(text, { version: '1.1' });
    if (doc.errors.length || !isMap(doc.contents)) return false;
    return doc.contents.items.every((p) => keyOf(p) === 'plugin' || p.value === null || isMap(p.value));
  } catch {
    return false;
  }
}

export function parseYamlInventory(file: string, text: string, b: InventoryBuilder): void {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, version: '1.1', uniqueKeys: true, customTags: [vaultTag] });
  const ctx: Ctx = { file, lc, b };
  if (doc.errors.length) {
    for (const err of doc.errors) {
      const p = lc.linePos(err.pos[0]);
      b.error({ file, line: p.line, col: p.col }, err.message.split('\n')[0]);
    }
    return;
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return;
  if (!isMap(root)) {
    b.error(posOf(ctx, root), 'a YAML inventory must be a mapping of groups (usually starting with all:)');
    return;
  }
  if (root.items.some((p) => keyOf(p) === 'plugin')) {
    runPlugin(ctx, root);
    return;
  }
  for (const pair of root.items) {
    const name = keyOf(pair);
    parseGroup(ctx, name, pair.value, posOf(ctx, pair.key));
  }
}
