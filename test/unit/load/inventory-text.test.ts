import { describe, expect, it } from 'vitest';
import { expandHostRange, parseIniValue, shlexSplit, splitHostPort } from '../../../runner/load/inventory-text.js';

describe('parseIniValue (Python literals, else the string)', () => {
  const cases: [string, unknown][] = [
    ['1', 1],
    ['-3', -3],
    ['2.5', 2.5],
    ['0x1f', 31],
    ['010', '010'],
    ['True', true],
    ['False', false],
    ['None', null],
    ['yes', 'yes'],
    ['true', 'true'],
    ["'quoted'", 'quoted'],
    ['"a b"', 'a b'],
    ['[1, "x"]', [1, 'x']],
    ["{'a': 1, 'b': [True]}", { a: 1, b: [true] }],
    ['(1, 2)', [1, 2]],
    ['10.0.0.1', '10.0.0.1'],
    ['web01', 'web01'],
    ['[unclosed', '[unclosed'],
    ['', ''],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseIniValue(text)).toEqual(expected);
  });
});

describe('expandHostRange', () => {
  const cases: [string, string[]][] = [
    ['web', ['web']],
    ['web[01:03]', ['web01', 'web02', 'web03']],
    ['web[1:3]', ['web1', 'web2', 'web3']],
    ['web[8:10]', ['web8', 'web9', 'web10']],
    ['db-[a:c].x', ['db-a.x', 'db-b.x', 'db-c.x']],
    ['h[0:6:3]', ['h0', 'h3', 'h6']],
    ['r[1:2]c[a:b]', ['r1ca', 'r1cb', 'r2ca', 'r2cb']],
  ];
  it.each(cases)('%s', (pattern, expected) => {
    expect(expandHostRange(pattern)).toEqual(expected);
  });

  it('rejects bad ranges', () => {
    expect(() => expandHostRange('web[1-3]')).toThrow(/invalid range/);
    expect(() => expandHostRange('web[a:3]')).toThrow(/invalid range/);
    expect(() => expandHostRange('web[5:1]')).toThrow(/empty range/);
  });
});

describe('shlexSplit and splitHostPort', () => {
  it('splits like POSIX shlex with comments', () => {
    expect(shlexSplit(`h1 a=1 b="two words" c='x y' # comment`)).toEqual(['h1', 'a=1', 'b=two words', 'c=x y']);
    expect(shlexSplit('h1 a=x#y')).toEqual(['h1', 'a=x#y']);
    expect(() => shlexSplit('h1 a="open')).toThrow(/no closing quotation/);
  });

  it('splits host:port but not ranges or IPv6', () => {
    expect(splitHostPort('h:22')).toEqual({ name: 'h', port: 22 });
    expect(splitHostPort('web[1:3]')).toEqual({ name: 'web[1:3]' });
    expect(splitHostPort('web[1:3]:2222')).toEqual({ name: 'web[1:3]', port: 2222 });
    expect(splitHostPort('fe80::1')).toEqual({ name: 'fe80::1' });
    expect(splitHostPort('[fe80::1]:22')).toEqual({ name: 'fe80::1', port: 22 });
  });
});
