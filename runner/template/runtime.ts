// The functions our compiled templates call (as `env.osm.*`): strict name and attribute lookups that
// raise `undefined variable 'x'`, and the Python operators (truthiness, ==, in, +, ~) Jinja2 has.
import { undefinedVariable, TemplateError } from './errors.js';
import type { FilterContext, FilterFn, Kwargs, TestFn } from './filters/types.js';
import { pythonMethod } from './methods.js';
import { pyAdd, pyCompare, pyContains, pyStr, truthy, typeName } from './python.js';

interface NjContext {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

interface NjRuntimeFrame {
  lookup(name: string): unknown;
}

/** The template file (or `<template>` for inline text) and the 1-based line a call sits on. */
type Where = [string, number];

/** Records where an error happened, unless a deeper call (an included file) already did. */
function located(err: TemplateError, [file, line]: Where): TemplateError {
  if (err.templateLine === undefined) {
    err.templateLine = line;
    err.templateFile = file;
  }
  return err;
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export const templateRuntime = {
  /** `obj.key` / `obj[key]`: own attributes, list indexes (negative too), then Python methods. */
  member(obj: unknown, key: unknown, path: string, where: Where, guarded: boolean): unknown {
    if (obj === undefined || obj === null) {
      if (guarded) return undefined;
      throw located(undefinedVariable(path), where);
    }
    if (Array.isArray(obj) && typeof key === 'number') {
      const i = key < 0 ? obj.length + key : key;
      if (i >= 0 && i < obj.length) return obj[i];
    } else if (typeof key === 'string' || typeof key === 'number') {
      const k = String(key);
      if (typeof obj === 'string' && typeof key === 'number') {
        const i = key < 0 ? obj.length + key : key;
        if (i >= 0 && i < obj.length) return obj[i];
      } else if (typeof obj === 'object' && !Array.isArray(obj) && has(obj, k)) {
        const v = (obj as Record<string, unknown>)[k];
        if (v !== undefined) return typeof v === 'function' ? v.bind(obj) : v;
      } else if (typeof obj === 'function' && has(obj, k)) {
        return (obj as unknown as Record<string, unknown>)[k];
      }
      const method = pythonMethod(obj, k);
      if (method) return method;
    }
    if (guarded) return undefined;
    throw located(undefinedVariable(path), where);
  },

  /** What `{{ x }}` writes: Python str(), with None as an empty string. */
  finalize(v: unknown): string {
    if (v === null || v === undefined) return '';
    return pyStr(v);
  },

  truthy,
  and(left: unknown, right: () => unknown): unknown {
    return truthy(left) ? right() : left;
  },
  or(left: unknown, right: () => unknown): unknown {
    return truthy(left) ? left : right();
  },
  /** Python chained comparison: `a < b < c` is `a < b and b < c`. */
  compare(first: unknown, ...rest: unknown[]): boolean {
    let left = first;
    for (let i = 0; i < rest.length; i += 2) {
      const right = rest[i + 1];
      if (!pyCompare(left, String(rest[i]), right)) return false;
      left = right;
    }
    return true;
  },
  contains(item: unknown, container: unknown): boolean {
    return pyContains(container, item);
  },
  add: pyAdd,
  /** Python slicing `x[start:stop:step]` of lists and strings. */
  slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
    const seq = typeof obj === 'string' ? [...obj] : Array.isArray(obj) ? obj : undefined;
    if (!seq) throw new TemplateError(`cannot slice a value of type '${typeName(obj)}'`);
    const n = seq.length;
    const st = step === null || step === undefined ? 1 : Number(step);
    if (st === 0) throw new TemplateError('slice step cannot be zero');
    const norm = (v: unknown, dflt: number): number => {
      if (v === null || v === undefined) return dflt;
      const i = Number(v) < 0 ? n + Number(v) : Number(v);
      return st > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
    };
    const from = norm(start, st > 0 ? 0 : n - 1);
    const to = norm(stop, st > 0 ? n : -1);
    const out: unknown[] = [];
    for (let i = from; st > 0 ? i < to : i > to; i += st) out.push(seq[i]);
    return typeof obj === 'string' ? out.join('') : out;
  },
  concat(a: unknown, b: unknown): string {
    return pyStr(a) + pyStr(b);
  },
  /** A dict literal's key from an expression (`{ item.name: 1 }`): strings as they are, others as str(). */
  dictKey(key: unknown): string {
    return typeof key === 'string' ? key : pyStr(key);
  },
};

/**
 * Ansible templates variable values when they are used: with `a: '{{ b }}'`, `{{ a }}` is b's value.
 * The templater supplies how to tell and how to render.
 */
export interface VarResolver {
  needsRendering(value: unknown): boolean;
  render(value: unknown, vars: Record<string, unknown>): unknown;
}

function splitKeywords(args: unknown[]): { pos: unknown[]; kw: Kwargs } {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as { __keywords?: unknown }).__keywords === true) {
    const kw: Kwargs = { ...(last as Kwargs) };
    delete kw.__keywords;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: {} };
}

