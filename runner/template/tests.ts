// Jinja tests (`x is defined`, `result is failed`, `name is match('^a')`), also used by select/reject.
import { statSync } from 'node:fs';
import { regexTest } from './filters/regex.js';
import type { TestFn } from './filters/types.js';
import { isMapping, pyCompare, pyContains, pyEquals, truthy } from './python.js';

/** A registered result: Ansible tests read its `failed`/`changed`/`skipped` flags. */
function flag(v: unknown, key: string): boolean {
  return isMapping(v) && truthy(v[key]);
}

/** `'2.10' is version('2.9', '>')`: dotted numeric comparison (non-numeric parts compare as text). */
function versionCompare(a: unknown, b: unknown, op: unknown = 'eq'): boolean {
  const pa = String(a).split(/[.-]/);
  const pb = String(b).split(/[.-]/);
  let cmp = 0;
  for (let i = 0; i < Math.max(pa.length, pb.length) && cmp === 0; i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    cmp = /^\d+$/.test(x) && /^\d+$/.test(y) ? Math.sign(Number(x) - Number(y)) : x < y ? -1 : x > y ? 1 : 0;
  }
  const ops: Record<string, boolean> = {
    '<': cmp < 0, lt: cmp < 0, '<=': cmp <= 0, le: cmp <= 0, '>': cmp > 0, gt: cmp > 0, '>=': cmp >= 0, ge: cmp >= 0,
    '==': cmp === 0, '=': cmp === 0, eq: cmp === 0, '!=': cmp !== 0, '<>': cmp !== 0, ne: cmp !== 0,
  };
  return ops[String(op)] ?? false;
}

function pathKind(v: unknown): 'file' | 'directory' | 'other' | undefined {
  try {
    const st = statSync(String(v));
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

export const jinjaTests: Record<string, TestFn> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  succeeded: (v) => !flag(v, 'failed'),
  success: (v) => !flag(v, 'failed'),
  failed: (v) => flag(v, 'failed'),
  failure: (v) => flag(v, 'failed'),
  changed: (v) => flag(v, 'changed'),
  change: (v) => flag(v, 'changed'),
  skipped: (v) => flag(v, 'skipped'),
  skip: (v) => flag(v, 'skipped'),
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isMapping(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v),
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v),
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  equalto: (v, other) => pyEquals(v, other),
  eq: (v, other) => pyEquals(v, other),
  ne: (v, other) => !pyEquals(v, other),
  '==': (v, other) => pyEquals(v, other),
  '!=': (v, other) => !pyEquals(v, other),
  gt: (v, other) => pyCompare(v, '>', other),
  '>': (v, other) => pyCompare(v, '>', other),
  greaterthan: (v, other) => pyCompare(v, '>', other),
  ge: (v, other) => pyCompare(v, '>=', other),
  '>=': (v, other) => pyCompare(v, '>=', other),
  lt: (v, other) => pyCompare(v, '<', other),
  '<': (v, other) => pyCompare(v, '<', other),
  lessthan: (v, other) => pyCompare(v, '<', other),
  le: (v, other) => pyCompare(v, '<=', other),
  '<=': (v, other) => pyCompare(v, '<=', other),
  in: (v, container) => pyContains(container, v),
  contains: (v, item) => pyContains(v, item),
  even: (v) => typeof v === 'number' && v % 2 === 0,
  odd: (v) => typeof v === 'number' && Math.abs(v % 2) === 1,
  match: (v, pattern, ignorecase) => regexTest(v, pattern, true, { ignorecase }),
  search: (v, pattern, ignorecase) => regexTest(v, pattern, false, { ignorecase }),
  regex: (v, pattern, ignorecase) => regexTest(v, pattern, false, { ignorecase }),
  version: (v, other, op) => versionCompare(v, other, op),
  version_compare: (v, other, op) => versionCompare(v, other, op),
  subset: (v, other) => Array.isArray(v) && Array.isArray(other) && v.every((x) => pyContains(other, x)),
  superset: (v, other) => Array.isArray(v) && Array.isArray(other) && other.every((x) => pyContains(v, x)),
  // Controller-side paths, as in Ansible.
  exists: (v) => pathKind(v) !== undefined,
  file: (v) => pathKind(v) === 'file',
  directory: (v) => pathKind(v) === 'directory',
  abs: (v) => typeof v === 'string' && v.startsWith('/'),
};
