// JSON and YAML in and out, formatted the way Ansible's filters (Python json/PyYAML) write them, so a
// file rendered here matches one rendered by ansible-playbook.
import { parse as parseYaml } from 'yaml';
import { TemplateError } from '../errors.js';
import { isMapping, pyStr, truthy } from '../python.js';
import { pyYamlDump } from './pyyaml.js';
import { arg, type FilterFn } from './types.js';

/** Python's json.dumps: `, ` and `: ` separators, ASCII-only output unless told otherwise. */
export function pyJson(v: unknown, opts: { indent?: number; sortKeys?: boolean; ensureAscii?: boolean } = {}, depth = 0): string {
  const ascii = opts.ensureAscii ?? true;
  const nl = opts.indent === undefined ? '' : `\n${' '.repeat(opts.indent * (depth + 1))}`;
  const end = opts.indent === undefined ? '' : `\n${' '.repeat(opts.indent * depth)}`;
  const itemSep = opts.indent === undefined ? ', ' : ',';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : Number.isNaN(v) ? 'NaN' : '-Infinity';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return ascii ? s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${nl}${v.map((x) => pyJson(x, opts, depth + 1)).join(itemSep + nl)}${end}]`;
  }
  if (isMapping(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    if (opts.sortKeys) keys.sort();
    return `{${nl}${keys.map((k) => `${pyJson(k, opts)}: ${pyJson(v[k], opts, depth + 1)}`).join(itemSep + nl)}${end}}`;
  }
  return JSON.stringify(String(v));
}

function parseJson(v: unknown): unknown {
  try {
    return JSON.parse(pyStr(v));
  } catch (e) {
    throw new TemplateError(`from_json: ${(e as Error).message}`);
  }
}

export const serializeFilters: Record<string, FilterFn> = {
  to_json: (v, args, kw) => {
    const indent = arg(args, kw, 0, 'indent', undefined);
    return pyJson(v, { indent: typeof indent === 'number' ? indent : undefined, sortKeys: truthy(kw.sort_keys), ensureAscii: kw.ensure_ascii === undefined ? true : truthy(kw.ensure_ascii) });
  },
  to_nice_json: (v, args, kw) => {
    const indent = arg(args, kw, 0, 'indent', 4);
    return pyJson(v, { indent: typeof indent === 'number' ? indent : 4, sortKeys: kw.sort_keys === undefined ? true : truthy(kw.sort_keys), ensureAscii: kw.ensure_ascii === undefined ? true : truthy(kw.ensure_ascii) });
  },
  from_json: (v) => parseJson(v),
  to_yaml: (v, _args, kw) => pyYamlDump(v, { indent: typeof kw.indent === 'number' ? kw.indent : 2, flowLeaves: true }),
  to_nice_yaml: (v, args, kw) => {
    const indent = arg(args, kw, 0, 'indent', 4);
    return pyYamlDump(v, { indent: typeof indent === 'number' ? indent : 4, flowLeaves: false });
  },
  from_yaml: (v) => {
    try {
      return parseYaml(pyStr(v), { version: '1.1' }) as unknown;
    } catch (e) {
      throw new TemplateError(`from_yaml: ${(e as Error).message}`);
    }
  },
};
