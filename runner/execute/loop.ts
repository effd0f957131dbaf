// Loop items: `loop`, `with_items` (flattened one level, as Ansible does) and `with_dict`
// (turned into {key, value} items). The loader keeps the raw value; it is templated here, at run time.
import type { LoopControl, Vars } from '../types.js';

export interface LoopItem {
  value: unknown;
  index: number;
}

/** Turns the rendered loop value into items; throws a readable error for non-lists. */
export function loopItems(rendered: unknown, kind: 'loop' | 'with_items' | 'with_dict' = 'loop'): unknown[] {
  if (kind === 'with_dict' || (rendered !== null && typeof rendered === 'object' && !Array.isArray(rendered))) {
    if (rendered === null || typeof rendered !== 'object' || Array.isArray(rendered)) {
      throw new Error(`with_dict expects a dict, got ${describe(rendered)}`);
    }
    return Object.entries(rendered).map(([key, value]) => ({ key, value }));
  }
  if (!Array.isArray(rendered)) {
    if (typeof rendered === 'string' && kind === 'with_items') return [rendered];
    throw new Error(`${kind} expects a list, got ${describe(rendered)}`);
  }
  if (kind === 'with_items') return rendered.flatMap((v) => (Array.isArray(v) ? v : [v]));
  return rendered;
}

/** The variables one item adds: the loop var, index var and `ansible_loop` details. */
export function itemVars(item: unknown, index: number, count: number, ctl: LoopControl | undefined): Vars {
  const vars: Vars = { [ctl?.loopVar ?? 'item']: item };
  if (ctl?.indexVar) vars[ctl.indexVar] = index;
  vars['ansible_loop'] = {
    index: index + 1,
    index0: index,
    first: index === 0,
    last: index === count - 1,
    length: count,
    revindex: count - index,
    revindex0: count - index - 1,
  };
  return vars;
}

/** What a value is, for errors: 'nothing', 'a list', 'a dict', or its type and JSON. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a dict' : `${typeof v} ${JSON.stringify(v)}`;
}
