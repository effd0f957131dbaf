import { describe, expect, it } from 'vitest';
import { changesDiff, fileChange, linesLabel, unifiedDiff } from '../../../runner/kit/diff.js';
import { argvSummary, wouldRun } from '../../../runner/kit/argv.js';

describe('fileChange', () => {
  it('is empty when content is the same', () => {
    expect(fileChange('/etc/x', 'a\n', 'a\n')).toEqual([]);
  });
  it('creates a missing file', () => {
    expect(fileChange('/etc/x', null, 'a\nb\n')).toEqual([{ action: 'create', target: '/etc/x', summary: 'create /etc/x (2 lines)', before: '', after: 'a\nb\n' }]);
  });
  it('writes a changed file with before and after', () => {
    expect(fileChange('/etc/x', 'a\n', 'b\n')).toMatchObject([{ action: 'write', before: 'a\n', after: 'b\n' }]);
  });
});

describe('unifiedDiff', () => {
  it('shows removed and added lines under the path', () => {
    const d = unifiedDiff('/etc/x', 'a\nb\n', 'a\nc\n');
    expect(d.split('\n').slice(0, 2)).toEqual(['--- /etc/x\tbefore', '+++ /etc/x\tafter']);
    expect(d).toContain('-b\n+c');
    expect(d).not.toContain('Index:');
  });
  it('is empty for equal text and marks absent files', () => {
    expect(unifiedDiff('/x', 'a', 'a')).toBe('');
    expect(unifiedDiff('/x', null, 'a\n')).toContain('--- /x\tabsent');
  });
  it('joins diffs of changes that carry text only', () => {
    const d = changesDiff([
      { action: 'run', target: 'x', summary: 'would run: x' },
      ...fileChange('/a', 'old\n', 'new\n'),
    ]);
    expect(d).toContain('+new');
    expect(changesDiff([{ action: 'run', target: 'x', summary: 's' }])).toBeUndefined();
  });
});

describe('argvSummary', () => {
  it('quotes like a shell would need', () => {
    expect(wouldRun(['lxc-stop', '-n', 'acme svr'])).toBe("would run: lxc-stop -n 'acme svr'");
  });
  it('shortens huge commands', () => {
    const s = argvSummary(['echo', 'x'.repeat(1000)]);
    expect(s.length).toBe(300);
    expect(s.endsWith('…')).toBe(true);
  });
});

describe('linesLabel', () => {
  it.each([['', '0 lines'], ['a', '1 line'], ['a\n', '1 line'], ['a\nb', '2 lines']])('%j', (text, label) => {
    expect(linesLabel(text)).toBe(label);
  });
});
