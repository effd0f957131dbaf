import { describe, expect, it } from 'vitest';
import { editBlock, type BlockInFileArgs } from '../../../modules/blockinfile.js';

const d: BlockInFileArgs = { path: '/etc/x', state: 'present', create: false, backup: false, marker: '# {mark} ANSIBLE MANAGED BLOCK', marker_begin: 'BEGIN', marker_end: 'END', block: '' };
const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';

describe('blockinfile editBlock', () => {
  it.each<[string, Partial<BlockInFileArgs>, string | null, string | null]>([
    ['appends a new block at EOF', { block: 'x\ny' }, 'a\n', `a\n${B}x\ny\n${E}`],
    ['no change when the block is there', { block: 'x\ny\n' }, `a\n${B}x\ny\n${E}b\n`, `a\n${B}x\ny\n${E}b\n`],
    ['replaces the block in place', { block: 'z' }, `a\n${B}x\n${E}b\n`, `a\n${B}z\n${E}b\n`],
    ['absent removes block and markers', { state: 'absent' }, `a\n${B}x\n${E}b\n`, 'a\nb\n'],
    ['empty block removes too', { block: '' }, `a\n${B}x\n${E}`, 'a\n'],
    ['absent and no block: unchanged', { state: 'absent' }, 'a\n', 'a\n'],
    ['insertbefore BOF', { block: 'x', insertbefore: 'BOF' }, 'a\n', `${B}x\n${E}a\n`],
    ['insertafter regexp (last match)', { block: 'x', insertafter: '^s' }, 's1\ns2\nt\n', `s1\ns2\n${B}x\n${E}t\n`],
    ['insertbefore regexp', { block: 'x', insertbefore: '^t' }, 's\nt\n', `s\n${B}x\n${E}t\n`],
    ['anchor not found -> EOF', { block: 'x', insertafter: '^nomatch' }, 's\n', `s\n${B}x\n${E}`],
    ['unterminated last line', { block: 'x' }, 'a', `a\n${B}x\n${E}`],
    ['custom markers', { block: 'x', marker: '// {mark} osm', marker_begin: 'start', marker_end: 'stop' }, '', '// start osm\nx\n// stop osm\n'],
    ['create a missing file', { block: 'x', create: true }, null, `${B}x\n${E}`],
    ['absent on a missing file', { state: 'absent' }, null, null],
  ])('%s', (_label, a, current, expected) => {
    expect(editBlock({ ...d, ...a }, current)).toBe(expected);
  });

  it('fails on a missing file without create', () => {
    expect(() => editBlock({ ...d, block: 'x' }, null)).toThrow(/does not exist/);
  });
});
