// Module argument schemas as an editor should see them: a value may be a Jinja2 template, decided at
// run time, and a boolean may be written the YAML 1.1 way (`yes`). The runner itself checks literal
// values with the untouched schema (runner/load/args-check.ts).

export type JsonSchema = Record<string, unknown>;

export const TEMPLATE_REF = { $ref: '#/definitions/template' };
export const YAML_BOOL_REF = { $ref: '#/definitions/yaml_bool' };

/** A plain copy without TypeBox's symbol keys (JSON has no symbols). */
export function plainSchema(s: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(s)) as JsonSchema;
}

const NESTED_MAPS = ['properties', 'patternProperties', 'definitions'];
const NESTED_LISTS = ['anyOf', 'oneOf', 'allOf'];
const CONSTRAINTS = ['pattern', 'enum', 'const', 'format', 'minLength', 'maxLength'];

/** Recursively lets every constrained or non-string value also be a template string. */
export function allowTemplates(schema: JsonSchema): JsonSchema {
  const s: JsonSchema = { ...schema };
  for (const k of NESTED_MAPS) {
    const m = s[k];
    if (m && typeof m === 'object') {
      s[k] = Object.fromEntries(Object.entries(m as Record<string, JsonSchema>).map(([n, v]) => [n, allowTemplates(v)]));
    }
  }
  for (const k of NESTED_LISTS) if (Array.isArray(s[k])) s[k] = (s[k] as JsonSchema[]).map(allowTemplates);
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) s.items = allowTemplates(s.items as JsonSchema);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') s.additionalProperties = allowTemplates(s.additionalProperties as JsonSchema);
  const plainString = s.type === 'string' && !CONSTRAINTS.some((c) => c in s);
  if (plainString || NESTED_LISTS.some((k) => k in s) || Object.keys(s).every((k) => k === 'description' || k === 'default')) return s;
  const alternatives: JsonSchema[] = [s, TEMPLATE_REF];
  if (s.type === 'boolean') alternatives.push(YAML_BOOL_REF);
  const wrapped: JsonSchema = { anyOf: alternatives };
  // Keep hover text on the outside, where editors look for it.
  if (typeof s.description === 'string') wrapped.description = s.description;
  if ('default' in s) wrapped.default = s.default;
  return wrapped;
}

/** Closes a top-level object schema: unknown arguments are errors, as in validatePlaybook. */
export function closeObject(schema: JsonSchema): JsonSchema {
  if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined && schema.patternProperties === undefined) {
    return { ...schema, additionalProperties: false };
  }
  return schema;
}

/** Arguments with a default are not required of the playbook author (the runner fills them in). */
export function relaxDefaults(schema: JsonSchema): JsonSchema {
  const s: JsonSchema = { ...schema };
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (props && typeof props === 'object') {
    s.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, relaxDefaults(v)]));
    if (Array.isArray(s.required)) s.required = (s.required as string[]).filter((k) => !(props[k] && 'default' in props[k]));
  }
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[k])) s[k] = (s[k] as JsonSchema[]).map(relaxDefaults);
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) s.items = relaxDefaults(s.items as JsonSchema);
  return s;
}
