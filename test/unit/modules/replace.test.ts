import { describe, expect, it } from 'vitest';
import { planReplace, replaceText, type ReplaceArgs } from '../../../modules/replace.js';

const d = { path: '/etc/x', replace: '', backup: false };

describe('replace replaceText', () => {
  it.each<[string, Partial<ReplaceArgs> & { regexp: string }, string, string]>([
    ['every match', { regexp: 'old', replace: 'new' }, 'old old\nold\n', 'new new\nnew\n'],
    ['no match: unchanged', { regexp: 'zzz', replace: 'y' }, 'a\n', 'a\n'],
    ['MULTILINE anchors', { regexp: '^listener (\\d+)$', replace: 'listener \\1 127.0.0.1' }, 'x\nlistener 1883\nlistener 8883\n', 'x\nlistener 1883 127.0.0.1\nlistener 8883 127.0.0.1\n'],
    ['\\g<name> and \\g<1>', { regexp: '(?P<k>\\w+)=(\\w+)', replace: '\\g<2>=\\g<k>' }, 'a=b\n', 'b=a\n'],
    ['\\n in the replacement', { regexp: ';', replace: '\\n' }, 'a;b', 'a\nb'],
    ['delete with empty replace', { regexp: '^#.*\\n' }, '#c\nx\n', 'x\n'],
    ['only after the anchor', { regexp: 'v', replace: 'W', after: '\\[b\\]' }, '[a]\nv\n[b]\nv\n', '[a]\nv\n[b]\nW\n'],
    ['only before the anchor', { regexp: 'v', replace: 'W', before: '\\[b\\]' }, 'v\n[b]\nv\n', 'W\n[b]\nv\n'],
    ['between anchors', { regexp: 'v', replace: 'W', after: 'A', before: 'B' }, 'v A v B v', 'v A W B v'],
    ['anchors not found: unchanged', { regexp: 'v', replace: 'W', after: 'nomatch' }, 'v\n', 'v\n'],
  ])('%s', (_label, a, text, expected) => {
    expect(replaceText({ ...d, ...a }, text)).toBe(expected);
  });

  it('fails on a missing file, plans nothing when unchanged', () => {
    const s = (t: string | null) => ({ path: '/etc/x', current: t === null ? null : Buffer.from(t), attrs: { stat: null } });
    expect(() => planReplace({ ...d, regexp: 'a' }, s(null))).toThrow(/does not exist/);
    expect(planReplace({ ...d, regexp: 'zz' }, s('a\n'))).toEqual([]);
    expect(planReplace({ ...d, regexp: 'a', replace: 'b' }, s('a\n'))).toMatchObject([{ action: 'write', before: 'a\n', after: 'b\n' }]);
  });

  it('rejects unknown group references', () => {
    expect(() => replaceText({ ...d, regexp: '(a)', replace: '\\2' }, 'a')).toThrow(/invalid group/);
    expect(() => replaceText({ ...d, regexp: '(a)', replace: '\\g<nope>' }, 'a')).toThrow(/unknown group/);
  });
});
