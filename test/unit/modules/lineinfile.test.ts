import { describe, expect, it } from 'vitest';
import { editLines, planLineInFile, type LineInFileArgs } from '../../../modules/lineinfile.js';

const d: LineInFileArgs = { path: '/etc/x', state: 'present', firstmatch: false, backrefs: false, create: false, backup: false };

describe('lineinfile editLines', () => {
  it.each<[string, Partial<LineInFileArgs>, string | null, string | null]>([
    ['appends a missing line at EOF', { line: 'c=3' }, 'a=1\nb=2\n', 'a=1\nb=2\nc=3\n'],
    ['no change when the line is there', { line: 'b=2' }, 'a=1\nb=2\n', 'a=1\nb=2\n'],
    ['terminates the last line before appending', { line: 'c=3' }, 'a=1', 'a=1\nc=3\n'],
    ['replaces the last regexp match', { regexp: '^a=', line: 'a=9' }, 'a=1\nx\na=2\n', 'a=1\nx\na=9\n'],
    ['regexp match already right', { regexp: '^a=', line: 'a=9' }, 'a=9\n', 'a=9\n'],
    ['regexp no match: inserted at EOF', { regexp: '^z=', line: 'z=1' }, 'a=1\n', 'a=1\nz=1\n'],
    ['regexp no match but exact line present: no duplicate', { regexp: '^Z=', line: 'z=1' }, 'z=1\n', 'z=1\n'],
    ['search_string', { search_string: 'Listen 80', line: 'Listen 8080' }, '#x\nListen 80\n', '#x\nListen 8080\n'],
    ['insertafter regexp (last match)', { line: 'new', insertafter: '^\\[s\\]' }, '[s]\na\n[s]\nb\n', '[s]\na\n[s]\nnew\nb\n'],
    ['insertafter firstmatch', { line: 'new', insertafter: '^\\[s\\]', firstmatch: true }, '[s]\na\n[s]\n', '[s]\nnew\na\n[s]\n'],
    ['insertafter no match -> EOF', { line: 'new', insertafter: '^nomatch' }, 'a\n', 'a\nnew\n'],
    ['insertbefore regexp', { line: 'new', insertbefore: '^b' }, 'a\nb\n', 'a\nnew\nb\n'],
    ['insertbefore BOF', { line: '#!/bin/sh', insertbefore: 'BOF' }, 'echo\n', '#!/bin/sh\necho\n'],
    ['backrefs expand groups', { regexp: '^(listen) (\\d+)$', line: '\\1 8883 # was \\2', backrefs: true }, 'listen 1883\n', 'listen 8883 # was 1883\n'],
    ['backrefs named group', { regexp: '^(?P<k>\\w+)=old$', line: '\\g<k>=new', backrefs: true }, 'key=old\n', 'key=new\n'],
    ['backrefs no match: unchanged', { regexp: '^nomatch(.*)', line: 'x\\1', backrefs: true }, 'a\n', 'a\n'],
    ['create a missing file', { line: 'a=1', create: true }, null, 'a=1\n'],
    ['adds \\n even in a CRLF file, as Ansible does', { line: 'c' }, 'a\r\nb\r\n', 'a\r\nb\r\nc\n'],
    ['absent by regexp removes every match', { state: 'absent', regexp: '^#' }, '#a\nb\n#c\n', 'b\n'],
    ['absent by line', { state: 'absent', line: 'b' }, 'a\nb\nb\n', 'a\n'],
    ['absent on a missing file', { state: 'absent', line: 'b' }, null, null],
  ])('%s', (_label, a, current, expected) => {
    expect(editLines({ ...d, ...a }, current)).toBe(expected);
  });

  it.each<[string, Partial<LineInFileArgs>, string | null, RegExp]>([
    ['missing file without create', { line: 'a' }, null, /does not exist/],
    ['present without line', {}, '', /needs line/],
    ['backrefs without regexp', { line: 'a', backrefs: true }, '', /backrefs needs regexp/],
    ['regexp and search_string', { line: 'a', regexp: 'a', search_string: 'a' }, '', /exclude/],
    ['bad regexp', { line: 'a', regexp: '(' }, 'x\n', /invalid regular expression/],
  ])('fails: %s', (_label, a, current, msg) => {
    expect(() => editLines({ ...d, ...a }, current)).toThrow(msg);
  });

  it('plans a write with a diff, and nothing when unchanged', () => {
    const s = (t: string | null) => ({ path: '/etc/x', current: t === null ? null : Buffer.from(t), attrs: { stat: null } });
    expect(planLineInFile({ ...d, line: 'b' }, s('a\n'))).toMatchObject([{ action: 'write', before: 'a\n', after: 'a\nb\n' }]);
    expect(planLineInFile({ ...d, line: 'a' }, s('a\n'))).toEqual([]);
    expect(planLineInFile({ ...d, state: 'absent', line: 'a' }, s(null))).toEqual([]);
  });
});
