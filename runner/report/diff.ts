// Unified diffs for --diff, from a change's before/after text.
import { createTwoFilesPatch } from 'diff';
import type { Change } from '../types.js';

export function changeDiff(c: Change): string | undefined {
  if (c.before === undefined && c.after === undefined) return undefined;
  const before = c.before ?? '';
  const after = c.after ?? '';
  if (before === after) return undefined;
  return createTwoFilesPatch(`before: ${c.target}`, `after: ${c.target}`, before, after, undefined, undefined, { context: 3 });
}

/** All diffs of a task's changes, joined; undefined when none has text on both sides. */
export function changesDiff(changes: Change[]): string | undefined {
  const parts = changes.map(changeDiff).filter((d): d is string => d !== undefined);
  return parts.length ? parts.join('') : undefined;
}
