// A module's arguments against its TypeBox schema, with ajv: the one validator. Used before the run
// on literal values (validatePlaybook, checkArgs) and by runModule after templating (argsForRun).
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ModuleShape } from '../module.js';
import type { Vars } from '../types.js';
import { suggest } from './keywords.js';
import { isTemplated } from './values.js';

// ajv and ajv-formats are CommonJS with a default export; NodeNext sees the namespace.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

// strict: false because module authors may add annotation keywords ajv does not know.
// useDefaults: an argument with a default is not missing (callers pass a clone).
// scripts/validators.mjs generates the built-ins' validators at build time with these same options.
export const AJV_OPTIONS = {
  plain: { allErrors: true, strict: false, useDefaults: true },
  coercing: { allErrors: true, strict: false, useDefaults: true, coerceTypes: true },
} as const;

// Each instance compiles ajv's meta-schemas when made: made on first use, not at start-up.
const instances: Partial<Record<'plain' | 'coercing', InstanceType<typeof Ajv>>> = {};
function ajvFor(coerce: boolean): InstanceType<typeof Ajv> {
  const kind = coerce ? 'coercing' : 'plain';
  return (instances[kind] ??= addFormats(new Ajv({ ...AJV_OPTIONS[kind] })));
}

const validators = new WeakMap<object, ValidateFunction>();
const coercingValidators = new WeakMap<object, ValidateFunction>();

/**
 * Hands argsValidator the build-time compiled validators of a schema (runner/load/precompiled.ts),
 * so it finds them instead of compiling. Same options, same code: the checks and errors are the same.
 */
export function usePrecompiled(schema: object, v: { plain: ValidateFunction; coercing: ValidateFunction }): void {
  validators.set(schema, v.plain);
  coercingValidators.set(schema, v.coercing);
}

export function argsValidator(mod: ModuleShape, coerce = false): ValidateFunction {
  const cache = coerce ? coercingValidators : validators;
  let v = cache.get(mod.args);
  if (!v) {
    v = ajvFor(coerce).compile(mod.args);
    cache.set(mod.args, v);
  }
  return v;
}

/** One problem with one argument; `arg` is the top-level argument it is about ('' for the whole set). */
export interface ArgProblem {
  arg: string;
  /** Dotted path below the module, e.g. `dest` or `rules.0.port`. */
  field: string;
  message: string;
}

/** The argument names a schema declares, across anyOf/oneOf/allOf branches. */
export function declaredArgs(schema: unknown): { names: Set<string>; open: boolean } {
  const names = new Set<string>();
  let open = false;
  const visit = (s: unknown): void => {
    if (s === null || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) names.add(k);
    // Our rule: an object schema is closed unless it says otherwise (TypeBox leaves additionalProperties unset).
    if ((o.additionalProperties !== undefined && o.additionalProperties !== false) || o.patternProperties !== undefined) open = true;
    for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach(visit);
  };
  visit(schema);
  return { names, open };
}

/**
 * Maps a free-form string to the module's free-form argument (`command: ls` → `cmd: ls`) when the
 * module declares one. The executor calls this before templating too.
 */
export function normalizeArgs(mod: ModuleShape, args: Vars): Vars {
  if (!('_raw_params' in args) || mod.freeForm === undefined) return args;
  const { _raw_params: raw, ...rest } = args;
  return { [mod.freeForm]: raw, ...rest };
}

/**
 * Problems with `args` (already normalized). With `skipTemplated`, arguments holding `{{ }}` are
 * left for the run-time check after templating. With `coerce`, args are coerced and defaults
 * filled in place (`"22"` to 22, `"yes"` to true), as the executor does before running a module.
 */
