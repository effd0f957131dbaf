// A YAML writer that formats like PyYAML's yaml.dump, which Ansible's to_yaml/to_nice_yaml use: keys
// sorted, lists in a mapping not indented, single-quoted strings where plain would read back as
// another type ('yes', '123'), and with `flowLeaves` (to_yaml) collections of scalars inline.
// Long lines are not folded at 80 columns as PyYAML does.
import { isMapping } from '../python.js';

export interface PyYamlOptions {
  indent: number;
  /** default_flow_style=None: a list or dict holding only scalars is written inline. */
  flowLeaves: boolean;
}

// YAML 1.1 implicit types (PyYAML's resolver): strings that look like these must be quoted.
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL)$/,
  /^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

/** Control characters other than line breaks: PyYAML writes such strings double-quoted. */
function hasControl(s: string, tabToo: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a && c !== 0x0d && (tabToo || c !== 0x09)) || c === 0x7f) return true;
  }
  return false;
}

function plainAllowed(s: string, inFlow: boolean): boolean {
  if (s === '' || /^\s|\s$/.test(s) || /[\n\r\t]/.test(s) || hasControl(s, true)) return false;
  if (/^[?:-](\s|$)/.test(s) || /^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  if (inFlow && /[,[\]{}]/.test(s)) return false;
  return !IMPLICIT.some((re) => re.test(s));
}

function quoted(s: string, contIndent: number): string {
  if (hasControl(s, true)) return JSON.stringify(s);
  // In single quotes a line break is written as an empty line; continuation lines are indented.
  const body = s.replace(/'/g, "''").replace(/\n/g, `\n\n${' '.repeat(contIndent)}`);
  return `'${body}'`;
}

function scalar(v: unknown, inFlow: boolean, contIndent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  const s = String(v);
  return plainAllowed(s, inFlow) ? s : quoted(s, contIndent);
}

const isCollection = (v: unknown): v is unknown[] | Record<string, unknown> => Array.isArray(v) || isMapping(v);
const isEmpty = (v: unknown[] | Record<string, unknown>): boolean => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
const sortedEntries = (m: Record<string, unknown>): [string, unknown][] => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function flow(v: unknown, contIndent: number): string {
  if (Array.isArray(v)) return `[${v.map((x) => flow(x, contIndent)).join(', ')}]`;
  if (isMapping(v)) return `{${sortedEntries(v).map(([k, x]) => `${scalar(k, true, contIndent)}: ${flow(x, contIndent)}`).join(', ')}}`;
  return scalar(v, true, contIndent);
}

/** Written on the same line as its key or dash: scalars, empty collections, and (to_yaml) leaf collections. */
function inline(v: unknown, o: PyYamlOptions, contIndent: number): string | undefined {
  if (!isCollection(v)) return scalar(v, false, contIndent);
  if (isEmpty(v)) return Array.isArray(v) ? '[]' : '{}';
  if (o.flowLeaves && (Array.isArray(v) ? v : Object.values(v)).every((x) => !isCollection(x))) return flow(v, contIndent);
  return undefined;
}

/** Lines of a block collection whose first line starts at `col` (text before it is the caller's). */
function block(v: unknown[] | Record<string, unknown>, col: number, o: PyYamlOptions): string[] {
  const pad = ' '.repeat(col);
  const lines: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      const one = inline(item, o, col + o.indent);
      if (one !== undefined) {
        lines.push(`${pad}- ${one}`);
        continue;
      }
      // A nested block starts on the dash's line, its content at col + indent.
      const inner = block(item as unknown[] | Record<string, unknown>, col + o.indent, o);
      lines.push(`${pad}-${' '.repeat(o.indent - 1)}${inner[0].slice(col + o.indent)}`, ...inner.slice(1));
    }
    return lines;
  }
  for (const [k, item] of sortedEntries(v)) {
    const key = scalar(k, false, col + o.indent);
    const one = inline(item, o, col + o.indent);
    if (one !== undefined) {
      lines.push(`${pad}${key}: ${one}`);
    } else if (Array.isArray(item)) {
      // PyYAML writes a list inside a mapping without extra indentation.
      lines.push(`${pad}${key}:`, ...block(item, col, o));
    } else {
      lines.push(`${pad}${key}:`, ...block(item as Record<string, unknown>, col + o.indent, o));
    }
  }
  return lines;
}

export function pyYamlDump(v: unknown, o: PyYamlOptions): string {
  if (!isCollection(v)) return `${scalar(v, false, o.indent)}\n`;
  const one = inline(v, o, o.indent);
  if (one !== undefined) return `${one}\n`;
  return `${block(v, 0, o).join('\n')}\n`;
}
