// Variables whose values are templates (`url: "http://{{ host }}"`) are rendered when read, like
// Ansible's lazy templating, so a var may refer to vars of any layer. A var referring to itself
// (directly or in a cycle) is an error naming it.
import type { Vars } from '../types.js';
import type { ExecTemplater } from './types.js';

const TEMPLATE_MARK = /\{\{|\{%/;

export function isTemplate(v: unknown): v is string {
  return typeof v === 'string' && TEMPLATE_MARK.test(v);
}

/** A read-only view of `vars` whose template strings (at any depth) render on first access. */
export function lazyVars(vars: Vars, templater: ExecTemplater): Vars {
  const cache = new Map<string, unknown>();
  const resolving = new Set<string>();
  const resolve = (key: string): unknown => {
    if (cache.has(key)) return cache.get(key);
    const raw = vars[key];
    if (!containsTemplate(raw)) return raw;
    if (resolving.has(key)) throw new Error(`variable '${key}' refers to itself (recursive template)`);
    resolving.add(key);
    try {
      const value = templater.renderDeep(raw, view as Vars);
      cache.set(key, value);
      return value;
    } finally {
      resolving.delete(key);
    }
  };
  const view: Vars = new Proxy(vars, {
    get(target, key) {
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return Reflect.get(target, key);
      return resolve(key);
    },
    getOwnPropertyDescriptor(target, key) {
      const d = Reflect.getOwnPropertyDescriptor(target, key);
      if (!d || typeof key !== 'string') return d;
      return { ...d, value: resolve(key) };
    },
    set() {
      return false;
    },
  });
  return view;
}

export function containsTemplate(v: unknown): boolean {
  if (isTemplate(v)) return true;
  if (Array.isArray(v)) return v.some(containsTemplate);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsTemplate);
  return false;
}
