// The build-time validators (scripts/validators.mjs, ajv standalone code) must check exactly as the
// ones args-check.ts compiles: same problems, same messages, same coercion and defaults, for every
// built-in module.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AJV_OPTIONS, checkArgs, normalizeArgs, usePrecompiled } from '../../../runner/load/args-check.js';
import type { AnyModule, ModuleShape } from '../../../runner/module.js';
import type { Vars } from '../../../runner/types.js';
import { BUILTIN_MODULES } from '../../../modules/builtins.js';
// @ts-expect-error: a plain .mjs build script without types
import { paramSchemaCheckSource, validatorsSource } from '../../../scripts/validators.mjs';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PARAM_AJV_OPTIONS } from '../../../runner/load/param-validators.js';

const requireHere = createRequire(import.meta.url);

/** Evaluates the generated ES module text (its only imports are ajv runtime helpers via require). */
function evaluate(source: string): { plain: never; coercing: never; check: never; shape: never } {
  const body = source.replace(/^export const (\w+) =/gm, 'exports.$1 =');
  const exports: Record<string, never> = {};
  new Function('exports', 'require', body)(exports, requireHere);
  return exports as { plain: never; coercing: never; check: never; shape: never };
}

async function builtin(name: string): Promise<AnyModule> {
  const exported = (await BUILTIN_MODULES[name]!()).default as AnyModule | AnyModule[];
  return (Array.isArray(exported) ? exported : [exported]).find((m) => m.name === name)!;
}

// Bad and good inputs that reach most keywords: types, unknowns, missing required, enums, nested.
const INPUTS: Vars[] = [
  {},
  { bogus: 1 },
  { path: 5, dest: ['x'], state: 'nope', mode: { a: 1 }, port: '70000', name: '' },
  { path: '/etc/x', dest: '/etc/x', state: 'present', port: '22', force: 'yes', backup: 'no', src: 'a' },
  { name: 'acme', cmd: 'ls', rules: [{ port: 'x' }], lines: 'notalist', content: 3 },
];

describe('precompiled argument validators', () => {
  it('give the same problems and coerced args as compiled ones for every built-in', async () => {
    for (const name of Object.keys(BUILTIN_MODULES)) {
      const mod = await builtin(name);
      // A twin whose schema is a distinct object: argsValidator caches by schema identity.
      const twin = { ...mod, args: structuredClone(mod.args) } as AnyModule;
      usePrecompiled(twin.args, evaluate(validatorsSource(name, mod.args, AJV_OPTIONS) as string));
      for (const input of INPUTS) {
        for (const coerce of [false, true]) {
          const a = structuredClone(input);
          const b = structuredClone(input);
          expect({ name, coerce, problems: checkArgs(twin, a, { coerce }), args: a }).toEqual({ name, coerce, problems: checkArgs(mod, b, { coerce }), args: b });
        }
      }
    }
  });

  it('are the generated ones argsValidator uses once handed over', async () => {
    const mod = await builtin('file');
    const twin = { ...mod, args: structuredClone(mod.args) } as AnyModule;
    const v = evaluate(validatorsSource('file', mod.args, AJV_OPTIONS) as string);
    // A validator that accepts nothing shows that checkArgs asks the handed-over one.
    const refuse = Object.assign(() => false, { errors: [{ instancePath: '', schemaPath: '#', keyword: 'x', params: {}, message: 'refused by the stand-in' }] });
    usePrecompiled(twin.args, { plain: refuse as never, coercing: v.coercing });
    expect(checkArgs(twin, { path: '/x' }).map((p) => p.message)).toEqual(['arguments refused by the stand-in']);
    expect(checkArgs(twin, { path: '/x' }, { coerce: true })).toEqual([]);
  });
});

describe("the built-ins' shapes generated with their validators", () => {
  it('check every task as the module itself does, for every built-in', async () => {
    for (const name of Object.keys(BUILTIN_MODULES)) {
      const mod = await builtin(name);
      const generated = evaluate(validatorsSource(name, mod.args, AJV_OPTIONS, mod) as string);
      const shape = generated.shape as unknown as ModuleShape;
      expect({ name: shape.name, freeForm: shape.freeForm }).toEqual({ name: mod.name, freeForm: mod.freeForm });
      expect(shape.args).toEqual(JSON.parse(JSON.stringify(mod.args)));
      usePrecompiled(shape.args, generated);
      for (const input of [...INPUTS, { _raw_params: 'echo hi' }]) {
        for (const coerce of [false, true]) {
          const a = structuredClone(normalizeArgs(shape, input));
          const b = structuredClone(normalizeArgs(mod, input));
          expect({ name, coerce, problems: checkArgs(shape, a, { coerce }), args: a }).toEqual({ name, coerce, problems: checkArgs(mod, b, { coerce }), args: b });
        }
      }
    }
  });
});

describe('the precompiled check of a params: schema', () => {
  it("finds what ajv's own meta-schema check finds, with the same messages", () => {
    const check = evaluate(paramSchemaCheckSource(PARAM_AJV_OPTIONS) as string).check as unknown as AjvModule.ValidateFunction;
    const ajv = addFormatsModule.default(new AjvModule.default({ ...PARAM_AJV_OPTIONS }));
    const schemas: Record<string, unknown>[] = [
      { type: 'integer', minimum: 1, maximum: 65535 },
      { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'name' },
      { type: 'integr' },
      { type: 'string', pattern: '([a-' },
      { type: 'array', items: { type: 'string', format: 'hostname' }, minItems: 'one' },
      { enum: [] },
      { type: ['string', 'null'], default: null },
      { properties: { a: { type: 'strin' } }, required: 'a' },
    ];
    let refused = 0;
    for (const schema of schemas) {
      const ours = check(schema);
      const theirs = ajv.validateSchema(schema);
      if (!ours) refused++;
      expect({ schema, ok: ours, text: ours ? '' : ajv.errorsText(check.errors) }).toEqual({ schema, ok: theirs, text: theirs ? '' : ajv.errorsText(ajv.errors) });
    }
    expect(refused).toBeGreaterThanOrEqual(4);
  });
});
