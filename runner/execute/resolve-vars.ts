// Variables whose values are templates (`url: "http://{{ host }}"`) may refer to vars of any layer,
// as with Ansible's lazy templating. The templating engine copies the vars object on each render, so
// instead of lazy getters the scope is resolved up front, to a fixed point: each round renders the
// template-valued vars against the previous round until nothing changes. A var that cannot render
// (an undefined name, a cycle) keeps its raw text and its error is remembered: using it is an error
// (checkUnresolved), leaving it unused is not — exactly Ansible's behaviour.
import type { Vars } from '../types.js';
import type { ExecTemplater } from './types.js';

const TEMPLATE_MARK = /\{\{|\{%/;
const MAX_ROUNDS = 8;

export function containsTemplate(v: unknown): boolean {
  if (typeof v === 'string') return TEMPLATE_MARK.test(v);
  if (Array.isArray(v)) return v.some(containsTemplate);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).some(containsTemplate);
  return false;
}

export interface Unresolved {
  raw: unknown;
  error: string;
}

const unresolvedOf = new WeakMap<Vars, Map<string, Unresolved>>();

/** `fixed` names vars that are never templates (magic vars such as hostvars, which is computed on lookup). */
export function resolveVars(vars: Vars, t: ExecTemplater, fixed: ReadonlySet<string> = new Set()): Vars {
  const out: Vars = { ...vars };
  let pending = Object.keys(out).filter((k) => !fixed.has(k) && containsTemplate(out[k]));
  const errors = new Map<string, string>();
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const next: string[] = [];
    let progressed = false;
    const snapshot = { ...out };
    for (const key of pending) {
      try {
        const value = t.renderDeep(vars[key], snapshot);
        errors.delete(key);
        if (containsTemplate(value) && round < MAX_ROUNDS - 1) {
          // It used a var that is itself not resolved yet: try again next round.
          if (JSON.stringify(value) !== JSON.stringify(out[key])) progressed = true;
          out[key] = value;
          next.push(key);
        } else {
          out[key] = value;
          progressed = true;
        }
      } catch (err) {
        errors.set(key, err instanceof Error ? err.message : String(err));
        next.push(key);
      }
    }
    pending = next;
    if (!progressed) break;
  }
  const unresolved = new Map<string, Unresolved>();
  for (const key of pending) {
    const error = errors.get(key);
    // Rendered fine but still shows template marks ({% raw %} output, or a cycle): keep the text.
    if (error === undefined) continue;
    out[key] = vars[key];
    unresolved.set(key, { raw: vars[key], error });
  }
  if (unresolved.size) unresolvedOf.set(out, unresolved);
  return out;
}

/** Throws the remembered error when a rendered value still carries the raw text of a var that could not render. */
export function checkUnresolved(vars: Vars, rendered: unknown): void {
  const unresolved = unresolvedOf.get(vars);
  if (!unresolved) return;
  const text = typeof rendered === 'string' ? rendered : JSON.stringify(rendered ?? null);
  for (const [key, u] of unresolved) {
    const raws = typeof u.raw === 'string' ? [u.raw] : collectStrings(u.raw).filter((s) => TEMPLATE_MARK.test(s));
    if (raws.some((r) => text.includes(typeof rendered === 'string' ? r : JSON.stringify(r).slice(1, -1)))) {
      throw new Error(`variable '${key}': ${u.error}`);
    }
  }
}

function collectStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(collectStrings);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(collectStrings);
  return [];
}
