// Variable files (vars_files:, roles' defaults/ and vars/): a YAML or JSON mapping.
import { isMap, isScalar } from 'yaml';
import type { Diagnostic, SourcePos, Vars } from '../types.js';
import { isVarName } from './values.js';
import { entries, kindOf, plain, posOf, readYaml } from './yaml.js';

/** Reads a mapping of variables; an empty file is {}. Problems go to `diags`; a missing file is reported at `from`. */
export function readVarsFile(file: string, diags: Diagnostic[], from: SourcePos): Vars {
  const src = readYaml(file, diags, from);
  if (!src) return {};
  const root = src.doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return {};
  if (!isMap(root)) {
    diags.push({ pos: posOf(src, root), message: `a variables file must hold a mapping of names to values, got ${kindOf(root)}` });
    return {};
  }
  for (const e of entries(src, root, diags)) {
    if (!isVarName(e.key)) diags.push({ pos: e.pos, message: `'${e.key}' is not a valid variable name` });
  }
  const value = plain(src, root);
  return value !== null && typeof value === 'object' ? (value as Vars) : {};
}
