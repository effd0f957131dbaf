// "unknown key" checks for small mappings (loop_control, params entries, role entries, meta).
import type { Diagnostic } from '../types.js';
import { suggest } from './keywords.js';
import type { Entry } from './yaml.js';

export function checkKeysPlain(es: Entry[], allowed: readonly string[], what: string, diags: Diagnostic[]): void {
  for (const e of es) {
    if (!allowed.includes(e.key)) diags.push({ pos: e.pos, message: `unknown key '${e.key}' in ${what}${suggest(e.key, allowed)}` });
  }
}