/**
 * The runtime for one environment: the shared helpers plus that environment's filters and tests.
 * The variables of the render in progress are kept here (`withVars`) rather than handed to nunjucks,
 * which would copy every one of them into its Context on each render.
 */
export function makeRuntime(filters: Record<string, FilterFn>, tests: Record<string, TestFn>, resolver: VarResolver) {
  let current: Record<string, unknown> = {};
  // Names whose template values are being rendered right now: `a: '{{ b }}'`, `b: '{{ a }}'` is a loop.
  const resolving: string[] = [];
  const resolveVar = (name: string, value: unknown, where: Where): unknown => {
    if (!resolver.needsRendering(value)) return value;
    if (resolving.includes(name)) {
      throw located(new TemplateError(`recursive loop in variable '${name}' (${[...resolving, name].join(' -> ')})`, { variable: name }), where);
    }
    resolving.push(name);
    try {
      return resolver.render(value, current);
    } catch (e) {
      if (e instanceof TemplateError && !e.message.includes(' (in the value of ')) e.message += ` (in the value of '${name}')`;
      throw e;
    } finally {
      resolving.pop();
    }
  };
  const filterContext = (vars: Record<string, unknown>): FilterContext => ({
    vars,
    filter(name, value, args, kw = {}) {
      if (!has(filters, name)) throw new TemplateError(`no filter named '${name}'`);
      return filters[name](value, args, kw, filterContext(vars));
    },
    test(name, value, args) {
      if (!has(tests, name)) throw new TemplateError(`no test named '${name}'`);
      return tests[name](value, ...args) === true;
    },
  });
  // Renders only the entries looked up: rendering all of them could fail on an unrelated broken var.
  const varsView = (vars: Record<string, unknown>, where: Where): Record<string, unknown> =>
    new Proxy(vars, {
      get: (target, key) => (typeof key === 'string' && has(target, key) ? resolveVar(key, target[key], where) : undefined),
    });
  return {
    ...templateRuntime,
    /** Runs `fn` with `vars` as the variables templates see; renders may nest (lookups, includes). */
    withVars<T>(vars: Record<string, unknown>, fn: () => T): T {
      const saved = current;
      current = vars;
      try {
        return fn();
      } finally {
        current = saved;
      }
    },
    currentVars(): Record<string, unknown> {
      return current;
    },
    /** A bare name: loop and {% set %} names, then the render's vars, then globals (omit, lookup...). */
    lookup(context: NjContext, frame: NjRuntimeFrame, name: string, where: Where, guarded: boolean): unknown {
      const local = frame.lookup(name);
      if (local !== undefined) return local;
      if (has(context.ctx, name) && context.ctx[name] !== undefined) return context.ctx[name];
      if (has(current, name) && current[name] !== undefined) return resolveVar(name, current[name], where);
      if (has(context.env.globals, name)) return context.env.globals[name];
      // Ansible's `vars` magic variable: all variables by name (`vars['customer_' + x]`).
      if (name === 'vars') return varsView(current, where);
      if (guarded) return undefined;
      throw located(undefinedVariable(name), where);
    },
    /** `value | name(args)`: the first of `args` is the value being filtered. */
    filter(name: string, _context: NjContext, where: Where, args: unknown[]): unknown {
      if (!has(filters, name)) throw located(new TemplateError(`no filter named '${name}'`), where);
      const { pos, kw } = splitKeywords(args.slice(1));
      try {
        return filters[name](args[0], pos, kw, filterContext(current));
      } catch (e) {
        throw located(e instanceof TemplateError ? e : new TemplateError(`${name}: ${(e as Error).message}`), where);
      }
    },
    mandatory(value: unknown, path: string, where: Where, msg: unknown): unknown {
      if (value !== undefined) return value;
      const message = typeof msg === 'string' ? msg : `mandatory variable '${path}' is not defined`;
      throw located(new TemplateError(message, { variable: path }), where);
    },
    /** A test by name (`x is defined`); an unknown test is an error, not silently false. */
    test(name: string, value: unknown, ...args: unknown[]): boolean {
      if (!has(tests, name)) throw new TemplateError(`no test named '${name}'`);
      return tests[name](value, ...args) === true;
    },
  };
}
