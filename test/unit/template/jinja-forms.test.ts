// Jinja2 grammar that real roles use and nunjucks alone rejects or reads differently. Each case is
// also rendered by Python's jinja2 (shipped with ansible-core) to show the expected text is Jinja2's.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();
const vars = { item: [1, { x: 'X', l: ['p', 'q'] }], names: ['a', 'b'], d: { k: 'v', k2: 'v2' }, no: false, yes: true, key: 'kk', n: 3 };

// [template text as the templater gets it, expected rendering]
const cases: [string, string][] = [
  ['{{ item.0 }}', '1'],
  ['{{ item.1.x }}', 'X'],
  ['{{ item.1.l.1 }}', 'q'],
  ['{{ item[1].l.0 }}', 'p'],
  ['{{ 1.5 + 1 }}', '2.5'],
  ["{{ 'z' is not in names }}", 'True'],
  ["{{ 'a' is in names }}", 'True'],
  ["{{ 'a' not in names }}", 'False'],
  ["{{ 'in' if 'is not in' is string else 'x' }}", 'in'],
  ['{{ 1 if no else 2 if yes else 3 }}', '2'],
  ['{{ 1 if no else 2 if no else 3 }}', '3'],
  ["{{ 'a' if yes else 'b' if yes else 'c' }}", 'a'],
  ['{{ { key: 1 } }}', "{'kk': 1}"],
  // dict() from pairs (what `dict(keys | zip(values))` gives it), from a mapping, and with keywords.
  ["{{ dict([['a', 1], ['b', 2]]) }}", "{'a': 1, 'b': 2}"],
  ['{{ dict(d, z=3) }}', "{'k': 'v', 'k2': 'v2', 'z': 3}"],
  ['{{ dict(x=1) }}', "{'x': 1}"],
  ['{{ dict() }}', '{}'],
  ["{{ { key ~ '_x': n, 'lit': 2 } }}", "{'kk_x': 3, 'lit': 2}"],
  ['{{ {item.1.x: 1,} }}', "{'X': 1}"],
  ['a #} b {{ n }}', 'a #} b 3'],
  ['{% for (k, v) in d.items() %}{{ k }}={{ v }};{% endfor %}', 'k=v;k2=v2;'],
  ['{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', 'k=v;k2=v2;'],
  ["{{ '-'.join(names) }}", 'a-b'],
];

describe('Jinja2 forms nunjucks lacks', () => {
  it.each(cases)('%s', (src, expected) => {
    expect(t.renderString(src, vars)).toBe(expected);
  });

  it('"\\n".join(x) read with Python escapes (a .j2 file, a condition) joins with a newline', () => {
    expect(t.evaluate('"\\n".join(names)', vars)).toBe('a\nb');
    expect(t.evaluate("'\\n'.join(names) | length", vars)).toBe(3);
  });

  it('the expected texts are what Python jinja2 renders', () => {
    const script = [
      'import json, sys, jinja2',
      'env = jinja2.Environment(trim_blocks=True, undefined=jinja2.StrictUndefined)',
      'data = json.load(sys.stdin)',
      'print(json.dumps([env.from_string(src).render(**data["vars"]) for src in data["srcs"]]))',
    ].join('\n');
    const out = execFileSync('python3', ['-c', script], { input: JSON.stringify({ vars, srcs: cases.map((c) => c[0]) }), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(cases.map((c) => c[1]));
  });
});
