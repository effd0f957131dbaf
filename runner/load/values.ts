// Typed reads of YAML values with diagnostics: "`retries` must be a number or a template, got a list".
import { isMap, isScalar, isSeq } from 'yaml';
import type { Diagnostic, Vars } from '../types.js';
import { kindOf, plain, posOf, type Entry, type YamlSource, type YNode } from './yaml.js';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isVarName(s: string): boolean {
  return VAR_NAME.test(s);
}

export function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(isTemplated);
  if (value !== null && typeof value === 'object') return Object.values(value).some(isTemplated);
  return false;
}

function scalarValue(e: Entry): unknown {
  return isScalar(e.value) ? e.value.value : undefined;
}

export function readString(src: YamlSource, e: Entry, diags: Diagnostic[]): string | undefined {
  const v = scalarValue(e);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  diags.push({ pos: e.valuePos, message: `'${e.key}' must be a string, got ${kindOf(e.value)}` });
  return undefined;
}

/** A boolean, or a template string deciding it at run time (`ignore_errors: "{{ x }}"`). */
export function readBoolish(src: YamlSource, e: Entry, diags: Diagnostic[]): boolean | string | undefined {
  const v = scalarValue(e);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && isTemplated(v)) return v;
  diags.push({ pos: e.valuePos, message: `'${e.key}' must be true or false (or a template), got ${describe(e)}` });
  return undefined;
}

export function readBool(src: YamlSource, e: Entry, diags: Diagnostic[]): boolean | undefined {
  const v = scalarValue(e);
  if (typeof v === 'boolean') return v;
  diags.push({ pos: e.valuePos, message: `'${e.key}' must be true or false, got ${describe(e)}` });
  return undefined;
}

export function readNumberish(src: YamlSource, e: Entry, diags: Diagnostic[]): number | string | undefined {
  const v = scalarValue(e);
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string' && isTemplated(v)) return v;
  diags.push({ pos: e.valuePos, message: `'${e.key}' must be a non-negative number (or a template), got ${describe(e)}` });
  return undefined;
}

/**
 * A condition list (`when`, `failed_when`, `changed_when`): a string, a boolean or a list of them.
 * Booleans become the Jinja2 literals `true`/`false`.
 */
export function readConditions(src: YamlSource, e: Entry, diags: Diagnostic[]): string[] {
  const one = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return String(v);
    return undefined;
  };
  const values = isSeq(e.value) ? e.value.items.map((n) => (isScalar(n) ? n.value : n)) : [scalarValue(e)];
  const out: string[] = [];
  for (const v of values) {
    const s = one(v);
    if (s === undefined) {
      diags.push({ pos: e.valuePos, message: `'${e.key}' must be a condition string or a list of them, got ${describe(e)}` });
      return [];
    }
    out.push(s);
  }
  return out;
}

/** A string or a list of strings (`tags`, `notify`, `listen`); `tags: a,b` splits on commas. */
export function readStringList(src: YamlSource, e: Entry, diags: Diagnostic[], splitCommas = false): string[] {
  const bad = (): string[] => {
    diags.push({ pos: e.valuePos, message: `'${e.key}' must be a string or a list of strings, got ${describe(e)}` });
    return [];
  };
  if (isSeq(e.value)) {
    const out: string[] = [];
    for (const n of e.value.items) {
      const v = isScalar(n) ? n.value : undefined;
      if (typeof v !== 'string' && typeof v !== 'number') return bad();
      out.push(String(v));
    }
    return out;
  }
  const v = scalarValue(e);
  if (typeof v === 'string' || typeof v === 'number') {
    const s = String(v);
    return splitCommas ? s.split(',').map((t) => t.trim()).filter((t) => t !== '') : [s];
  }
  return bad();
}

/** A `vars:` mapping; names must be valid variable names. */
export function readVars(src: YamlSource, e: Entry, diags: Diagnostic[]): Vars {
  if (isScalar(e.value) && e.value.value === null) return {};
  // Ansible also takes a list of mappings, merged in order.
  if (isSeq(e.value)) {
    const out: Vars = {};
    for (const item of e.value.items) {
      if (!isMap(item)) {
        diags.push({ pos: item ? posOf(src, item as YNode) : e.valuePos, message: `a '${e.key}' list must hold mappings of variable names to values` });
        continue;
      }
      Object.assign(out, readVars(src, { ...e, value: item }, diags));
    }
    return out;
  }
  if (!isMap(e.value)) {
    diags.push({ pos: e.valuePos, message: `'${e.key}' must be a mapping of variable names to values, got ${describe(e)}` });
    return {};
  }
  const value = plain(src, e.value);
  const out: Vars = {};
  for (const pair of e.value.items) {
    const keyNode = pair.key;
    const name = isScalar(keyNode) ? String(keyNode.value) : '';
    if (name === '<<' || (isScalar(keyNode) && keyNode.source === '<<')) continue;
    if (!isVarName(name)) diags.push({ pos: isScalar(keyNode) ? posOf(src, keyNode) : e.valuePos, message: `'${name}' is not a valid variable name` });
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, value as Vars);
  return out;
}

/** `environment:`: a mapping of names to values (templated at run time), or a template giving one. */
export function readEnvironment(src: YamlSource, e: Entry, diags: Diagnostic[]): Vars | string | undefined {
  const v = plain(src, e.value);
  if (v === null) return undefined;
  if (typeof v === 'string' && isTemplated(v)) return v;
  if (isMap(e.value) && typeof v === 'object' && !Array.isArray(v)) return v as Vars;
  diags.push({ pos: e.valuePos, message: `'environment' must be a mapping of variable names to values, or a template giving one, got ${describe(e)}` });
  return undefined;
}

function describe(e: Entry): string {
  const v = scalarValue(e);
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return kindOf(e.value);
}
