import { describe, expect, it } from 'vitest';
import { createTemplater, OMIT, truthy } from '../../../runner/template/index.js';

const t = createTemplater();
const vars = {
  name: 'acme',
  port: 8883,
  list: [1, 2, 3],
  empty_list: [],
  empty_dict: {},
  d: { a: 1, b: { c: 'x' } },
  flag: false,
  nothing: null,
  text: '  Hello World  ',
};

describe('render: native values and strings', () => {
  const cases: [string, unknown][] = [
    ['{{ port }}', 8883],
    ['{{ list }}', [1, 2, 3]],
    ['{{ d }}', { a: 1, b: { c: 'x' } }],
    ['{{ flag }}', false],
    ['{{ nothing }}', null],
    ['{{ port + 1 }}', 8884],
    ['port={{ port }}', 'port=8883'],
    ['{{ name }}-svr', 'acme-svr'],
    ['{{ list }} items', '[1, 2, 3] items'],
    ['{{ d }}', { a: 1, b: { c: 'x' } }],
    ['x{{ d }}', "x{'a': 1, 'b': {'c': 'x'}}"],
    ['{{ flag }}!', 'False!'],
    ['[{{ nothing }}]', '[]'],
    ['no template here', 'no template here'],
    [' {{ port }}', ' 8883'],
    ['{{ port }} {{ name }}', '8883 acme'],
    ["{{ {'a': {'b': 1}} }}", { a: { b: 1 } }],
    ['{# comment #}{{ name }}', 'acme'],
    ['{% raw %}{{ not rendered }}{% endraw %}', '{{ not rendered }}'],
    ['{% for x in list %}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}', '1,2,3'],
    ['{% for k, v in d.items() %}{{ k }};{% endfor %}', 'a;b;'],
    ['{% set y = port * 2 %}{{ y }}', '17766'],
    ['{% for k in d %}{{ k }},{% endfor %}', 'a,b,'],
    ['{% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %}', "a=1;b={'c': 'x'};"],
    ['{% for x in list %}{% if loop.first %}[{% endif %}{{ x }}{% endfor %}', '[123'],
    ['{{ list[1:] }}', [2, 3]],
    ['{{ list[:-1] }}', [1, 2]],
    ['{{ list[::-1] }}', [3, 2, 1]],
    ["{{ name[0:2] }}", 'ac'],
    ["{{ list | select('gt', 1) | list }}", [2, 3]],
    ["{{ list | reject('==', 2) | list }}", [1, 3]],
  ];
  it.each(cases)('%s', (src, expected) => {
    expect(t.render(src, vars)).toEqual(expected);
  });

  it('renderString always returns a string', () => {
    expect(t.renderString('{{ port }}', vars)).toBe('8883');
    expect(t.renderString('{{ list }}', vars)).toBe('[1, 2, 3]');
  });
});

describe('Python semantics in expressions', () => {
  const cases: [string, unknown][] = [
    ['true', true],
    ['True', true],
    ['False', false],
    ['None', null],
    ['none', null],
    ['not empty_list', true],
    ['not empty_dict', true],
    ['empty_list or "fallback"', 'fallback'],
    ['list and "yes"', 'yes'],
    ['flag and missing_is_not_evaluated', false],
    ['port == 8883 and name == "acme"', true],
    ["port == '8883'", false],
    ['list == [1, 2, 3]', true],
    ["d == {'a': 1, 'b': {'c': 'x'}}", true],
    ['1 < 2 < 3', true],
    ['3 > 2 > 2', false],
    ["'ac' in name", true],
    ['2 in list', true],
    ["'a' in d", true],
    ["'zz' not in d", true],
    ["name ~ '-' ~ port", 'acme-8883'],
    ["'x' ~ nothing", 'xNone'],
    ['[1] + [2]', [1, 2]],
    ["'a' + 'b'", 'ab'],
    ["name.startswith('ac')", true],
    ["name.endswith('x')", false],
    ['text.strip()', 'Hello World'],
    ["text.strip().split(' ')", ['Hello', 'World']],
    ["name.upper()", 'ACME'],
    ["'a,b'.split(',')", ['a', 'b']],
    ["d.get('zz', 5)", 5],
    ['d.keys() | list', ['a', 'b']],
    ['list[-1]', 3],
    ["'yes' if flag else 'no'", 'no'],
    ["'{}-{}'.format(name, port)", 'acme-8883'],
  ];
  it.each(cases)('%s', (expr, expected) => {
    expect(t.evaluate(expr, vars)).toEqual(expected);
  });

  it('{% if %} uses Python truthiness', () => {
    expect(t.render('{% if empty_list %}y{% else %}n{% endif %}', vars)).toBe('n');
    expect(t.render('{% if list %}y{% else %}n{% endif %}', vars)).toBe('y');
  });

  it('truthy() matches Python', () => {
    expect([[], {}, '', 0, null, undefined, false].map(truthy)).toEqual([false, false, false, false, false, false, false]);
    expect([[0], { a: 1 }, 'x', 1, true].map(truthy)).toEqual([true, true, true, true, true]);
  });
});

describe('omit and renderDeep', () => {
  it('{{ omit }} renders to the OMIT marker', () => {
    expect(t.render('{{ omit }}', {})).toBe(OMIT);
    expect(t.render("{{ missing | default(omit) }}", {})).toBe(OMIT);
  });

  it('renderDeep renders nested strings and drops omitted entries', () => {
    const args = { path: '/srv/{{ name }}', mode: '{{ missing | default(omit) }}', opts: ['{{ port }}', '{{ omit }}'], n: 3, keep: true };
    expect(t.renderDeep(args, vars)).toEqual({ path: '/srv/acme', opts: [8883], n: 3, keep: true });
  });

  it('lookup env and file', () => {
    process.env.OSM_TEMPLATE_TEST = 'from-env';
    expect(t.render("{{ lookup('env', 'OSM_TEMPLATE_TEST') }}", {})).toBe('from-env');
    expect(t.render("{{ lookup('env', 'OSM_SURELY_UNSET_VAR') }}", {})).toBe('');
    expect(() => t.render("{{ lookup('nosuch', 'ls') }}", {})).toThrow("unknown lookup 'nosuch'");
  });
});
