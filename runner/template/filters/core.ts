// Scalar filters: defaults, type conversions, string case and paths, encodings, choosing values.
import { posix } from 'node:path';
import { TemplateError } from '../errors.js';
import { isMapping, pyLess, pyStr, truthy, typeName } from '../python.js';
import { arg, expectList, type FilterFn } from './types.js';

/** Ansible's `bool`: yes/on/1/true (any case) are true; everything else is false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
}

function toInt(v: unknown, dflt: unknown, base: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : dflt;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    const b = typeof base === 'number' ? base : 10;
    const prefixed = /^[-+]?0[xob]/i.test(s) && b !== 10;
    const digits = b === 16 ? /^[-+]?(0x)?[0-9a-f]+$/i : b === 8 ? /^[-+]?(0o)?[0-7]+$/i : b === 2 ? /^[-+]?(0b)?[01]+$/i : /^[-+]?[0-9]+$/;
    if (digits.test(s)) return parseInt(prefixed ? s.replace(/0[xob]/i, '') : s, b);
    if (b === 10 && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Math.trunc(parseFloat(s));
  }
  return dflt;
}

function toFloat(v: unknown, dflt: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(v)) return parseFloat(v);
  return dflt;
}

/** Python's shlex.quote, which Ansible's `quote` filter is. */
export function shlexQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isMapping(v)) return Object.keys(v).length;
  throw new TemplateError(`object of type '${typeName(v)}' has no len()`);
}

function extreme(v: unknown, kw: Record<string, unknown>, wantMax: boolean, ctx: Parameters<FilterFn>[3]): unknown {
  const list = expectList(v, wantMax ? 'max' : 'min');
  if (list.length === 0) return null;
  const attr = kw.attribute;
  const key = (x: unknown): unknown => (typeof attr === 'string' ? ctx.filter('attr', x, [attr]) : x);
  return list.reduce((best, x) => (wantMax ? pyLess(key(best), key(x)) : pyLess(key(x), key(best))) ? x : best);
}

export const coreFilters: Record<string, FilterFn> = {
  default: (v, args, kw) => {
    const dflt = arg(args, kw, 0, 'default_value', '');
    const boolean = truthy(arg(args, kw, 1, 'boolean', false));
    return v === undefined || (boolean && !truthy(v)) ? dflt : v;
  },
  bool: (v) => toBool(v),
  int: (v, args, kw) => toInt(v, arg(args, kw, 0, 'default', 0), arg(args, kw, 1, 'base', 10)),
  float: (v, args, kw) => toFloat(v, arg(args, kw, 0, 'default', 0)),
  string: (v) => pyStr(v),
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  capitalize: (v) => {
    const s = pyStr(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  trim: (v) => pyStr(v).trim(),
  replace: (v, args, kw) => {
    const s = pyStr(v);
    const from = pyStr(arg(args, kw, 0, 'old', ''));
    const to = pyStr(arg(args, kw, 1, 'new', ''));
    const count = arg(args, kw, 2, 'count', -1);
    if (typeof count !== 'number' || count < 0) return s.split(from).join(to);
    const parts = s.split(from);
    return parts.slice(0, count + 1).join(to) + (parts.length > count + 1 ? from + parts.slice(count + 1).join(from) : '');
  },
  length: (v) => length(v),
  count: (v) => length(v),
  first: (v) => {
    const l = expectList(v, 'first');
    return l.length ? l[0] : undefined;
  },
  last: (v) => {
    const l = expectList(v, 'last');
    return l.length ? l[l.length - 1] : undefined;
  },
  min: (v, _a, kw, ctx) => extreme(v, kw, false, ctx),
  max: (v, _a, kw, ctx) => extreme(v, kw, true, ctx),
  abs: (v) => Math.abs(Number(v)),
  round: (v, args, kw) => {
    const p = Number(arg(args, kw, 0, 'precision', 0));
    const method = arg(args, kw, 1, 'method', 'common');
    const f = 10 ** p;
    const r = method === 'ceil' ? Math.ceil(Number(v) * f) : method === 'floor' ? Math.floor(Number(v) * f) : Math.round(Number(v) * f);
    return r / f;
  },
  ternary: (v, args, kw) => {
    const noneVal = arg(args, kw, 2, 'none_val', undefined);
    if ((v === null || v === undefined) && noneVal !== undefined) return noneVal;
    return truthy(v) ? arg(args, kw, 0, 'true_val', null) : arg(args, kw, 1, 'false_val', null);
  },
  b64encode: (v) => Buffer.from(pyStr(v), 'utf8').toString('base64'),
  b64decode: (v) => Buffer.from(pyStr(v), 'base64').toString('utf8'),
  basename: (v) => posix.basename(pyStr(v)),
  dirname: (v) => {
    // Python's os.path.dirname keeps everything before the last slash ('/a/b/' -> '/a/b').
    const s = pyStr(v);
    const i = s.lastIndexOf('/');
    if (i < 0) return '';
    const head = s.slice(0, i + 1);
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
  },
  quote: (v) => shlexQuote(pyStr(v)),
  attr: (v, args) => {
    const name = pyStr(args[0]);
    return isMapping(v) && Object.prototype.hasOwnProperty.call(v, name) ? v[name] : undefined;
  },
  split: (v, args, kw) => {
    const sep = arg(args, kw, 0, 'sep', null);
    const s = pyStr(v);
    return sep === null ? s.trim().split(/\s+/).filter((x) => x !== '') : s.split(pyStr(sep));
  },
};
