import { describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();
const vars = {
  name: 'Acme Corp',
  users: [
    { name: 'bob', uid: 3, admin: true },
    { name: 'al', uid: 1, admin: false },
    { name: 'cy', uid: 2, admin: true },
  ],
  nums: [3, 1, 2, 3],
  d: { b: 2, a: 1 },
  nested: { a: { x: 1, y: [1] } },
  path: '/etc/nginx/sites/acme.conf',
  unset_dflt: null,
  empty: '',
  results: [{ failed: true }, { failed: false, changed: true }],
};

// [expression, expected native value]
const cases: [string, unknown][] = [
  ["missing | default('x')", 'x'],
  ["missing | d('x')", 'x'],
  ["name | default('x')", 'Acme Corp'],
  ["empty | default('x')", ''],
  ["empty | default('x', true)", 'x'],
  ["empty | d('x', boolean=true)", 'x'],
  ["unset_dflt | default('x')", null],
  ['nested.a.x | default(5)', 1],
  ['nested.zz.x | default(5)', 5],
  ["'yes' | bool", true],
  ["'On' | bool", true],
  ["'0' | bool", false],
  ["'false' | bool", false],
  ['1 | bool', true],
  ["'42' | int", 42],
  ["'4.7' | int", 4],
  ["'abc' | int", 0],
  ["'abc' | int(7)", 7],
  ["'ff' | int(base=16)", 255],
  ["'2.5' | float", 2.5],
  ['42 | string', '42'],
  ['true | string', 'True'],
  ['name | lower', 'acme corp'],
  ['name | upper', 'ACME CORP'],
  ["name | replace(' ', '-')", 'Acme-Corp'],
  ["'aaa' | replace('a', 'b', 2)", 'bba'],
  ["'  x  ' | trim", 'x'],
  ["name | regex_replace('\\s+', '-') | lower", 'acme-corp'],
  ["'host42' | regex_replace('^(?P<h>[a-z]+)(\\d+)$', '\\g<h>-\\2')", 'host-42'],
  ["'a.b' | regex_replace('\\.', '$')", 'a$b'],
  ["'Port 8883 open' | regex_search('\\d+')", '8883'],
  ["'Port 8883 open' | regex_search('(?P<port>\\d+)', '\\g<port>')", ['8883']],
  ["'Port 8883 open' | regex_search('P(or)t (\\d+)', '\\1', '\\2')", ['or', '8883']],
  ["'nothing' | regex_search('\\d+')", null],
  ["'ABC' | regex_search('(?i)b')", 'B'],
  ["'a1b22' | regex_findall('\\d+')", ['1', '22']],
  ["nums | join(',')", '3,1,2,3'],
  ["users | map(attribute='name') | join(' ')", 'bob al cy'],
  ["['a','b'] | map('upper') | list", ['A', 'B']],
  ["[none, 'x'] | map('default', 'z') | list", [null, 'x']],
  ['nums | select | list', [3, 1, 2, 3]],
  ["nums | select('even') | list", [2]],
  ["nums | reject('equalto', 3) | list", [1, 2]],
  ["['ab', 'cd', 'ax'] | select('match', '^a') | list", ['ab', 'ax']],
  ["['ab', 'cd', 'xa'] | reject('search', 'a') | list", ['cd']],
  ["users | selectattr('admin') | map(attribute='name') | list", ['bob', 'cy']],
  ["users | rejectattr('admin') | map(attribute='name') | list", ['al']],
  ["users | selectattr('uid', 'equalto', 2) | map(attribute='name') | first", 'cy'],
  ["results | selectattr('failed') | list | length", 1],
  ["results | select('changed') | list | length", 1],
  ["'abc' | list", ['a', 'b', 'c']],
  ['d | list', ['b', 'a']],
  ['nums | length', 4],
  ['name | length', 9],
  ['d | count', 2],
  ['nums | first', 3],
  ['nums | last', 3],
  ['nums | unique', [3, 1, 2]],
  ['nums | sort', [1, 2, 3, 3]],
  ['nums | sort(reverse=true)', [3, 3, 2, 1]],
  ["users | sort(attribute='uid') | map(attribute='name') | list", ['al', 'cy', 'bob']],
  ["['b', 'A', 'c'] | sort", ['A', 'b', 'c']],
  ['d | dict2items', [{ key: 'b', value: 2 }, { key: 'a', value: 1 }]],
  ["d | dict2items(key_name='k', value_name='v')", [{ k: 'b', v: 2 }, { k: 'a', v: 1 }]],
  ["[{'key': 'x', 'value': 1}] | items2dict", { x: 1 }],
  ["[{'n': 'x', 'v': 1}] | items2dict(key_name='n', value_name='v')", { x: 1 }],
  ["d | combine({'c': 3, 'a': 9})", { b: 2, a: 9, c: 3 }],
  ["nested | combine({'a': {'y': [2]}})", { a: { y: [2] } }],
  ["nested | combine({'a': {'y': [2]}}, recursive=true)", { a: { x: 1, y: [2] } }],
  ["nested | combine({'a': {'y': [2]}}, recursive=true, list_merge='append')", { a: { x: 1, y: [1, 2] } }],
  ["{'b': [1, 2], 'a': 'é'} | to_json", '{"b": [1, 2], "a": "\\u00e9"}'],
  ["{'b': 1, 'a': [1]} | to_nice_json", '{\n    "a": [\n        1\n    ],\n    "b": 1\n}'],
  ['\'{"a": [1, true, null]}\' | from_json', { a: [1, true, null] }],
  ["{'b': 1, 'a': [1, 2]} | to_yaml", 'a: [1, 2]\nb: 1\n'],
  ["{'b': 1, 'a': {'c': 'x'}} | to_nice_yaml", 'a:\n    c: x\nb: 1\n'],
  ["'a: [1, yes]' | from_yaml", { a: [1, true] }],
  ["'hello' | b64encode", 'aGVsbG8='],
  ["'aGVsbG8=' | b64decode", 'hello'],
  ['path | basename', 'acme.conf'],
  ['path | dirname', '/etc/nginx/sites'],
  ["'/a/b/' | dirname", '/a/b'],
  ["'file' | dirname", ''],
  ["'plain-word_1.conf' | quote", 'plain-word_1.conf'],
  ["name | quote", "'Acme Corp'"],
  ['"it\'s" | quote', "'it'\"'\"'s'"],
  ["'' | quote", "''"],
  ['nums | min', 1],
  ['nums | max', 3],
  ["users | max(attribute='uid') | attr('name')", 'bob'],
  ["true | ternary('on', 'off')", 'on'],
  ["[] | ternary('on', 'off')", 'off'],
  ["none | ternary('on', 'off', 'unknown')", 'unknown'],
  ['name | mandatory', 'Acme Corp'],
  ['[[1, [2]], 3] | flatten', [1, 2, 3]],
  ["'a\nb\n\nc' | indent(2)", 'a\n  b\n\n  c'],
  ["'a\nb' | indent(4, true)", '    a\n    b'],
  ['nums | sum', 9],
  ["users | sum(attribute='uid')", 6],
  ["'%s-%03d' | format('web', 7)", 'web-  7'],
  ["'%s is %d%%' | format('load', 50)", 'load is 50%'],
  ["'hello world' | title", 'Hello World'],
  ['d | items | list', [['b', 2], ['a', 1]]],
  ['[1, 2] | union([2, 3])', [1, 2, 3]],
  ['[1, 2, 2] | intersect([2, 3])', [2]],
  ['[1, 2, 3] | difference([2])', [1, 3]],
  ['[1, 2] | symmetric_difference([2, 3])', [1, 3]],
  ["['/srv', 'osm', 'lxc'] | path_join", '/srv/osm/lxc'],
  ["['/srv', '/etc', 'x'] | path_join", '/etc/x'],
  ["'abc' | hash('sha256')", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ["'abc' | hash", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["'abc' | checksum", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['d | type_debug', 'dict'],
  ["d | ansible.builtin.to_json", '{"b": 2, "a": 1}'],
  ["missing | ansible.builtin.default('fq')", 'fq'],
  ["dict(a=1, b='x')", { a: 1, b: 'x' }],
];

describe('filters', () => {
  it.each(cases)('{{ %s }}', (expr, expected) => {
    expect(t.render(`{{ ${expr} }}`, vars)).toEqual(expected);
  });

  it('mandatory names the undefined variable', () => {
    expect(() => t.render('{{ customer_name | mandatory }}', {})).toThrow("mandatory variable 'customer_name' is not defined");
    expect(() => t.render("{{ x | mandatory('give x') }}", {})).toThrow('give x');
  });

  it('an unknown filter is an error naming it', () => {
    expect(() => t.render('{{ 1 | frobnicate }}', {})).toThrow("no filter named 'frobnicate'");
  });

  it('from_json reports bad JSON', () => {
    expect(() => t.render("{{ '{bad' | from_json }}", {})).toThrow(/from_json/);
  });

  it('dict2items rejects a list', () => {
    expect(() => t.render('{{ [1] | dict2items }}', {})).toThrow(/dict2items requires a dictionary/);
  });
});
