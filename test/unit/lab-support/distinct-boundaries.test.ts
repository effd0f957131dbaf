// The kill tests' choice of boundaries (test/lab/safety/step-run.ts): a boundary is left out only
// when the task before it ran no apply, so no host state a kill can leave goes untried.
import { describe, expect, it } from 'vitest';
import { distinctBoundaries } from '../../lab/safety/step-run.js';

const p = (task: string, host = 'lab') => ({ task, host });
const r = (task: string, status: string, host = 'lab') => ({ task, status, host });

describe('distinctBoundaries', () => {
  it('keeps the first boundary and each one after a task that changed or failed', () => {
    const prompts = [p('facts'), p('assert'), p('write'), p('skip me'), p('restart'), p('check')];
    const results = [r('facts', 'ok'), r('assert', 'ok'), r('write', 'changed'), r('skip me', 'skipped'), r('restart', 'failed'), r('check', 'ok')];
    expect(distinctBoundaries(prompts, results)).toEqual([1, 4, 6]);
  });

  it('starts at from, and counts a task with no result as a write', () => {
    const prompts = [p('a'), p('b'), p('included'), p('c'), p('d')];
    const results = [r('a', 'changed'), r('b', 'ok'), r('c', 'ok'), r('d', 'ok')];
    expect(distinctBoundaries(prompts, results, 2)).toEqual([2, 4]);
  });

  it('matches repeated task names in order, and a loop by any of its items', () => {
    const prompts = [p('served'), p('loop'), p('served'), p('end')];
    const results = [r('served', 'ok'), r('loop', 'ok'), r('loop', 'changed'), r('served', 'changed'), r('end', 'ok')];
    expect(distinctBoundaries(prompts, results)).toEqual([1, 3, 4]);
  });

  it('tells hosts apart', () => {
    const prompts = [p('t', 'h1'), p('t', 'h2'), p('u', 'h1')];
    const results = [r('t', 'ok', 'h1'), r('t', 'changed', 'h2'), r('u', 'ok', 'h1')];
    expect(distinctBoundaries(prompts, results)).toEqual([1, 3]);
  });
});
