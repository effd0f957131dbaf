// Free-form argument strings: tokens respect quotes and Jinja2; k=v typed like Ansible's argument specs.
import { describe, expect, it } from 'vitest';
import { kvValue, parseFreeForm, tokenize } from '../../../runner/load/freeform.js';

describe('tokenize', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    ['msg="hello world" x=1', ['msg="hello world"', 'x=1']],
    ["msg='it''s' y", ["msg='it''s'", 'y']],
    ['msg={{ a | default("x y") }} z', ['msg={{ a | default("x y") }}', 'z']],
    ['msg={% if a > 1 %}x{% endif %} z', ['msg={% if a > 1 %}x{% endif %}', 'z']],
    ['a="x \\" y" b', ['a="x \\" y"', 'b']],
    ['', []],
  ])('%j', (input, tokens) => {
    expect(tokenize(input).map((t) => t.text)).toEqual(tokens);
  });
});

describe('kvValue', () => {
  it.each([
    ['"quoted yes"', 'quoted yes'],
    ['"yes"', 'yes'],
    ['yes', 'yes'],
    ['42', '42'],
    ['0644', '0644'],
    ["'it\\'s'", "it's"],
    ['/path', '/path'],
  ])('%s', (raw, value) => {
    expect(kvValue(raw)).toEqual(value);
  });
});

describe('parseFreeForm', () => {
  it.each([
    ['file', 'path=/x state=touch', { path: '/x', state: 'touch' }],
    ['debug', 'msg="a {{ b }} c"', { msg: 'a {{ b }} c' }],
    ['meta', 'flush_handlers', { _raw_params: 'flush_handlers' }],
    ['script', 'run.sh --x=1', { _raw_params: 'run.sh --x=1' }],
    ['command', 'echo a=b', { _raw_params: 'echo a=b' }],
    ['command', 'removes=/tmp/x rm -f /tmp/x', { removes: '/tmp/x', _raw_params: 'rm -f /tmp/x' }],
    ['shell', 'cat a | grep b  > c chdir=/srv', { chdir: '/srv', _raw_params: 'cat a | grep b  > c' }],
    ['shell', 'creates="/a b" touch "/a b"', { creates: '/a b', _raw_params: 'touch "/a b"' }],
  ])('%s: %s', (module, input, args) => {
    expect(parseFreeForm(module, input)).toEqual(args);
  });
});
