// How commands appear in reports and errors: quoted exactly as a shell would need them, shortened
// when huge; the one place a command becomes a line of text.
import { shellQuote } from '../connection/quote.js';
import type { ExecResult } from '../connection/types.js';
import { ModuleError } from '../module.js';

const MAX_SUMMARY = 300;

/**
 * The argv as one quoted line, cut at 300 characters. `elideScripts` replaces inline scripts
 * (multi-line or very long words) by '…', so an error names the command it was about
 * (`btrfs subvolume create /srv/...`, not a page of shell).
 */
export function argvSummary(argv: string[], opts: { elideScripts?: boolean } = {}): string {
  const words = opts.elideScripts ? argv.map((w) => (w.includes('\n') || w.length > 160 ? '…' : shellQuote([w]))) : [shellQuote(argv)];
  const line = words.join(' ');
  return line.length > MAX_SUMMARY ? `${line.slice(0, MAX_SUMMARY - 1)}…` : line;
}

/** The summary of a 'run' change: `would run: <quoted argv>`. */
export function wouldRun(argv: string[]): string {
  return `would run: ${argvSummary(argv)}`;
}

/** Last non-empty line of stderr (or stdout), for one-line error messages. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

/** The ModuleError for a command that exited non-zero: the command, its rc and its last words. */
export function commandError(argv: string[], r: ExecResult): ModuleError {
  const why = lastLine(r.stderr) || lastLine(r.stdout) || 'no output';
  return new ModuleError(`${argvSummary(argv, { elideScripts: true })} exited with rc ${r.exitCode}: ${why}`, {
    rc: r.exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    argv,
  });
}
