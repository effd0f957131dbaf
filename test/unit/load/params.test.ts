import { describe, expect, it } from 'vitest';
import { applyParams, coerceParam, dashedName } from '../../../runner/load/params.js';
import type { ParamSpec, Play } from '../../../runner/types.js';

const NAME_PATTERN = '^[a-z][a-z0-9-]{0,30}[a-z0-9]$';

function spec(line: number, schema: Record<string, unknown>, opts: Partial<ParamSpec> = {}): ParamSpec {
  return { schema, required: false, secret: false, pos: { file: 'create-container.yaml', line, col: 5 }, ...opts };
}

function play(params: Record<string, ParamSpec>): Play {
  return {
    name: 'p', pos: { file: 'create-container.yaml', line: 1, col: 3 }, file: 'create-container.yaml', baseDir: '.', hosts: 'all',
    vars: {}, varsFiles: [], params, roles: [], preTasks: [], tasks: [], postTasks: [], handlers: [], tags: [],
  };
}

const osmPlay = play({
  customer_name: spec(4, { type: 'string', pattern: NAME_PATTERN, maxLength: 32 }, { required: true }),
  mqtt_port: spec(7, { type: 'integer', minimum: 1024, maximum: 65535 }, { required: true }),
  enable_backup: spec(10, { type: 'boolean', default: true }),
  ratio: spec(12, { type: 'number' }),
  tier: spec(14, { type: 'string', enum: ['small', 'large'] }),
  extra_domains: spec(16, { type: 'array', items: { type: 'string', format: 'hostname' } }),
  limits: spec(18, { type: 'object', properties: { cpu: { type: 'integer' } } }),
  admin_email: spec(20, { type: 'string', format: 'email' }),
  notes: spec(22, { type: 'string' }),
  mqtt_password: spec(24, { type: 'string', minLength: 12, pattern: '^[^\\s]+$' }, { secret: true }),
});

const base = { customer_name: 'acme', mqtt_port: '8883' };

function messages(extra: Record<string, unknown>): string[] {
  return applyParams(osmPlay, extra).diagnostics.map((d) => `${d.pos.line}: ${d.message}`);
}

describe('coercion of -e strings to declared types', () => {
  const cases: [Record<string, unknown>, unknown][] = [
    [{ type: 'integer' }, '8883'],
    [{ type: 'boolean' }, 'false'],
    [{ type: 'boolean' }, 'yes'],
    [{ type: 'boolean' }, 'OFF'],
    [{ type: 'number' }, '2.5'],
    [{ type: 'array' }, '[a, b]'],
    [{ type: 'object' }, '{cpu: 2}'],
    [{ type: 'string' }, '8883'],
    [{ type: ['integer', 'null'] }, ''],
    [{ type: 'integer' }, 'abc'],
    [{ type: 'integer' }, 8883],
    [{}, 'x'],
    [{ enum: [1, 2] }, '2'],
    [{ enum: ['1', 2] }, '1'],
    [{ default: false }, 'no'],
  ];
  const expected: unknown[] = [8883, false, true, false, 2.5, ['a', 'b'], { cpu: 2 }, '8883', null, 'abc', 8883, 'x', 2, '1', false];
  it.each(cases.map((c, i) => [...c, expected[i]] as const))('%j %j', (schema, input, want) => {
    expect(coerceParam(input, schema)).toEqual(want);
  });
});

describe('applyParams', () => {
  it('coerces, fills defaults, leaves undeclared extras alone and absent optionals undefined', () => {
    const r = applyParams(osmPlay, { ...base, other: 'x', ratio: '0.5', limits: '{cpu: 2}' });
    expect(r.diagnostics).toEqual([]);
    expect(r.vars).toEqual({ customer_name: 'acme', mqtt_port: 8883, enable_backup: true, other: 'x', ratio: 0.5, limits: { cpu: 2 } });
    expect('notes' in r.vars).toBe(false);
  });

  it('-e flag=false is false', () => {
    expect(applyParams(osmPlay, { ...base, enable_backup: 'false' }).vars.enable_backup).toBe(false);
  });

  it('required params must be passed', () => {
    expect(messages({})).toEqual([
      "4: parameter 'customer_name' is required: pass it with -e customer_name=...",
      "7: parameter 'mqtt_port' is required: pass it with -e mqtt_port=...",
    ]);
  });

  const bad: [Record<string, unknown>, string[]][] = [
    [{ mqtt_port: 'abc' }, ["7: mqtt_port: 'abc' is not an integer"]],
    [{ mqtt_port: '80' }, ['7: mqtt_port: 80 is less than the minimum 1024']],
    [{ mqtt_port: '70000' }, ['7: mqtt_port: 70000 is greater than the maximum 65535']],
    [{ customer_name: 'Acme Corp' }, [`4: customer_name: 'Acme Corp' does not match ${NAME_PATTERN} (use 'acme-corp')`]],
    [{ customer_name: 'ACME' }, [`4: customer_name: 'ACME' does not match ${NAME_PATTERN} (use 'acme')`]],
    [{ customer_name: 'acme; rm -rf /' }, [`4: customer_name: 'acme; rm -rf /' does not match ${NAME_PATTERN}`]],
    [{ customer_name: '$(reboot)' }, [`4: customer_name: '$(reboot)' does not match ${NAME_PATTERN}`]],
    [{ customer_name: '../../etc' }, [`4: customer_name: '../../etc' does not match ${NAME_PATTERN}`]],
    [{ customer_name: 'a'.repeat(40) }, [`4: customer_name: '${'a'.repeat(40)}' is longer than 32 characters`, `4: customer_name: '${'a'.repeat(40)}' does not match ${NAME_PATTERN}`]],
    [{ tier: 'medium' }, ["14: tier: 'medium' is not one of 'small', 'large'"]],
    [{ enable_backup: 'maybe' }, ["10: enable_backup: 'maybe' is not true or false"]],
    [{ admin_email: 'nope' }, ["20: admin_email: 'nope' is not a valid email"]],
    [{ extra_domains: '[ok.example.com, "bad domain"]' }, ['16: extra_domains.1 is not a valid hostname']],
    [{ limits: '{cpu: lots}' }, ['18: limits.cpu is not an integer']],
  ];
  it.each(bad)('rejects %j', (extra, expected) => {
    expect(messages({ ...base, ...extra })).toEqual(expected);
  });

  it('never shows a secret value, and returns it for redaction', () => {
    const r = applyParams(osmPlay, { ...base, mqtt_password: 'short pw' });
    const text = r.diagnostics.map((d) => d.message).join('\n');
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'mqtt_password: (secret value) is shorter than 12 characters',
      'mqtt_password: (secret value) does not match ^[^\\s]+$',
    ]);
    expect(text).not.toContain('short pw');
    expect(r.secrets).toEqual(['short pw']);
  });

  it('a valid secret is returned in secrets and in vars', () => {
    const r = applyParams(osmPlay, { ...base, mqtt_password: 'correct-horse-battery' });
    expect(r.diagnostics).toEqual([]);
    expect(r.secrets).toEqual(['correct-horse-battery']);
    expect(r.vars.mqtt_password).toBe('correct-horse-battery');
  });

  it('diagnostics carry the param name as field', () => {
    expect(applyParams(osmPlay, { ...base, mqtt_port: 'x' }).diagnostics[0].field).toBe('mqtt_port');
  });
});

describe('dashedName', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['  Big  Co. Ltd ', 'big-co-ltd'],
    ['already-fine', 'already-fine'],
    ['Under_Score', 'under-score'],
  ])('%s → %s', (input, out) => {
    expect(dashedName(input)).toBe(out);
  });
});
