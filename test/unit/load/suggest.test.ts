// "did you mean" suggestions for unknown modules, keywords and arguments.
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../../runner/load/keywords.js';

describe('suggest', () => {
  it.each([
    ['fiel', ['fail', 'file', 'copy'], " (did you mean 'file'?)"],
    ['cpy', ['copy', 'command'], " (did you mean 'copy'?)"],
    ['regsiter', ['register', 'retries'], " (did you mean 'register'?)"],
    ['zzzzzz', ['copy', 'file'], ''],
    ['x', [], ''],
  ])('%s', (word, candidates, hint) => {
    expect(suggest(word, candidates)).toBe(hint);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('fiel', 'file')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
