// The with_* loops beyond with_items: each turns its rendered value into the list of items Ansible's
// lookup of the same name gives. Files (with_fileglob, with_first_found) are looked up on the
// controller, in the role's directories first, then the playbook's, as Ansible's search path does.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { LoopKind, RoleInfo } from '../types.js';
import { describe } from './loop.js';

export interface LoopLookupCtx {
  role?: RoleInfo;
  playbookDir: string;
  /** The task's module: decides the role subdirectory first_found searches (vars/, templates/, files/). */
  module: string;
}

export function expandLoop(value: unknown, kind: LoopKind, ctx: LoopLookupCtx): unknown[] {
  switch (kind) {
    case 'dict': return dictItems(value);
    case 'nested': return nested(lists('with_nested', value));
    case 'together': return together(lists('with_together', value));
    case 'indexed_items': return asList('with_indexed_items', value).flatMap((v) => (Array.isArray(v) ? v : [v])).map((v, i) => [i, v]);
    case 'fileglob': return asList('with_fileglob', value).flatMap((p) => fileglob(String(p), ctx));
    case 'first_found': return firstFound(value, ctx);
    case 'sequence': return asList('with_sequence', value).flatMap((s) => sequence(String(s)));
    case 'subelements': return subelements(value);
    case 'list': return asList('with_list', value);
    case 'random_choice': {
      const list = asList('with_random_choice', value);
      return list.length ? [list[Math.floor(Math.random() * list.length)]] : [];
    }
  }
}

function asList(what: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' || typeof v === 'number') return [v];
  throw new Error(`${what} expects a list, got ${describe(v)}`);
}

function lists(what: string, v: unknown): unknown[][] {
  const outer = asList(what, v);
  return outer.map((l) => {
    if (!Array.isArray(l)) throw new Error(`${what} expects a list of lists, got ${describe(l)} among them`);
    return l;
  });
}

/** with_dict: a dict's {key, value} pairs; a list of dicts gives the pairs of each in turn. */
function dictItems(v: unknown): unknown[] {
  const dicts = Array.isArray(v) ? v : [v];
  return dicts.flatMap((d) => {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new Error(`with_dict expects a dict, got ${describe(d)}`);
    return Object.entries(d).map(([key, value]) => ({ key, value }));
  });
}

function nested(ls: unknown[][]): unknown[] {
  let out: unknown[][] = [[]];
  for (const l of ls) out = out.flatMap((prefix) => l.map((x) => [...prefix, x]));
  return ls.length ? out : [];
}

/** with_together: zipped, the shorter lists padded with null (Python's zip_longest). */
function together(ls: unknown[][]): unknown[] {
  const n = Math.max(0, ...ls.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => ls.map((l) => (i < l.length ? l[i] : null)));
}

function searchDirs(ctx: LoopLookupCtx, subdir: string): string[] {
  const dirs: string[] = [];
  if (ctx.role) dirs.push(join(ctx.role.path, subdir), ctx.role.path);
  dirs.push(join(ctx.playbookDir, subdir), ctx.playbookDir);
  return dirs;
}

function globRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** with_fileglob: files (not directories) matching the pattern's last part, in the first search dir holding its directory. */
function fileglob(pattern: string, ctx: LoopLookupCtx): string[] {
  const dirPart = dirname(pattern);
  const candidates = isAbsolute(pattern) ? [dirPart] : searchDirs(ctx, 'files').map((d) => resolve(d, dirPart));
  const dir = candidates.find((d) => existsSync(d) && statSync(d).isDirectory());
  if (!dir) return [];
  const re = globRegex(basename(pattern));
  return readdirSync(dir)
    .filter((f) => re.test(f) && !f.startsWith('.'))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .sort();
}

function subdirFor(module: string): string {
  if (module === 'template') return 'templates';
  if (module === 'include_vars') return 'vars';
  if (module === 'include_tasks' || module === 'import_tasks') return 'tasks';
  return 'files';
}

const splitNames = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(/[,;]/) : [])).map((s) => s.trim()).filter((s) => s !== '');

