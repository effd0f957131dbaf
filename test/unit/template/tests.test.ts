import { describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();
const vars = {
  ok_result: { changed: false, failed: false, rc: 0 },
  bad_result: { changed: true, failed: true, rc: 1 },
  skipped_result: { skipped: true, changed: false },
  s: 'web01',
  n: 3,
  f: 1.5,
  l: [1],
  m: { a: 1 },
  nothing: null,
};

// [expression, expected]
const cases: [string, boolean][] = [
  ['s is defined', true],
  ['missing is defined', false],
  ['missing is undefined', true],
  ['s is undefined', false],
  ['m.a is defined', true],
  ['m.zz is defined', false],
  ['missing.deep.path is defined', false],
  ['missing is not defined', true],
  ['nothing is none', true],
  ['s is none', false],
  ['ok_result is succeeded', true],
  ['ok_result is success', true],
  ['bad_result is succeeded', false],
  ['bad_result is failed', true],
  ['bad_result is failure', true],
  ['ok_result is failed', false],
  ['bad_result is changed', true],
  ['ok_result is changed', false],
  ['skipped_result is skipped', true],
  ['ok_result is skipped', false],
  ['s is string', true],
  ['n is string', false],
  ['n is number', true],
  ['f is number', true],
  ['s is number', false],
  ['m is mapping', true],
  ['l is mapping', false],
  ['l is sequence', true],
  ['n is sequence', false],
  ["s is match('web\\\\d+')", true],
  ["s is match('eb')", false],
  ["s is search('eb')", true],
  ["s is search('^eb')", false],
  ["s is match('(?P<kind>[a-z]+)0')", true],
  ['n is even', false],
  ['n is odd', true],
  ["s is equalto('web01')", true],
  ['1 is in([1, 2])', true],
  ["'2.10' is version('2.9', '>')", true],
  ["'2.10.1' is version('2.10', 'lt')", false],
  ["'1.0' is version('1', '==')", true],
  ['[1] is subset([1, 2])', true],
  ['[1, 3] is subset([1, 2])', false],
  ['[1, 2] is superset([2])', true],
  ["'/' is directory", true],
  ["'/' is file", false],
  ["'/definitely/not/here' is exists", false],
  ["s is ansible.builtin.match('web')", true],
  ['missing is ansible.builtin.defined', false],
];

describe('jinja tests', () => {
  it.each(cases)('%s', (expr, expected) => {
    expect(t.evaluate(expr, vars)).toBe(expected);
  });

  it('a templated condition is rendered first, as Ansible does', () => {
    expect(t.evaluate('{{ n > 2 }}', vars)).toBe(true);
    expect(t.evaluate("{{ 'n' }} == 3", vars)).toBe(true);
  });

  it('an unknown test is an error', () => {
    expect(() => t.evaluate('s is frobbed', vars)).toThrow("no test named 'frobbed'");
  });
});
