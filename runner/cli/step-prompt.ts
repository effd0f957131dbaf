// The --step question on stderr and its answers, one line each, from stdin (a terminal or a pipe).
// Questions from hosts running in parallel are asked one at a time, in the order they come.
import { createInterface } from 'node:readline';
import type { StepDecision, StepPrompter } from '../execute/step.js';

type Answer = 'yes' | 'no' | 'continue';

export function parseStepAnswer(line: string): Answer | undefined {
  const a = line.trim().toLowerCase();
  if (a === '' || a === 'y' || a === 'yes') return 'yes';
  if (a === 'n' || a === 'no') return 'no';
  if (a === 'c' || a === 'continue') return 'continue';
  return undefined;
}

export interface LineStepPrompter extends StepPrompter {
  /** Stops reading stdin, so the process can end. */
  close(): void;
}

export function lineStepPrompter(input: NodeJS.ReadableStream, write: (s: string) => void): LineStepPrompter {
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let askNoMore = false;
  let queue: Promise<unknown> = Promise.resolve();

  const askOnce = async (host: string, task: string): Promise<StepDecision> => {
    if (askNoMore) return 'run';
    for (;;) {
      write(`Step: perform task [${task}] on ${host}? (y)es/(n)o/(c)ontinue: `);
      const next = await lines.next();
      if (next.done) throw new Error('--step: standard input closed at the prompt, so the task was not run');
      const answer = parseStepAnswer(next.value);
      if (answer === 'continue') askNoMore = true;
      if (answer !== undefined) return answer === 'no' ? 'skip' : 'run';
      write('answer y (run it), n (skip it) or c (run it and all that follow without asking)\n');
    }
  };

  return {
    ask(host, task) {
      const asked = queue.then(() => askOnce(host, task));
      queue = asked.catch(() => undefined);
      return asked;
    },
    close: () => rl.close(),
  };
}
