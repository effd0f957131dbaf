// The play's `params:` section (our extension): name → JSON Schema plus `required`, `secret` and
// `description`. Checked here as schemas (a typo like `minimun` is an error); values are checked
// against them when -e is applied (runner/load/params.ts).
import { isMap } from 'yaml';
import type { Diagnostic, ParamSpec } from '../types.js';
import { paramValidator } from './param-validators.js';
import { isVarName } from './values.js';
import { entries, kindOf, plain, type Entry, type YamlSource } from './yaml.js';

export function readParams(src: YamlSource, e: Entry, diags: Diagnostic[]): Record<string, ParamSpec> {
  const out: Record<string, ParamSpec> = {};
  if (!isMap(e.value)) {
    diags.push({ pos: e.valuePos, message: `'params' must be a mapping of parameter names to schemas, got ${kindOf(e.value)}` });
    return out;
  }
  for (const p of entries(src, e.value, diags)) {
    const spec = readParam(src, p, diags);
    if (spec) out[p.key] = spec;
  }
  return out;
}

function readParam(src: YamlSource, p: Entry, diags: Diagnostic[]): ParamSpec | undefined {
  if (!isVarName(p.key)) diags.push({ pos: p.pos, message: `parameter '${p.key}' is not a valid variable name` });
  if (!isMap(p.value)) {
    diags.push({ pos: p.valuePos, message: `parameter '${p.key}' must be a mapping (a JSON Schema such as {type: string}), got ${kindOf(p.value)}` });
    return undefined;
  }
  const raw = plain(src, p.value) as Record<string, unknown>;
  const { required, secret, ...schema } = raw;
  const fieldPos = (k: string): Entry['pos'] => entries(src, p.value, []).find((x) => x.key === k)?.pos ?? p.pos;
  if (required !== undefined && typeof required !== 'boolean') {
    diags.push({ pos: fieldPos('required'), message: `parameter '${p.key}': 'required' must be true or false`, field: p.key });
  }
  if (secret !== undefined && typeof secret !== 'boolean') {
    diags.push({ pos: fieldPos('secret'), message: `parameter '${p.key}': 'secret' must be true or false`, field: p.key });
  }
  try {
    const validate = paramValidator(schema);
    if (schema.default !== undefined && !validate(schema.default)) {
      const why = (validate.errors ?? []).map((er) => `${er.instancePath || 'value'} ${er.message ?? ''}`.trim()).join('; ');
      diags.push({ pos: fieldPos('default'), message: `parameter '${p.key}': default does not match its own schema: ${why}`, field: p.key });
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    diags.push({ pos: p.valuePos, message: `parameter '${p.key}': invalid schema: ${msg}`, field: p.key });
  }
  const spec: ParamSpec = { schema, required: required === true, secret: secret === true, pos: p.pos };
  if (typeof schema.description === 'string') spec.description = schema.description;
  return spec;
}