/** with_first_found: the first file that exists, as a one-item list; none is an error unless skip: true. */
function firstFound(value: unknown, ctx: LoopLookupCtx): unknown[] {
  const terms = Array.isArray(value) ? value : [value];
  const candidates: string[] = [];
  let skip = false;
  for (const term of terms) {
    if (typeof term === 'string') candidates.push(term);
    else if (term !== null && typeof term === 'object') {
      const t = term as Record<string, unknown>;
      const files = splitNames(t['files']);
      const paths = splitNames(t['paths']);
      skip ||= t['skip'] === true;
      if (paths.length === 0) candidates.push(...files);
      else for (const p of paths) for (const f of files) candidates.push(join(p, f));
    } else throw new Error(`with_first_found expects file names or {files, paths, skip} mappings, got ${describe(term)}`);
  }
  const dirs = searchDirs(ctx, subdirFor(ctx.module));
  for (const c of candidates) {
    if (isAbsolute(c)) {
      if (existsSync(c)) return [c];
      continue;
    }
    for (const d of dirs) {
      const p = resolve(d, c);
      if (existsSync(p)) return [p];
    }
  }
  if (skip) return [];
  throw new Error(`No file was found when using first_found (tried ${candidates.join(', ') || 'nothing'})`);
}

/** with_sequence: `start=1 end=5 stride=1 format=%02d`, `count=3`, or the short `1-5/2:host%02d`. Items are strings. */
export function sequence(spec: string): string[] {
  const o: Record<string, string> = {};
  const short = /^\s*(?:(0x[0-9a-f]+|0o?[0-7]+|\d+)-)?(0x[0-9a-f]+|0o?[0-7]+|\d+)(?:\/(\d+))?(?::(.+))?\s*$/i.exec(spec);
  if (short && !spec.includes('=')) {
    if (short[1] !== undefined) o['start'] = short[1];
    o['end'] = short[2];
    if (short[3] !== undefined) o['stride'] = short[3];
    if (short[4] !== undefined) o['format'] = short[4];
  } else {
    for (const part of spec.trim().split(/\s+/)) {
      const m = /^(start|end|count|stride|format)=(.*)$/.exec(part);
      if (!m) throw new Error(`with_sequence: cannot read '${part}' (expected start=, end=, count=, stride=, format=)`);
      o[m[1]] = m[2];
    }
  }
  const num = (k: string, dflt: number): number => {
    const v = o[k];
    if (v === undefined) return dflt;
    const n = Number(v.toLowerCase().startsWith('0o') ? parseInt(v.slice(2), 8) : v);
    if (!Number.isInteger(n)) throw new Error(`with_sequence: ${k}=${v} is not a whole number`);
    return n;
  };
  const start = num('start', 1);
  const stride = num('stride', 1);
  if (o['count'] !== undefined && o['end'] !== undefined) throw new Error('with_sequence: count and end cannot both be given');
  const end = o['count'] !== undefined ? start + (num('count', 0) - 1) * stride : num('end', NaN);
  if (Number.isNaN(end)) throw new Error('with_sequence: give end= or count=');
  if (stride === 0) return [];
  const format = o['format'] ?? '%d';
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(printfInt(format, i));
  return out;
}

/** The %d / %0Nd / %x / %o / %s forms with_sequence formats use. */
function printfInt(format: string, n: number): string {
  return format.replace(/%(0?)(\d*)([dixXos%])/g, (_m, zero: string, width: string, conv: string) => {
    if (conv === '%') return '%';
    let s = conv === 'x' ? n.toString(16) : conv === 'X' ? n.toString(16).toUpperCase() : conv === 'o' ? n.toString(8) : String(n);
    const w = Number(width || 0);
    if (s.length < w) s = (zero ? '0' : ' ').repeat(w - s.length) + s;
    return s;
  });
}

/** with_subelements: [list or dict, 'key' (dotted path), {skip_missing}] → [element, sub-item] pairs. */
function subelements(value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3 || typeof value[1] !== 'string') {
    throw new Error('with_subelements expects [list, "key"] or [list, "key", {skip_missing: true}]');
  }
  const [source, key, flags] = value as [unknown, string, unknown];
  const skipMissing = flags !== null && typeof flags === 'object' && (flags as Record<string, unknown>)['skip_missing'] === true;
  const elements = Array.isArray(source) ? source : source !== null && typeof source === 'object' ? Object.values(source) : undefined;
  if (!elements) throw new Error(`with_subelements: the first term must be a list or a dict, got ${describe(source)}`);
  const out: unknown[] = [];
  for (const el of elements) {
    let sub: unknown = el;
    for (const part of key.split('.')) {
      sub = sub !== null && typeof sub === 'object' && !Array.isArray(sub) ? (sub as Record<string, unknown>)[part] : undefined;
      if (sub === undefined) break;
    }
    if (sub === undefined) {
      if (skipMissing) continue;
      throw new Error(`with_subelements: could not find '${key}' in ${JSON.stringify(el)}`);
    }
    if (!Array.isArray(sub)) throw new Error(`with_subelements: '${key}' should point to a list, got ${describe(sub)}`);
    for (const s of sub) out.push([el, s]);
  }
  return out;
}
