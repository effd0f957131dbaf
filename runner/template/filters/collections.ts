// List and dict filters: join, map/select/reject (by filter or test name), sort, unique, combine...
import { TemplateError } from '../errors.js';
import { isMapping, pyEquals, pyLess, pyStr, truthy } from '../python.js';
import { arg, expectList, type FilterContext, type FilterFn, type Kwargs } from './types.js';

/** `attribute='a.b'` or `attribute=0`: Jinja's dotted attribute paths. */
function getAttr(v: unknown, path: unknown): unknown {
  let cur = v;
  for (const part of typeof path === 'number' ? [path] : pyStr(path).split('.')) {
    if (Array.isArray(cur) && /^-?\d+$/.test(String(part))) cur = cur[Number(part)];
    else if (isMapping(cur) && Object.prototype.hasOwnProperty.call(cur, String(part))) cur = cur[String(part)];
    else return undefined;
  }
  return cur;
}

function attrOrFail(v: unknown, path: unknown, filter: string): unknown {
  const got = getAttr(v, path);
  if (got === undefined) throw new TemplateError(`${filter}: ${pyStr(v)} has no attribute '${pyStr(path)}'`);
  return got;
}

/** select/reject: keep items for which the named test (or plain truthiness) is `keep`. */
function filterByTest(list: unknown[], args: unknown[], ctx: FilterContext, keep: boolean, attr?: unknown): unknown[] {
  const [test, ...testArgs] = args;
  return list.filter((item) => {
    const v = attr === undefined ? item : getAttr(item, attr);
    const ok = test === undefined ? truthy(v) : ctx.test(pyStr(test), v, testArgs);
    return ok === keep;
  });
}

function sortKey(x: unknown, kw: Kwargs): unknown {
  let v = kw.attribute !== undefined ? getAttr(x, kw.attribute) : x;
  if (typeof v === 'string' && !truthy(kw.case_sensitive)) v = v.toLowerCase();
  return v;
}

function combine(a: unknown, b: unknown, recursive: boolean, listMerge: string): unknown {
  if (!isMapping(a) || !isMapping(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (listMerge === 'append') return [...a, ...b];
      if (listMerge === 'prepend') return [...b, ...a];
      if (listMerge === 'keep') return a;
    }
    return b;
  }
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = recursive && k in out ? combine(out[k], v, true, listMerge) : Array.isArray(out[k]) && Array.isArray(v) ? combine(out[k], v, false, listMerge) : v;
  }
  return out;
}