export function checkArgs(mod: ModuleShape, given: Vars, opts: { skipTemplated?: boolean; coerce?: boolean } = {}): ArgProblem[] {
  const problems: ArgProblem[] = [];
  // Defaults are filled in while checking; only a coercing check may change the caller's object.
  const args = opts.coerce ? given : structuredClone(given);
  const { names, open } = declaredArgs(mod.args);
  if (!open) {
    for (const k of Object.keys(args)) {
      if (names.has(k)) continue;
      const what = k === '_raw_params' ? `'${mod.name}' takes no free-form string; give its arguments as a mapping` : `unknown argument '${k}' for ${mod.name}${suggest(k, names)}`;
      problems.push({ arg: k, field: k, message: what });
    }
  }
  if (opts.coerce) ansibleBooleans(mod.args, args);
  const skipped = new Set(opts.skipTemplated ? Object.keys(args).filter((k) => isTemplated(args[k])) : []);
  const validate = argsValidator(mod, opts.coerce === true);
  if (validate(args)) return problems;
  const errors = (validate.errors ?? []).filter((e) => !skipped.has(topArg(e)) && !(e.keyword === 'additionalProperties'));
  const hadSkips = (validate.errors ?? []).some((e) => skipped.has(topArg(e)));
  for (const e of collapseUnions(errors)) {
    // A failed anyOf at the top is often only the echo of a templated argument we skipped.
    if (hadSkips && e.instancePath === '' && ['anyOf', 'oneOf', 'if'].includes(e.keyword)) continue;
    problems.push(describe(e));
  }
  return dedupe(problems);
}

/**
 * The arguments a module runs with, after templating: defaults filled, strings converted where the
 * schema wants numbers or booleans (yes/no too), then checked as at load time.
 */
export function argsForRun(mod: ModuleShape, args: Vars): { ok: true; args: Vars } | { ok: false; error: string } {
  // An argument given as null (`mode:` with nothing after it) means "not given", as in Ansible.
  const given = structuredClone(Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null)));
  const problems = checkArgs(mod, given, { coerce: true });
  if (problems.length === 0) return { ok: true, args: given };
  return { ok: false, error: `${mod.name}: ${problems.slice(0, 5).map((p) => p.message).join('; ')}` };
}

/**
 * ajv reports each failed branch of a union and then the union itself. When the branches at the
 * value's own path only disagree on type or constant, say it once: "must be string or integer".
 */
function collapseUnions(errors: ErrorObject[]): ErrorObject[] {
  let out = errors;
  for (const u of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const base = u.schemaPath;
    const branches = out.filter((e) => e !== u && e.instancePath === u.instancePath && e.schemaPath.startsWith(`${base}/`));
    if (branches.length === 0 || !branches.every((b) => ['type', 'const', 'enum'].includes(b.keyword))) continue;
    const alternatives = branches.map((b) => {
      const p = b.params as Record<string, unknown>;
      if (b.keyword === 'type') return String(p.type);
      if (b.keyword === 'const') return JSON.stringify(p.allowedValue);
      return (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
    });
    const merged: ErrorObject = { ...u, keyword: 'union', message: `must be ${[...new Set(alternatives)].join(' or ')}` };
    out = out.filter((e) => e !== u && !branches.includes(e));
    out.push(merged);
  }
  return out;
}

const ANSIBLE_BOOL: Record<string, boolean> = { yes: true, on: true, y: true, true: true, no: false, off: false, n: false, false: false };

/** Ansible takes yes/no/on/off for booleans (the executor does too); ajv's coercion knows only true/false. */
function ansibleBooleans(schema: unknown, args: Vars): void {
  const props = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  for (const [k, p] of Object.entries(props)) {
    const v = args[k];
    if (p.type === 'boolean' && typeof v === 'string' && v.toLowerCase() in ANSIBLE_BOOL) args[k] = ANSIBLE_BOOL[v.toLowerCase()];
  }
}

function topArg(e: ErrorObject): string {
  const path = e.instancePath.split('/').slice(1);
  if (path.length > 0) return unescape(path[0]);
  if (e.keyword === 'required') return String((e.params as { missingProperty?: string }).missingProperty ?? '');
  return '';
}

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function describe(e: ErrorObject): ArgProblem {
  const path = e.instancePath.split('/').slice(1).map(unescape);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    const missing = String(params.missingProperty);
    const field = [...path, missing].join('.');
    return { arg: path[0] ?? missing, field, message: `missing required argument '${field}'` };
  }
  const field = path.join('.');
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'enum') message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') message = `must be ${JSON.stringify(params.allowedValue)}`;
  return { arg: path[0] ?? '', field, message: field ? `argument '${field}' ${message}` : `arguments ${message}` };
}

function dedupe(ps: ArgProblem[]): ArgProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.field}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
