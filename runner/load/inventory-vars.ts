// group_vars/ and host_vars/ directories: `<name>`, `<name>.yml|.yaml|.json`, or a `<name>/` directory
// of such files (merged in name order), as Ansible's host_group_vars plugin reads them.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { readMaybeVaulted } from '../vault/index.js';
import { pyyamlTags } from './yaml.js';
import type { Diagnostic, Vars } from '../types.js';

const VAR_EXTS = new Set(['', '.yml', '.yaml', '.json']);

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Reads one vars file: a YAML/JSON mapping. Problems become diagnostics with file:line. */
export function readVarsFile(file: string, diags: Diagnostic[]): Vars {
  let text: string;
  try {
    text = readMaybeVaulted(file);
  } catch (e) {
    diags.push({ pos: { file, line: 1, col: 1 }, message: `cannot read ${file}: ${(e as Error).message}` });
    return {};
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, version: '1.1', merge: true, customTags: pyyamlTags });
  if (doc.errors.length) {
    for (const err of doc.errors) {
      const p = lc.linePos(err.pos[0]);
      diags.push({ pos: { file, line: p.line, col: p.col }, message: err.message.split('\n')[0] });
    }
    return {};
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) {
    const range = (doc.contents as { range?: [number, number, number] }).range;
    const p = lc.linePos(range?.[0] ?? 0);
    diags.push({ pos: { file, line: p.line, col: p.col }, message: 'a vars file must be a mapping of variable names to values' });
    return {};
  }
  return doc.toJS() as Vars;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.endsWith('~'))
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (isDir(p)) return filesUnder(p);
      return VAR_EXTS.has(extname(n)) ? [p] : [];
    });
}

/** The vars for `name` in a group_vars/ or host_vars/ directory, or undefined when it has none. */
export function readEntityVars(dir: string, name: string, diags: Diagnostic[]): Vars | undefined {
  const found: string[] = [];
  for (const ext of VAR_EXTS) {
    const p = join(dir, name + ext);
    if (isFile(p)) found.push(p);
  }
  const sub = join(dir, name);
  if (isDir(sub)) found.push(...filesUnder(sub));
  if (found.length === 0) return undefined;
  const out: Vars = {};
  for (const f of found) Object.assign(out, readVarsFile(f, diags));
  return out;
}

/** group_vars/ and host_vars/ of one directory, for the groups and hosts the inventory has. */
export function readVarDirs(base: string, groups: Iterable<string>, hosts: Iterable<string>, diags: Diagnostic[]): { groups: Map<string, Vars>; hosts: Map<string, Vars> } {
  const out = { groups: new Map<string, Vars>(), hosts: new Map<string, Vars>() };
  const gdir = join(base, 'group_vars');
  const hdir = join(base, 'host_vars');
  if (existsSync(gdir)) for (const g of groups) {
    const v = readEntityVars(gdir, g, diags);
    if (v) out.groups.set(g, v);
  }
  if (existsSync(hdir)) for (const h of hosts) {
    const v = readEntityVars(hdir, h, diags);
    if (v) out.hosts.set(h, v);
  }
  return out;
}