export const collectionFilters: Record<string, FilterFn> = {
  join: (v, args, kw) => {
    const sep = pyStr(arg(args, kw, 0, 'd', ''));
    const list = expectList(v, 'join');
    const attr = arg(args, kw, 1, 'attribute', undefined);
    return list.map((x) => pyStr(attr === undefined ? x : getAttr(x, attr))).join(sep);
  },
  map: (v, args, kw, ctx) => {
    const list = expectList(v, 'map');
    if (kw.attribute !== undefined) {
      return list.map((x) => {
        const got = getAttr(x, kw.attribute);
        if (got !== undefined) return got;
        if ('default' in kw) return kw.default;
        throw new TemplateError(`map: ${pyStr(x)} has no attribute '${pyStr(kw.attribute)}'`);
      });
    }
    const [name, ...rest] = args;
    if (typeof name !== 'string') throw new TemplateError('map needs a filter name or attribute=');
    const restKw: Kwargs = { ...kw };
    return list.map((x) => ctx.filter(name, x, rest, restKw));
  },
  select: (v, args, _kw, ctx) => filterByTest(expectList(v, 'select'), args, ctx, true),
  reject: (v, args, _kw, ctx) => filterByTest(expectList(v, 'reject'), args, ctx, false),
  selectattr: (v, args, _kw, ctx) => filterByTest(expectList(v, 'selectattr'), args.slice(1), ctx, true, args[0]),
  rejectattr: (v, args, _kw, ctx) => filterByTest(expectList(v, 'rejectattr'), args.slice(1), ctx, false, args[0]),
  list: (v) => (Array.isArray(v) ? v : expectList(v, 'list')),
  unique: (v, _args, kw) => {
    const out: unknown[] = [];
    for (const x of expectList(v, 'unique')) {
      const key = sortKey(x, kw);
      if (!out.some((y) => pyEquals(sortKey(y, kw), key))) out.push(x);
    }
    return out;
  },
  sort: (v, args, kw) => {
    const reverse = truthy(arg(args, kw, 0, 'reverse', false));
    const opts: Kwargs = { case_sensitive: arg(args, kw, 1, 'case_sensitive', false), attribute: arg(args, kw, 2, 'attribute', undefined) };
    const sorted = [...expectList(v, 'sort')].sort((a, b) => {
      const ka = sortKey(a, opts);
      const kb = sortKey(b, opts);
      return pyLess(ka, kb) ? -1 : pyLess(kb, ka) ? 1 : 0;
    });
    return reverse ? sorted.reverse() : sorted;
  },
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...expectList(v, 'reverse')].reverse()),
  flatten: (v, args, kw) => {
    const levels = arg(args, kw, 0, 'levels', Infinity);
    const flat = (l: unknown[], depth: number): unknown[] => l.flatMap((x) => (Array.isArray(x) && depth > 0 ? flat(x, depth - 1) : [x]));
    return flat(expectList(v, 'flatten'), typeof levels === 'number' ? levels : Infinity);
  },
  dict2items: (v, args, kw) => {
    if (!isMapping(v)) throw new TemplateError(`dict2items requires a dictionary, got ${pyStr(v)}`);
    const k = pyStr(arg(args, kw, 0, 'key_name', 'key'));
    const val = pyStr(arg(args, kw, 1, 'value_name', 'value'));
    return Object.entries(v).map(([a, b]) => ({ [k]: a, [val]: b }));
  },
  items2dict: (v, args, kw) => {
    const k = pyStr(arg(args, kw, 0, 'key_name', 'key'));
    const val = pyStr(arg(args, kw, 1, 'value_name', 'value'));
    const out: Record<string, unknown> = {};
    for (const item of expectList(v, 'items2dict')) out[pyStr(attrOrFail(item, k, 'items2dict'))] = attrOrFail(item, val, 'items2dict');
    return out;
  },
  combine: (v, args, kw) => {
    const recursive = truthy(kw.recursive);
    const listMerge = pyStr(kw.list_merge ?? 'replace');
    const dicts = [v, ...args.flatMap((a) => (Array.isArray(a) ? a : [a]))];
    for (const d of dicts) if (!isMapping(d)) throw new TemplateError(`combine expects dictionaries, got ${pyStr(d)}`);
    return dicts.reduce((acc, d) => combine(acc, d, recursive, listMerge));
  },
  /** Internal: what `{% for x in value %}` walks; a mapping yields its keys, as in Python. */
  __osm_iter: (v) => (isMapping(v) ? Object.keys(v) : v),
  dictsort: (v, args, kw) => {
    if (!isMapping(v)) throw new TemplateError(`dictsort expects a dictionary, got ${pyStr(v)}`);
    const caseSensitive = truthy(arg(args, kw, 0, 'case_sensitive', false));
    const byValue = arg(args, kw, 1, 'by', 'key') === 'value';
    const key = (e: [string, unknown]): unknown => {
      const k = byValue ? e[1] : e[0];
      return typeof k === 'string' && !caseSensitive ? k.toLowerCase() : k;
    };
    const sorted = Object.entries(v).sort((a, b) => (pyLess(key(a), key(b)) ? -1 : pyLess(key(b), key(a)) ? 1 : 0));
    return truthy(arg(args, kw, 2, 'reverse', false)) ? sorted.reverse() : sorted;
  },
  zip: (v, args) => {
    const lists = [expectList(v, 'zip'), ...args.map((a) => expectList(a, 'zip'))];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => l[i]));
  },
};
