// Further filters common in Ansible playbooks and templates: indent, sum, format, set operations,
// path_join, hash, items, type_debug.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { TemplateError } from '../errors.js';
import { isMapping, pyAdd, pyContains, pyStr, truthy, typeName } from '../python.js';
import { arg, expectList, type FilterFn } from './types.js';

function uniqueList(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!pyContains(out, x)) out.push(x);
  return out;
}

/** Python's `%` formatting for the common conversions (%s, %d, %i, %f, %r, %%). */
function percentFormat(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdifr%])/g, (_m, _flags: string, width: string, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const v = args[i++];
    let s: string;
    if (conv === 'd' || conv === 'i') s = String(Math.trunc(Number(v)));
    else if (conv === 'f') s = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
    else s = pyStr(v);
    return width ? s.padStart(Number(width)) : s;
  });
}

/** Python's urllib.parse.quote over UTF-8 bytes: unreserved characters and those in `safe` stay. */
function pyQuote(s: string, safe: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** Jinja2's urlencode: a string is quoted keeping '/'; a mapping or list of pairs becomes a query string. */
function urlencode(v: unknown): string {
  if (typeof v === 'string' || v === null || typeof v !== 'object') return pyQuote(pyStr(v), '/');
  const pairs = isMapping(v) ? Object.entries(v) : expectList(v, 'urlencode');
  const qs = (x: unknown): string => pyQuote(pyStr(x), '').replace(/%20/g, '+');
  return pairs
    .map((p) => {
      if (!Array.isArray(p) || p.length !== 2) throw new TemplateError('urlencode: a list must hold (key, value) pairs');
      return `${qs(p[0])}=${qs(p[1])}`;
    })
    .join('&');
}

export const extraFilters: Record<string, FilterFn> = {
  urlencode: (v) => urlencode(v),
  indent: (v, args, kw) => {
    const width = arg(args, kw, 0, 'width', 4);
    const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
    const first = truthy(arg(args, kw, 1, 'first', false));
    const blank = truthy(arg(args, kw, 2, 'blank', false));
    const lines = pyStr(v).split('\n');
    return lines.map((l, i) => ((i === 0 && !first) || (!blank && l.trim() === '') ? l : pad + l)).join('\n');
  },
  sum: (v, args, kw, ctx) => {
    const attr = kw.attribute;
    const start = arg(args, kw, 1, 'start', 0);
    return expectList(v, 'sum').reduce((acc: unknown, x) => pyAdd(acc, attr === undefined ? x : ctx.filter('attr', x, [attr])), start);
  },
  format: (v, args) => percentFormat(pyStr(v), args),
  title: (v) => pyStr(v).toLowerCase().replace(/(^|[^a-zA-Z0-9])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  items: (v) => (isMapping(v) ? Object.entries(v) : []),
  union: (v, args) => uniqueList([...expectList(v, 'union'), ...expectList(args[0], 'union')]),
  intersect: (v, args) => uniqueList(expectList(v, 'intersect').filter((x) => pyContains(expectList(args[0], 'intersect'), x))),
  difference: (v, args) => uniqueList(expectList(v, 'difference').filter((x) => !pyContains(expectList(args[0], 'difference'), x))),
  symmetric_difference: (v, args) => {
    const a = expectList(v, 'symmetric_difference');
    const b = expectList(args[0], 'symmetric_difference');
    return uniqueList([...a.filter((x) => !pyContains(b, x)), ...b.filter((x) => !pyContains(a, x))]);
  },
  path_join: (v) => {
    // Python's os.path.join: an absolute part restarts the path.
    const parts = typeof v === 'string' ? [v] : expectList(v, 'path_join').map(pyStr);
    return parts.reduce((acc, p) => (p.startsWith('/') || acc === '' ? p : posix.join(acc, p)), '');
  },
  hash: (v, args) => {
    const algo = pyStr(args[0] ?? 'sha1');
    try {
      return createHash(algo).update(pyStr(v)).digest('hex');
    } catch {
      throw new TemplateError(`hash: unsupported algorithm '${algo}'`);
    }
  },
  checksum: (v) => createHash('sha1').update(pyStr(v)).digest('hex'),
  type_debug: (v) => typeName(v),
};
