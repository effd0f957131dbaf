// Python semantics that Jinja2 (and so Ansible) templates rely on and JavaScript spells differently:
// truthiness ([] and {} are false), str() of values (True, None, ['a']), == on lists and dicts, `in`.
import { TemplateError } from './errors.js';

/** A plain dict (YAML mapping, JSON object); class instances such as nunjucks' SafeString are not. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python truthiness: empty strings, lists and dicts, 0, None and undefined are false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python's repr(), as Jinja shows a list or dict inside a string. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    const body = v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isMapping(v)) return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return pyStr(v);
}

/** Python's str(); None renders as an empty string inside templates (Ansible's finalize does the same). */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || isMapping(v)) return pyRepr(v);
  return String(v);
}

function pyFloat(v: number): string {
  const s = String(v);
  return s.includes('e') || s.includes('.') ? s : `${s}.0`;
}

/** Python ==: deep for lists and dicts, and 1 != '1'. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (typeof b === 'boolean' && typeof a === 'number') return Number(b) === a;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return false;
}

/** Python ordering (<, >) for numbers, strings and lists; other mixes are a template error like in Python. */
export function pyLess(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof a === 'boolean') {
    if (typeof b === 'number' || typeof b === 'boolean') return Number(a) < Number(b);
  } else if (typeof a === 'string' && typeof b === 'string') {
    return a < b;
  } else if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyLess(a[i], b[i]);
    }
    return a.length < b.length;
  }
  throw new TemplateError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

export function pyCompare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEquals(a, b);
    case '!=':
    case '!==':
      return !pyEquals(a, b);
    case '<':
      return pyLess(a, b);
    case '>':
      return pyLess(b, a);
    case '<=':
      return !pyLess(b, a);
    case '>=':
      return !pyLess(a, b);
    default:
      throw new TemplateError(`unknown comparison ${op}`);
  }
}

/** Python `item in container`. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item);
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isMapping(container)) return typeof item === 'string' && Object.prototype.hasOwnProperty.call(container, item);
  if (container === null || container === undefined) throw new TemplateError(`argument of type 'NoneType' is not iterable`);
  throw new TemplateError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Python `a + b`: numbers add, strings and lists concatenate, mixing is an error. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) + Number(b);
  throw new TemplateError(`unsupported operand types for +: '${typeName(a)}' and '${typeName(b)}'`);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isMapping(v)) return 'dict';
  return typeof v;
}
