// File changes as data, and the unified diff --diff shows for them.
import { createTwoFilesPatch } from 'diff';
import type { Change } from '../types.js';

/** A unified diff of one file, `--- path (before)` / `+++ path (after)`; '' when equal. */
export function unifiedDiff(path: string, before: string | null, after: string | null): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(path, path, before ?? '', after ?? '', before === null ? 'absent' : 'before', after === null ? 'absent' : 'after');
  // Drop the "Index:" and "====" lines the library adds: they say nothing the ---/+++ lines do not.
  return patch.split('\n').filter((l, i) => !(i < 2 && (l.startsWith('Index: ') || /^=+$/.test(l)))).join('\n');
}

/** '1 line', '3 lines': the size of a text for summaries. */
export function linesLabel(text: string): string {
  const n = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return n === 1 ? '1 line' : `${n} lines`;
}

// Members apart, not Change<'create' | 'write'>: a switch narrows only a union to never.
export type FileContentChange = Change<'create'> | Change<'write'>;

/** The change that makes a file's content `after`: [] when it already is; 'create' or 'write' otherwise. */
export function fileChange(path: string, before: string | null, after: string): FileContentChange[] {
  if (before === after) return [];
  if (before === null) {
    return [{ action: 'create', target: path, summary: `create ${path} (${linesLabel(after)})`, before: '', after }];
  }
  return [{ action: 'write', target: path, summary: `update ${path}`, before, after }];
}

/** The unified diffs of every change that carries before/after text, joined; undefined when none. */
export function changesDiff(changes: Change[]): string | undefined {
  const parts = changes
    .filter((c) => c.before !== undefined || c.after !== undefined)
    .map((c) => unifiedDiff(c.target, c.before ?? '', c.after ?? ''))
    .filter((d) => d !== '');
  return parts.length > 0 ? parts.join('\n') : undefined;
}
