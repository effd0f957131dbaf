// One ajv for the plays' `params:` schemas. A schema is compiled once: at load, where it is
// checked as a schema (strict: a typo like `minimun` is an error), and that validator then checks
// the -e values. One instance also compiles ajv's meta-schemas once per run, not twice.
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS with a default export; NodeNext sees the namespace.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

// Made on first use: creating an instance compiles ajv's meta-schemas, and most plays have no params.
let ajv: InstanceType<typeof Ajv> | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The validator of a param's schema; throws when the schema itself is invalid. */
export function paramValidator(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = (ajv ??= addFormats(new Ajv({ strict: true, allErrors: true }))).compile(schema);
    compiled.set(key, v);
  }
  return v;
}
