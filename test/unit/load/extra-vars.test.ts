import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadError } from '../../../runner/load/errors.js';
import { parseExtraVars } from '../../../runner/load/extra-vars.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'osm-ev-'));
  writeFileSync(join(dir, 'vars.yml'), 'customer_name: acme\nmqtt_port: 8883\nflags: [a, b]\nenabled: yes\n');
  writeFileSync(join(dir, 'vars.json'), '{"customer_name": "json-co", "nested": {"a": 1}}');
  writeFileSync(join(dir, 'broken.yml'), 'a: 1\nb: [unclosed\n');
  writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorsOf(args: string[]): string[] {
  try {
    parseExtraVars(args, dir);
  } catch (e) {
    if (e instanceof LoadError) return e.diagnostics.map((d) => `${d.pos.file.replace(dir, 'DIR')}:${d.pos.line}: ${d.message.replace(dir, 'DIR')}`);
    throw e;
  }
  throw new Error('expected a LoadError');
}

describe('parseExtraVars', () => {
  const cases: [string[], Record<string, unknown>][] = [
    [['customer_name=acme'], { customer_name: 'acme' }],
    [['customer_name=acme mqtt_port=8883'], { customer_name: 'acme', mqtt_port: '8883' }],
    [["name='Acme Corp' flag=false"], { name: 'Acme Corp', flag: 'false' }],
    [['msg="say \\"hi\\"" x=a=b'], { msg: 'say "hi"', x: 'a=b' }],
    [['empty='], { empty: '' }],
    [['a=1', 'a=2'], { a: '2' }],
    [['@vars.yml'], { customer_name: 'acme', mqtt_port: 8883, flags: ['a', 'b'], enabled: true }],
    [['@vars.json'], { customer_name: 'json-co', nested: { a: 1 } }],
    [['@vars.yml', 'customer_name=override'], { customer_name: 'override', mqtt_port: 8883, flags: ['a', 'b'], enabled: true }],
    [['{"a": 1, "b": [true]}'], { a: 1, b: [true] }],
    [['a: 1'], { a: 1 }],
    [['{a: x, b: {c: 2}}'], { a: 'x', b: { c: 2 } }],
    [[''], {}],
  ];
  it.each(cases)('%j', (args, expected) => {
    expect(parseExtraVars(args, dir)).toEqual(expected);
  });

  it('names a missing file', () => {
    expect(errorsOf(['@nope.yml'])).toEqual(['<command line>:1: -e @nope.yml: cannot read DIR/nope.yml: file not found']);
  });

  it('names a broken file with its line', () => {
    const errs = errorsOf(['@broken.yml']);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toMatch(/^DIR\/broken\.yml:\d+: -e @broken\.yml: /);
  });

  it('rejects a file that is not a mapping', () => {
    expect(errorsOf(['@list.yml'])).toEqual(['DIR/list.yml:1: -e @list.yml: extra vars must be a mapping of names to values']);
  });

  it('names the bad -e argument', () => {
    expect(errorsOf(['a=1 oops'])).toEqual(["<command line>:1: -e 'a=1 oops': expected key=value, got 'oops'"]);
    expect(errorsOf(["a='open"])).toEqual(["<command line>:1: -e 'a='open': unbalanced ' quote"]);
    expect(errorsOf(['justaword'])).toEqual(["<command line>:1: -e 'justaword': expected key=value, @file or a JSON/YAML mapping"]);
    expect(errorsOf(['./vars.yml'])).toEqual(["<command line>:1: -e './vars.yml': to read a vars file, write -e @./vars.yml"]);
  });

  it('reports every bad argument at once', () => {
    expect(errorsOf(['@nope.yml', 'x y'])).toHaveLength(2);
  });
});
