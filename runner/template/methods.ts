// Python methods that Ansible templates call on values: 'x'.startswith('a'), d.items(), d.get('k', 1).
// Only the cheap, common ones; anything else is an undefined attribute.
import { TemplateError } from './errors.js';
import { isMapping, pyEquals, pyStr } from './python.js';

type Method = (...args: unknown[]) => unknown;

const str = (v: unknown): string => (typeof v === 'string' ? v : pyStr(v));

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : str(chars);
  const strip = (c: string): boolean => (set === null ? /\s/.test(c) : set.includes(c));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s[a])) a++;
  if (right) while (b > a && strip(s[b - 1])) b--;
  return s.slice(a, b);
}

function split(s: string, sep: unknown, max: unknown): string[] {
  const limit = typeof max === 'number' && max >= 0 ? max : -1;
  if (sep === undefined || sep === null) {
    const parts = s.trim().split(/\s+/).filter((p) => p !== '');
    if (limit < 0 || parts.length <= limit + 1) return parts;
    const head = parts.slice(0, limit);
    let rest = s.trim();
    for (const h of head) rest = rest.slice(rest.indexOf(h) + h.length).replace(/^\s+/, '');
    return [...head, rest];
  }
  const parts = s.split(str(sep));
  if (limit < 0 || parts.length <= limit + 1) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(str(sep))];
}

function stringMethods(s: string): Record<string, Method> {
  return {
    startswith: (p) => (Array.isArray(p) ? p.some((x) => s.startsWith(str(x))) : s.startsWith(str(p))),
    endswith: (p) => (Array.isArray(p) ? p.some((x) => s.endsWith(str(x))) : s.endsWith(str(p))),
    strip: (c) => stripChars(s, c, true, true),
    lstrip: (c) => stripChars(s, c, true, false),
    rstrip: (c) => stripChars(s, c, false, true),
    lower: () => s.toLowerCase(),
    upper: () => s.toUpperCase(),
    capitalize: () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
    title: () => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
    split: (sep, max) => split(s, sep, max),
    splitlines: () => s.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== ''),
    replace: (a, b, n) => replaceCount(s, str(a), str(b), typeof n === 'number' ? n : -1),
    join: (items) => (Array.isArray(items) ? items.map(str).join(s) : ''),
    find: (sub) => s.indexOf(str(sub)),
    count: (sub) => (str(sub) === '' ? s.length + 1 : s.split(str(sub)).length - 1),
    isdigit: () => /^[0-9]+$/.test(s),
    isalpha: () => /^[A-Za-z]+$/.test(s),
    isalnum: () => /^[A-Za-z0-9]+$/.test(s),
    format: (...args) => {
      let i = 0;
      return s.replace(/\{(\d*)\}/g, (_m, n: string) => str(args[n === '' ? i++ : Number(n)]));
    },
  };
}

function replaceCount(s: string, a: string, b: string, n: number): string {
  if (n < 0) return s.split(a).join(b);
  let out = s;
  let from = 0;
  for (let k = 0; k < n; k++) {
    const at = out.indexOf(a, from);
    if (at < 0) break;
    out = out.slice(0, at) + b + out.slice(at + a.length);
    from = at + b.length;
  }
  return out;
}

function dictMethods(d: Record<string, unknown>): Record<string, Method> {
  return {
    items: () => Object.entries(d),
    keys: () => Object.keys(d),
    values: () => Object.values(d),
    get: (k, dflt = null) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(d, k) ? d[k] : dflt),
  };
}

function listMethods(l: unknown[]): Record<string, Method> {
  return {
    index: (x) => {
      const i = l.findIndex((y) => pyEquals(x, y));
      if (i < 0) throw new TemplateError(`${pyStr(x)} is not in list`);
      return i;
    },
    count: (x) => l.filter((y) => pyEquals(x, y)).length,
  };
}

/** The Python method `name` of `obj`, bound, or undefined when there is none. */
export function pythonMethod(obj: unknown, name: string): Method | undefined {
  let table: Record<string, Method> | undefined;
  if (typeof obj === 'string') table = stringMethods(obj);
  else if (Array.isArray(obj)) table = listMethods(obj);
  else if (isMapping(obj)) table = dictMethods(obj);
  return table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}
