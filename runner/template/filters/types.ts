// The shape every filter and test has, so `map('upper')` and `select('match', 're')` can call them by name.
import { TemplateError } from '../errors.js';

export type Kwargs = Record<string, unknown>;

/** What a filter may use beyond its arguments. */
export interface FilterContext {
  /** The variables the template renders with (lookup('file') needs playbook_dir). */
  vars: Record<string, unknown>;
  filter(name: string, value: unknown, args: unknown[], kw?: Kwargs): unknown;
  test(name: string, value: unknown, args: unknown[]): boolean;
}

/** `value | name(args..., key=kw)`. */
export type FilterFn = (value: unknown, args: unknown[], kw: Kwargs, ctx: FilterContext) => unknown;
export type TestFn = (value: unknown, ...args: unknown[]) => boolean;

/** A positional argument, or its keyword form, or a default: filters accept both like Jinja. */
export function arg<T>(args: unknown[], kw: Kwargs, index: number, name: string, dflt: T): unknown {
  if (args.length > index) return args[index];
  if (Object.prototype.hasOwnProperty.call(kw, name)) return kw[name];
  return dflt;
}

export function expectString(v: unknown, filter: string): string {
  if (typeof v === 'string') return v;
  throw new TemplateError(`${filter} expects a string, got ${v === null || v === undefined ? 'None' : typeof v}`);
}

export function expectList(v: unknown, filter: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v instanceof Set || v instanceof Map) return [...v.keys()];
  if (typeof v === 'object' && v !== null) return Object.keys(v);
  throw new TemplateError(`${filter} expects a list, got ${v === null || v === undefined ? 'None' : typeof v}`);
}
