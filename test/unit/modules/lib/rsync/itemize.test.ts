import { describe, expect, it } from 'vitest';
import { parseItemize } from '../../../../../modules/lib/rsync/itemize.js';

describe('parseItemize (rsync 3.x)', () => {
  it('reads new, changed, deleted and link items; skips other lines', () => {
    const c = parseItemize(`sending incremental file list
>f+++++++++ a
cL+++++++++ l -> a
cd+++++++++ sub/
*deleting   extra
>f.s....... a b
.f...p..... sub/b
.d..t...... ./
<f.st...... up
hf+++++++++ hard => a

sent 1 bytes  received 2 bytes
`);
    expect(c.map((x) => [x.kind, x.fileType ?? '', x.path, x.linkTarget ?? ''])).toEqual([
      ['receive', 'f', 'a', ''],
      ['local', 'L', 'l', 'a'],
      ['local', 'd', 'sub/', ''],
      ['delete', '', 'extra', ''],
      ['receive', 'f', 'a b', ''],
      ['attrs', 'f', 'sub/b', ''],
      ['attrs', 'd', './', ''],
      ['send', 'f', 'up', ''],
      ['hardlink', 'f', 'hard => a', ''],
    ]);
  });
  it('treats unchanged items (-ii) and empty output as no change', () => {
    expect(parseItemize('.f          a\n.d          ./\n')).toEqual([]);
    expect(parseItemize('')).toEqual([]);
  });
});
