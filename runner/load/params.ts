// Applies a play's `params:` to the -e values: coerces k=v strings to the declared JSON Schema type
// (`-e flag=false` is false, `-e mqtt_port=8883` is 8883), fills defaults, checks `required`, then
// validates with ajv. Problems are diagnostics at the param's declaration, naming the value — except
// for secret params, whose values never appear in a message and are returned for redaction.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic, ParamSpec, Play, Vars } from '../types.js';
import { paramValidator } from './param-validators.js';


const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', 'f', '0']);

export interface ParamsResult {
  /** The extra vars with declared params coerced and defaults filled in. */
  vars: Vars;
  diagnostics: Diagnostic[];
  /** Values of secret params (as strings) for the reporter to redact. */
  secrets: string[];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Declared types; without `type`, the types of the enum values or of the default say what was meant. */
function typesOf(schema: Record<string, unknown>): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  const examples = Array.isArray(schema.enum) ? schema.enum : schema.default !== undefined ? [schema.default] : [];
  return [...new Set(examples.map(jsonType))];
}

/** One string from -e turned into the first declared type it fits; otherwise left for ajv to reject. */
function coerceString(value: string, types: string[]): unknown {
  const s = value.trim();
  for (const type of types) {
    if (type === 'integer' && /^[-+]?\d+$/.test(s)) return Number(s);
    if (type === 'number' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Number(s);
    if (type === 'boolean' && TRUE_WORDS.has(s.toLowerCase())) return true;
    if (type === 'boolean' && FALSE_WORDS.has(s.toLowerCase())) return false;
    if (type === 'null' && ['', 'null', 'none', '~'].includes(s.toLowerCase())) return null;
    if (type === 'string') return value;
    if (type === 'array' || type === 'object') {
      try {
        const parsed: unknown = parseYaml(value, { version: '1.1' });
        if (type === 'array' && Array.isArray(parsed)) return parsed;
        if (type === 'object' && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
      } catch {
        // not YAML: ajv reports the type mismatch with the original string
      }
    }
  }
  return value;
}

export function coerceParam(value: unknown, schema: Record<string, unknown>): unknown {
  return typeof value === 'string' ? coerceString(value, typesOf(schema)) : value;
}

/** A value as an operator would write it: strings quoted, long ones shortened. Control characters are
 * escaped (`\n`, `\u001b`): a hostile value must not break the message line or drive the terminal. */
export function showValue(v: unknown): string {
  const s = typeof v === 'string' ? `'${escapeControls(v)}'` : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function escapeControls(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `Acme Corp` → `acme-corp`: the dashed lowercase name operators usually meant. */
export function dashedName(v: string): string {
  return v
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const TYPE_WORDS: Record<string, string> = { integer: 'an integer', number: 'a number', boolean: 'true or false', string: 'a string', array: 'a list', object: 'a mapping', null: 'null' };

function describeError(name: string, e: ErrorObject, value: unknown, spec: ParamSpec): string {
  const p = e.params as Record<string, unknown>;
  // Inside a list or mapping, name the element path; at the top, show the value (never a secret one).
  const what = e.instancePath ? `${name}${e.instancePath.replace(/\//g, '.')}` : `${name}: ${spec.secret ? '(secret value)' : showValue(value)}`;
  switch (e.keyword) {
    case 'type': {
      const types = String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      return `${what} is not ${types.join(' or ')}`;
    }
    case 'pattern': {
      let msg = `${what} does not match ${String(p.pattern)}`;
      if (!spec.secret && !e.instancePath && typeof value === 'string' && /^[A-Za-z0-9 _.-]+$/.test(value)) {
        const better = dashedName(value);
        if (better !== value && better !== '' && new RegExp(String(p.pattern), 'u').test(better)) msg += ` (use '${better}')`;
      }
      return msg;
    }
    case 'minimum':
      return `${what} is less than the minimum ${String(p.limit)}`;
    case 'maximum':
      return `${what} is greater than the maximum ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `${what} must be greater than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `${what} must be less than ${String(p.limit)}`;
    case 'enum':
      return `${what} is not one of ${(p.allowedValues as unknown[]).map(showValue).join(', ')}`;
    case 'maxLength':
      return `${what} is longer than ${String(p.limit)} characters`;
    case 'minLength':
      return `${what} is shorter than ${String(p.limit)} characters`;
    case 'format':
      return `${what} is not a valid ${String(p.format)}`;
    default:
      return `${what} ${e.message ?? 'is invalid'}`;
  }
}

function secretStrings(raw: unknown, coerced: unknown): string[] {
  const out = new Set<string>();
  for (const v of [raw, coerced]) {
    if (v === undefined || v === null) continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (s !== '') out.add(s);
  }
  return [...out];
}

/** Applies `play.params` to the extra vars; see the top of this file. */
export function applyParams(play: Play, extra: Vars): ParamsResult {
  const vars: Vars = { ...extra };
  const diagnostics: Diagnostic[] = [];
  const secrets: string[] = [];
  for (const [name, spec] of Object.entries(play.params)) {
    const passed = Object.prototype.hasOwnProperty.call(extra, name) && extra[name] !== undefined;
    if (!passed) {
      if (spec.schema.default !== undefined) {
        vars[name] = structuredClone(spec.schema.default);
      } else if (spec.required) {
        diagnostics.push({ pos: spec.pos, field: name, message: `parameter '${name}' is required: pass it with -e ${name}=...` });
      }
      continue;
    }
    const raw = extra[name];
    const value = coerceParam(raw, spec.schema);
    vars[name] = value;
    if (spec.secret) secrets.push(...secretStrings(raw, value));
    let validate: ValidateFunction;
    try {
      validate = paramValidator(spec.schema);
    } catch (e) {
      diagnostics.push({ pos: spec.pos, field: name, message: `parameter '${name}': invalid schema: ${(e as Error).message}` });
      continue;
    }
    if (validate(value)) continue;
    // One message per problem; ajv's type error makes follow-up keyword errors noise.
    const errors = validate.errors ?? [];
    const typeErr = errors.find((e) => e.keyword === 'type' && e.instancePath === '');
    for (const e of typeErr ? [typeErr] : errors) diagnostics.push({ pos: spec.pos, field: name, message: describeError(name, e, value, spec) });
  }
  return { vars, diagnostics, secrets };
}
