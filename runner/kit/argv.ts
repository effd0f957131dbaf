// How commands appear in reports: quoted exactly as a shell would need them, shortened when huge.
import { shellQuote } from '../connection/quote.js';

const MAX_SUMMARY = 300;

/** The argv as one quoted line, cut at 300 characters. */
export function argvSummary(argv: string[]): string {
  const line = shellQuote(argv);
  return line.length > MAX_SUMMARY ? `${line.slice(0, MAX_SUMMARY - 1)}…` : line;
}

/** The summary of a 'run' change: `would run: <quoted argv>`. */
export function wouldRun(argv: string[]): string {
  return `would run: ${argvSummary(argv)}`;
}
