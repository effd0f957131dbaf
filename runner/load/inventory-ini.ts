// Ansible's INI inventory: [group], [group:vars], [group:children], inline `host k=v` vars (Python
// literals), ranges `web[01:10]`, `host:port`; hosts before any section belong to `ungrouped`.
import type { SourcePos, Vars } from '../types.js';
import type { InventoryBuilder } from './inventory-build.js';
import { expandHostRange, parseIniValue, shlexSplit, splitHostPort } from './inventory-text.js';

type SectionKind = 'hosts' | 'vars' | 'children';

export function parseIniInventory(file: string, text: string, b: InventoryBuilder): void {
  let group = 'ungrouped';
  let kind: SectionKind = 'hosts';
  // Children are resolved at the end: a [g:children] section may name a group defined further down.
  const pendingChildren: { parent: string; child: string; pos: SourcePos }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const pos: SourcePos = { file, line: idx + 1, col: 1 };
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([^\]:\s]+)(?::(\w+))?\]\s*([#;].*)?$/.exec(line);
    if (section) {
      group = section[1];
      const tag = section[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'vars' && tag !== 'children') {
        b.error(pos, `section [${group}:${tag}] has an unknown tag '${tag}' (expected vars or children)`);
        kind = 'hosts';
        return;
      }
      kind = tag;
      b.group(group);
      return;
    }
    if (line.startsWith('[')) {
      b.error(pos, `invalid section header '${line}'`);
      return;
    }
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        b.error(pos, `expected key=value in [${group}:vars], got: ${line}`);
        return;
      }
      b.setGroupVars(group, { [line.slice(0, eq).trim()]: parseIniValue(line.slice(eq + 1).trim()) });
    } else if (kind === 'children') {
      const child = shlexSafe(line, pos, b)?.[0];
      if (child) pendingChildren.push({ parent: group, child, pos });
    } else {
      parseHostLine(line, group, pos, b);
    }
  });
  for (const { parent, child, pos } of pendingChildren) b.addChild(parent, child, pos);
}

function shlexSafe(line: string, pos: SourcePos, b: InventoryBuilder): string[] | undefined {
  try {
    return shlexSplit(line);
  } catch (e) {
    b.error(pos, `cannot parse '${line}': ${(e as Error).message}`);
    return undefined;
  }
}

function parseHostLine(line: string, group: string, pos: SourcePos, b: InventoryBuilder): void {
  const tokens = shlexSafe(line, pos, b);
  if (!tokens || tokens.length === 0) return;
  const [pattern, ...assignments] = tokens;
  const vars: Vars = {};
  for (const t of assignments) {
    const eq = t.indexOf('=');
    if (eq <= 0) {
      b.error(pos, `expected key=value host variable assignment, got: ${t}`);
      return;
    }
    vars[t.slice(0, eq)] = parseIniValue(t.slice(eq + 1));
  }
  if (pattern.endsWith(':')) {
    b.error(pos, `invalid host pattern '${pattern}': a trailing ':' must be followed by a port`);
    return;
  }
  const { name, port } = splitHostPort(pattern);
  let names: string[];
  try {
    names = expandHostRange(name);
  } catch (e) {
    b.error(pos, (e as Error).message);
    return;
  }
  if (port !== undefined) vars.ansible_port = port;
  for (const n of names) b.addHost(n, group, { ...vars }, pos);
}
