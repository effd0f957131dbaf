// loop / with_* / loop_control. with_items (flattened one level) and a literal with_dict become a plain
// `loop`; the other with_* forms keep their value and a LoopKind the executor expands at run time.
import { isMap } from 'yaml';
import type { Diagnostic, LoopControl, LoopKind } from '../types.js';
import { checkKeysPlain } from './keys.js';
import { LOOP_CONTROL_KEYS, WITH_LOOPS } from './keywords.js';
import { isTemplated, readNumberish, readString } from './values.js';
import { entries, kindOf, plain, type Entry, type YamlSource } from './yaml.js';

const LOOP_KEYS = ['loop', ...WITH_LOOPS];

/** with_* forms whose items the executor computes from the rendered value (runner/execute/loop-kinds.ts). */
const KIND_OF: Record<string, LoopKind> = {
  with_dict: 'dict', with_nested: 'nested', with_cartesian: 'nested', with_together: 'together',
  with_indexed_items: 'indexed_items', with_fileglob: 'fileglob', with_first_found: 'first_found',
  with_sequence: 'sequence', with_subelements: 'subelements', with_list: 'list', with_random_choice: 'random_choice',
};

export interface ReadLoop {
  loop: unknown;
  kind?: LoopKind;
}

/** The loop of a task or include, or undefined. A literal list, or a template string rendered at run time. */
export function readLoop(src: YamlSource, es: Entry[], diags: Diagnostic[]): ReadLoop | undefined {
  const found = es.filter((e) => LOOP_KEYS.includes(e.key));
  if (found.length === 0) return undefined;
  if (found.length > 1) {
    diags.push({ pos: found[1].pos, message: `'${found[1].key}' and '${found[0].key}' cannot be used together; use one loop` });
    return undefined;
  }
  const e = found[0];
  const value = plain(src, e.value);
  const kind = KIND_OF[e.key];
  if (e.key === 'with_dict') return withDict(e, value, diags);
  if (kind !== undefined) {
    if (value === null || value === undefined) {
      diags.push({ pos: e.valuePos, message: `'${e.key}' needs a value` });
      return undefined;
    }
    return { loop: value, kind };
  }
  if (typeof value === 'string') {
    if (isTemplated(value)) return { loop: value };
    if (e.key === 'with_items') return { loop: [value] };
  }
  if (Array.isArray(value)) return { loop: e.key === 'with_items' ? value.flatMap((v: unknown) => (Array.isArray(v) ? v : [v])) : value };
  diags.push({ pos: e.valuePos, message: `'${e.key}' must be a list or a template giving one, got ${kindOf(e.value)}` });
  return undefined;
}

function withDict(e: Entry, value: unknown, diags: Diagnostic[]): ReadLoop | undefined {
  if (isMap(e.value) && value !== null && typeof value === 'object') {
    return { loop: Object.entries(value).map(([key, v]) => ({ key, value: v })) };
  }
  // A template (a dict, or a list of dicts whose pairs are chained, as Ansible's dict lookup does).
  if (typeof value === 'string' && isTemplated(value)) return { loop: value, kind: 'dict' };
  if (Array.isArray(value)) return { loop: value, kind: 'dict' };
  diags.push({ pos: e.valuePos, message: `'with_dict' must be a mapping, a list of mappings or a template giving one, got ${kindOf(e.value)}` });
  return undefined;
}

export function readLoopControl(src: YamlSource, e: Entry, diags: Diagnostic[]): LoopControl | undefined {
  if (!isMap(e.value)) {
    diags.push({ pos: e.valuePos, message: `'loop_control' must be a mapping, got ${kindOf(e.value)}` });
    return undefined;
  }
  const es = entries(src, e.value, diags);
  checkKeysPlain(es, LOOP_CONTROL_KEYS, 'loop_control', diags);
  const lc: LoopControl = {};
  for (const c of es) {
    if (c.key === 'loop_var') lc.loopVar = readString(src, c, diags);
    else if (c.key === 'index_var') lc.indexVar = readString(src, c, diags);
    else if (c.key === 'label') lc.label = readString(src, c, diags);
    else if (c.key === 'pause') {
      const p = readNumberish(src, c, diags);
      if (typeof p === 'number') lc.pause = p;
      else if (typeof p === 'string') diags.push({ pos: c.valuePos, message: "'pause' must be a number of seconds" });
    }
  }
  for (const k of Object.keys(lc) as (keyof LoopControl)[]) if (lc[k] === undefined) delete lc[k];
  return lc;
}

/** An include's `loop:` (or `with_*:`) and `loop_control:`, set on the node. */
export function readIncludeLoop(src: YamlSource, es: Entry[], node: { loop?: unknown; loopKind?: LoopKind; loopControl?: LoopControl }, diags: Diagnostic[]): void {
  const loop = readLoop(src, es, diags);
  if (loop !== undefined) {
    node.loop = loop.loop;
    if (loop.kind) node.loopKind = loop.kind;
  }
  const lc = es.find((x) => x.key === 'loop_control');
  if (lc) node.loopControl = readLoopControl(src, lc, diags);
}
