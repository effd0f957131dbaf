// loop / with_items / with_dict / loop_control. The with_* forms become a plain `loop` so the
// executor knows one kind of loop: with_items flattens one level, with_dict becomes dict2items.
import { isMap } from 'yaml';
import type { Diagnostic, LoopControl } from '../types.js';
import { checkKeysPlain } from './keys.js';
import { LOOP_CONTROL_KEYS } from './keywords.js';
import { isTemplated, readNumberish, readString } from './values.js';
import { entries, kindOf, plain, type Entry, type YamlSource } from './yaml.js';

const LOOP_KEYS = ['loop', 'with_items', 'with_dict'];

/** The loop of a task or include, or undefined. A literal list, or a template string rendered at run time. */
export function readLoop(src: YamlSource, es: Entry[], diags: Diagnostic[]): unknown {
  const found = es.filter((e) => LOOP_KEYS.includes(e.key));
  if (found.length === 0) return undefined;
  if (found.length > 1) {
    diags.push({ pos: found[1].pos, message: `'${found[1].key}' and '${found[0].key}' cannot be used together; use one loop` });
    return undefined;
  }
  const e = found[0];
  const value = plain(src, e.value);
  if (e.key === 'with_dict') return withDict(e, value, diags);
  if (typeof value === 'string') {
    if (isTemplated(value)) return value;
    if (e.key === 'with_items') return [value];
  }
  if (Array.isArray(value)) return e.key === 'with_items' ? value.flatMap((v: unknown) => (Array.isArray(v) ? v : [v])) : value;
  diags.push({ pos: e.valuePos, message: `'${e.key}' must be a list or a template giving one, got ${kindOf(e.value)}` });
  return undefined;
}

function withDict(e: Entry, value: unknown, diags: Diagnostic[]): unknown {
  if (isMap(e.value) && value !== null && typeof value === 'object') {
    return Object.entries(value).map(([key, v]) => ({ key, value: v }));
  }
  const single = typeof value === 'string' ? /^\s*\{\{(.*)\}\}\s*$/s.exec(value) : null;
  if (single && !single[1].includes('}}')) return `{{ (${single[1].trim()}) | dict2items }}`;
  diags.push({ pos: e.valuePos, message: `'with_dict' must be a mapping or a single '{{ expression }}' giving one, got ${kindOf(e.value)}` });
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
