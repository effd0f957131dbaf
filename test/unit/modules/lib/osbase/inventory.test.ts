import { describe, expect, it } from 'vitest';
import { parseBaseInventory } from '../../../../../modules/lib/osbase/inventory.js';

const manifest = (key: string) => JSON.stringify({ key, recipe: 1, built: '20261201-101010', inputs: { suite: 'bookworm' } }, null, 2);

// As INVENTORY_SCRIPT prints it: the manifest of each base (cat, no trailing newline of its own
// guaranteed) then a newline; nothing after `== name` when the base has no manifest.
const listing = ['stamp 20261205-131500', 'cache yes', '== 20261201-101010-bookworm', manifest('aaaaaaaaaaaaaaaa'), '', '== hand-made', '', '== 20261203-090000-bookworm', manifest('bbbbbbbbbbbbbbbb'), ''].join('\n');

describe('parseBaseInventory', () => {
  it('reads the stamp, the cache answer and each base with its manifest', () => {
    const inv = parseBaseInventory(listing);
    expect(inv.stamp).toBe('20261205-131500');
    expect(inv.cacheHit).toBe(true);
    expect(inv.bases.map((b) => [b.name, b.manifest?.key ?? null])).toEqual([
      ['20261201-101010-bookworm', 'aaaaaaaaaaaaaaaa'],
      ['hand-made', null],
      ['20261203-090000-bookworm', 'bbbbbbbbbbbbbbbb'],
    ]);
    expect(inv.bases[0]?.manifest).toEqual(JSON.parse(manifest('aaaaaaaaaaaaaaaa')));
  });

  it.each([
    ['no bases_dir yet (the script stops after the cache line)', 'stamp 20261205-131500\ncache no\n', false, []],
    ['a cache hit, no bases', 'stamp 20261205-131500\ncache yes\n', true, []],
    ['cache answer other than yes', 'stamp 20261205-131500\ncache maybe\n', false, []],
  ] as const)('%s', (_t, out, cacheHit, bases) => {
    expect(parseBaseInventory(out)).toEqual({ stamp: '20261205-131500', cacheHit, bases });
  });

  it.each([
    ['not JSON', '{ "key": '],
    ['JSON without a key', '{"recipe": 1}'],
    ['a key that is not a string', '{"key": 42}'],
    ['JSON that is not an object', '"abc"'],
    ['JSON null', 'null'],
  ])('a manifest that is %s counts as none (a base osm-play did not build)', (_t, text) => {
    const inv = parseBaseInventory(`stamp 20261205-131500\ncache no\n== odd\n${text}\n`);
    expect(inv.bases).toEqual([{ name: 'odd', manifest: null }]);
  });

  it('ignores unknown lines before the first base', () => {
    const inv = parseBaseInventory('motd: welcome\nstamp 20261205-131500\nnoise\ncache yes\n');
    expect(inv).toEqual({ stamp: '20261205-131500', cacheHit: true, bases: [] });
  });

  it.each([
    ['no output', ''],
    ['no stamp line', 'cache yes\n'],
    ['a stamp of another format', 'stamp 2026-12-05T13:15:00Z\ncache no\n'],
    ['the stamp only after a base (taken as part of its manifest)', 'cache no\n== x\nstamp 20261205-131500\n'],
  ])('refuses %s', (_t, out) => {
    expect(() => parseBaseInventory(out)).toThrow(/unexpected os-bases listing \(no time stamp\)/);
  });
});
