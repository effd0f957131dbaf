// The with_* loops: the items each gives for a rendered value, as Ansible's lookups of the same name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandLoop, sequence } from '../../../runner/execute/loop-kinds.js';
import type { LoopKind } from '../../../runner/types.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-loop-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'files'));
mkdirSync(join(dir, 'vars'));
for (const f of ['files/b.conf', 'files/a.conf', 'files/x.txt', 'vars/Debian.yml', 'vars/default.yml']) writeFileSync(join(dir, f), '');
const ctx = (module = 'copy') => ({ playbookDir: dir, module });

describe('expandLoop', () => {
  it.each<[string, LoopKind, unknown, unknown[]]>([
    ['dict', 'dict', { a: 1 }, [{ key: 'a', value: 1 }]],
    ['dict over a list of dicts', 'dict', [{ a: 1 }, { b: 2 }], [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
    ['nested', 'nested', [['a', 'b'], [1, 2]], [['a', 1], ['a', 2], ['b', 1], ['b', 2]]],
    ['together pads with null', 'together', [['a', 'b'], [1]], [['a', 1], ['b', null]]],
    ['indexed_items flattens one level', 'indexed_items', [['x'], 'y'], [[0, 'x'], [1, 'y']]],
    ['list keeps lists whole', 'list', [[1, 2], 3], [[1, 2], 3]],
    ['subelements', 'subelements', [[{ n: 'u', k: [1, 2] }, { n: 'v', k: [] }], 'k'], [[{ n: 'u', k: [1, 2] }, 1], [{ n: 'u', k: [1, 2] }, 2]]],
    ['subelements skip_missing', 'subelements', [[{ n: 'u' }], 'k', { skip_missing: true }], []],
    ['sequence', 'sequence', 'start=1 end=3', ['1', '2', '3']],
    ['fileglob sorted, files only', 'fileglob', ['*.conf'], [join(dir, 'files/a.conf'), join(dir, 'files/b.conf')]],
    ['first_found in files/', 'first_found', ['nope.conf', 'b.conf'], [join(dir, 'files/b.conf')]],
    ['first_found with skip', 'first_found', [{ files: ['nope'], skip: true }], []],
  ])('%s', (_n, kind, value, expected) => {
    expect(expandLoop(value, kind, ctx())).toEqual(expected);
  });

  it('first_found looks in vars/ for include_vars', () => {
    expect(expandLoop(['RedHat.yml', 'Debian.yml'], 'first_found', ctx('include_vars'))).toEqual([join(dir, 'vars/Debian.yml')]);
  });

  it.each<[string, LoopKind, unknown, string]>([
    ['dict of a string', 'dict', 'x', 'with_dict expects a dict'],
    ['nested of non-lists', 'nested', ['a'], 'expects a list of lists'],
    ['first_found with nothing found', 'first_found', ['nope'], 'No file was found'],
    ['subelements of a missing key', 'subelements', [[{ n: 1 }], 'k'], "could not find 'k'"],
  ])('refuses %s', (_n, kind, value, msg) => {
    expect(() => expandLoop(value, kind, ctx())).toThrow(msg);
  });
});

describe('with_sequence specs', () => {
  it.each([
    ['count', 'count=3', ['1', '2', '3']],
    ['stride and format', 'start=0 end=10 stride=5 format=host%02d', ['host00', 'host05', 'host10']],
    ['short form', '2-6/2', ['2', '4', '6']],
    ['short form with format', '1-2:web%d', ['web1', 'web2']],
    ['hex format', 'start=10 end=11 format=%x', ['a', 'b']],
    ['counting down', 'start=3 end=1 stride=-1', ['3', '2', '1']],
  ])('%s', (_n, spec, expected) => {
    expect(sequence(spec)).toEqual(expected);
  });

  it('refuses count with end', () => {
    expect(() => sequence('count=2 end=4')).toThrow('cannot both');
  });
});
