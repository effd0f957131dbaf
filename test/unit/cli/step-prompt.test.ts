import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineStepPrompter, parseStepAnswer } from '../../../runner/cli/step-prompt.js';

describe('parseStepAnswer', () => {
  it.each([
    ['y', 'yes'], ['', 'yes'], ['YES', 'yes'], [' n ', 'no'], ['no', 'no'], ['c', 'continue'], ['continue', 'continue'],
  ])('%j is %s', (line, want) => expect(parseStepAnswer(line)).toBe(want));

  it.each(['maybe', 'yy', 'q'])('%j is not an answer', (line) => expect(parseStepAnswer(line)).toBeUndefined());
});

function prompter(answers: string, end = true) {
  const input = new PassThrough();
  const written: string[] = [];
  const p = lineStepPrompter(input, (s) => written.push(s));
  input.write(answers);
  if (end) input.end();
  return { p, written };
}

describe('lineStepPrompter', () => {
  it('runs on y, skips on n, asks again after a wrong answer', async () => {
    const { p, written } = prompter('y\nn\nwhat\ny\n');
    expect(await p.ask('h1', 'one')).toBe('run');
    expect(await p.ask('h1', 'two')).toBe('skip');
    expect(await p.ask('h1', 'three')).toBe('run');
    expect(written.filter((w) => w.startsWith('Step:'))).toEqual([
      'Step: perform task [one] on h1? (y)es/(n)o/(c)ontinue: ',
      'Step: perform task [two] on h1? (y)es/(n)o/(c)ontinue: ',
      'Step: perform task [three] on h1? (y)es/(n)o/(c)ontinue: ',
      'Step: perform task [three] on h1? (y)es/(n)o/(c)ontinue: ',
    ]);
    expect(written).toContain('answer y (run it), n (skip it) or c (run it and all that follow without asking)\n');
    p.close();
  });

  it('after c it stops asking', async () => {
    const { p, written } = prompter('c\n');
    expect(await p.ask('h', 'a')).toBe('run');
    expect(await p.ask('h', 'b')).toBe('run');
    expect(written).toHaveLength(1);
    p.close();
  });

  it('asks parallel hosts one at a time, in order', async () => {
    const { p, written } = prompter('y\nn\n');
    const [a, b] = await Promise.all([p.ask('h1', 't'), p.ask('h2', 't')]);
    expect([a, b]).toEqual(['run', 'skip']);
    expect(written).toEqual(['Step: perform task [t] on h1? (y)es/(n)o/(c)ontinue: ', 'Step: perform task [t] on h2? (y)es/(n)o/(c)ontinue: ']);
    p.close();
  });

  it('a closed stdin refuses to run the task, and every later one', async () => {
    const { p } = prompter('y\n');
    expect(await p.ask('h', 'a')).toBe('run');
    await expect(p.ask('h', 'b')).rejects.toThrow('--step: standard input closed at the prompt, so the task was not run');
    await expect(p.ask('h', 'c')).rejects.toThrow(/standard input closed/);
    p.close();
  });
});
