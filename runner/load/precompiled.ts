// Argument validators of the built-in modules, generated at build time as ajv standalone code
// (scripts/validators.mjs) so a run does not compile schemas. In source runs (tsx, vitest) this map
// is empty and args-check.ts compiles them; `npm run build` substitutes the generated map in the
// bundle (scripts/bundle.mjs).
import type { ValidateFunction } from 'ajv';
import type { ModuleShape } from '../module.js';

/** The plain and the coercing validator of one module's args, from the same options as args-check.ts. */
export interface PrecompiledValidators {
  plain: ValidateFunction;
  coercing: ValidateFunction;
  /** The module's name, freeForm and args (as JSON): enough to check its tasks without its code. */
  shape?: ModuleShape;
}

/** Built-in module name → loader of its generated validators. */
export const PRECOMPILED_VALIDATORS: Readonly<Record<string, () => Promise<PrecompiledValidators>>> = {};

/**
 * The check of a `params:` schema against ajv's meta-schema, generated at build time with
 * param-validators.ts's options (so a run does not compile the meta-schema); undefined in source runs.
 */
export const PARAM_SCHEMA_CHECK: ValidateFunction | undefined = undefined;
