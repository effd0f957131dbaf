// What command and shell share: creates/removes guards, the one 'run' change, running it and the
// Ansible-shaped result (rc, stdout, stderr, stdout_lines...).
import { Type } from '@sinclair/typebox';
import { unknownChange, type ApplyOutcome, type HostContext } from '../module.js';
import type { OnlyChange, Vars } from '../types.js';
import { wouldRun } from './argv.js';

export const commandTaskArgs = {
  creates: Type.Optional(Type.String({ description: 'A path or glob; when it exists the command is not run (ok, not changed).' })),
  removes: Type.Optional(Type.String({ description: 'A path or glob; when nothing matches it the command is not run.' })),
  chdir: Type.Optional(Type.String({ description: 'Directory to run the command in.' })),
  stdin: Type.Optional(Type.String({ description: 'Text fed to the command on standard input.' })),
  stdin_add_newline: Type.Boolean({ default: true, description: 'Append a newline to stdin.' }),
  strip_empty_ends: Type.Boolean({ default: true, description: 'Strip trailing newlines from stdout and stderr in the result.' }),
};

export interface CommandTaskOptions {
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

export interface CommandTaskState {
  /** Why the command will not run, or null when it will. */
  skipReason: string | null;
}

// `creates=/x chdir=/y` inside free-form text, as Ansible accepts.
const INLINE_KEYS = ['creates', 'removes', 'chdir', 'executable', 'stdin'];

/** Takes `key=value` words for the known keys off a free-form word list. */
export function extractInlineOptions(words: string[]): { words: string[]; options: Record<string, string> } {
  const options: Record<string, string> = {};
  const rest: string[] = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = eq > 0 ? w.slice(0, eq) : '';
    if (INLINE_KEYS.includes(key) && !(key in options)) options[key] = w.slice(eq + 1);
    else rest.push(w);
  }
  return { words: rest, options };
}

// Glob patterns (as Ansible allows in creates/removes) expand on the host: $1 is left unquoted on
// purpose in this fixed script so the host's shell globs it (IFS= : no word splitting, so spaces stay);
// the pattern itself is never spliced into the script.
const GLOB_EXISTS = 'IFS=; for f in $1; do if [ -e "$f" ] || [ -L "$f" ]; then exit 0; fi; done; exit 1';

async function pathExists(host: HostContext, path: string): Promise<boolean> {
  if (!/[*?[]/.test(path)) return (await host.stat(path)) !== null;
  const r = await host.exec({ argv: ['/bin/sh', '-c', GLOB_EXISTS, 'sh', path] });
  return r.exitCode === 0;
}

export async function gatherCommandTask(host: HostContext, o: CommandTaskOptions): Promise<CommandTaskState> {
  if (o.creates !== undefined && (await pathExists(host, o.creates))) {
    return { skipReason: `Did not run command since '${o.creates}' exists` };
  }
  if (o.removes !== undefined && !(await pathExists(host, o.removes))) {
    return { skipReason: `Did not run command since '${o.removes}' does not exist` };
  }
  return { skipReason: null };
}

/** command and shell plan one kind of change: running the command. */
export type CommandTaskChange = OnlyChange<'run', { argv: string[] }>;

export function planCommandTask(argv: string[], state: CommandTaskState): CommandTaskChange[] {
  if (state.skipReason !== null) return [];
  return [{ action: 'run', target: argv[0] ?? '', summary: wouldRun(argv), data: { argv } }];
}

/** What gets registered when the command did not (or did not yet) run. */
export function commandTaskResult(argv: string[], state: CommandTaskState): Vars {
  if (state.skipReason !== null) return { cmd: argv, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], msg: state.skipReason };
  return { cmd: argv };
}

function strip(text: string, on: boolean): string {
  return on ? text.replace(/[\r\n]+$/, '') : text;
}

/** The planned changes must all be the run: checked before it, so an unknown change runs nothing. */
function checkRunChanges(changes: readonly CommandTaskChange[]): void {
  for (const c of changes) {
    switch (c.action) {
      case 'run':
        break;
      default:
        unknownChange(c);
    }
  }
}

/** Runs argv (the command the 'run' change names) as planned. */
export async function runCommandTask(host: HostContext, argv: string[], o: CommandTaskOptions, changes: readonly CommandTaskChange[]): Promise<ApplyOutcome> {
  checkRunChanges(changes);
  const stdin = o.stdin === undefined ? undefined : o.stdin + (o.stdin_add_newline ? '\n' : '');
  const start = new Date();
  const r = await host.exec({ argv }, { cwd: o.chdir, stdin });
  const end = new Date();
  const stdout = strip(r.stdout, o.strip_empty_ends);
  const stderr = strip(r.stderr, o.strip_empty_ends);
  const lines = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
  const data: Vars = {
    cmd: argv,
    rc: r.exitCode,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: start.toISOString(),
    end: end.toISOString(),
    delta: `${(r.durationMs / 1000).toFixed(3)}s`,
  };
  if (r.exitCode !== 0) {
    const why = stderr.split('\n').filter((l) => l.trim() !== '').pop();
    return { data, failed: true, msg: `non-zero return code ${r.exitCode}${why ? `: ${why}` : ''}` };
  }
  return { data };
}
