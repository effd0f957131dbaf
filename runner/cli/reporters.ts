// Chooses the reporters for a run: live progress on a TTY, plain lines otherwise (or when CI=true, or
// with --step, whose questions would be redrawn over),
// plus --json and --junit; all behind the Redactor.
import { JsonReporter } from '../report/json.js';
import { JunitReporter } from '../report/junit.js';
import { PlainReporter } from '../report/plain.js';
import { MultiReporter, type Reporter } from '../report/events.js';
import type { Redactor } from '../report/redact.js';
import { RedactingReporter } from '../report/redacting-reporter.js';
import type { CliOptions } from './args.js';

export interface Streams {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export async function makeReporter(o: CliOptions, io: Streams, redactor: Redactor): Promise<Reporter> {
  const jsonToStdout = o.json === '-';
  // With the JSON document on stdout, the human-readable lines go to stderr so stdout stays parseable.
  const line = (s: string) => (jsonToStdout ? io.err(`${s}\n`) : io.out(`${s}\n`));
  const errLine = (s: string) => io.err(`${s}\n`);
  const ci = io.env['CI'] === 'true' || io.env['CI'] === '1';
  const term = { out: line, err: errLine, verbosity: o.verbosity, diff: o.diff };
  const live = io.isTTY && !ci && !jsonToStdout && !o.step;
  // listr2 is loaded only for a terminal: off one it is start-up time for nothing.
  const targets: Reporter[] = [live ? new (await import('../report/live.js')).LiveReporter(term) : new PlainReporter(term)];
  if (o.json) targets.push(jsonToStdout ? new JsonReporter((t) => io.out(t)) : JsonReporter.toFile(o.json));
  if (o.junit) targets.push(JunitReporter.toFile(o.junit));
  return new RedactingReporter(new MultiReporter(targets), redactor);
}
