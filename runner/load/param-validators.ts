// One ajv for the plays' `params:` schemas. A schema is compiled once: at load, where it is
// checked as a schema (strict: a typo like `minimun` is an error), and that validator then checks
// the -e values. One instance also compiles ajv's meta-schemas once per run, not twice.
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PARAM_SCHEMA_CHECK } from './precompiled.js';

// ajv and ajv-formats are CommonJS with a default export; NodeNext sees the namespace.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** Also the options scripts/validators.mjs builds the meta-schema check with (PARAM_SCHEMA_CHECK). */
export const PARAM_AJV_OPTIONS = { strict: true, allErrors: true } as const;

// Made on first use, and most plays have no params. In the bundle a schema is checked against the
// meta-schema by the check generated at build time, so ajv need not compile the meta-schema itself.
let ajv: InstanceType<typeof Ajv> | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The validator of a param's schema; throws when the schema itself is invalid. */
export function paramValidator(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    ajv ??= addFormats(new Ajv({ ...PARAM_AJV_OPTIONS, validateSchema: PARAM_SCHEMA_CHECK === undefined }));
    if (PARAM_SCHEMA_CHECK && !PARAM_SCHEMA_CHECK(schema)) throw new Error(`schema is invalid: ${ajv.errorsText(PARAM_SCHEMA_CHECK.errors)}`);
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}
