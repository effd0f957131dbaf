// Runs the CLI with --step (as runCli does: node + the CLI entry, CI=true) and answers its prompts:
// `y` to each, except at prompt number `killAt`, where the run is killed with SIGKILL instead, exactly
// at a task boundary: the previous task has finished and the next has not started.
import { spawn } from 'node:child_process';
import { cliEntry, REPO } from '../../integration/cli/run-cli.js';

/** The prompt osm-play writes to stderr before each task and handler on each host (no newline). */
export const STEP_PROMPT = /Step: perform task \[(.+?)\] on (\S+)\? \(y\)es\/\(n\)o\/\(c\)ontinue: $/;

export interface StepPrompt {
  task: string;
  host: string;
}

export interface StepRun {
  /** Every prompt seen, in order, including the one the run was killed at. */
  prompts: StepPrompt[];
  /** Whether the run was killed (at prompt killAt) rather than ending by itself. */
  killed: boolean;
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Everything printed, for failure messages. */
  output: string;
}

export interface StepRunOptions {
  /** 1-based prompt number to kill the run at; undefined answers every prompt. */
  killAt?: number;
  /** Kill the run at the first prompt for this task (on the host, when given) instead. */
  killAtTask?: { task: string; host?: string };
  /** Kill the run (and fail) when it takes longer than this. */
  timeoutMs?: number;
  /** Write the run's --json report here (for its task results). */
  json?: string;
}

export function stepRun(args: string[], opts: StepRunOptions = {}): Promise<StepRun> {
  const timeoutMs = opts.timeoutMs ?? 20 * 60_000;
  return new Promise((resolve, reject) => {
    const json = opts.json === undefined ? [] : ['--json', opts.json];
    const child = spawn(process.execPath, [...cliEntry(), ...args, ...json, '--step'], {
      cwd: REPO,
      env: { ...process.env, CI: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const prompts: StepPrompt[] = [];
    let stdout = '';
    let stderr = '';
    // Where the text not yet matched against the prompt starts: a prompt is answered once.
    let unread = 0;
    let killed = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = STEP_PROMPT.exec(stderr.slice(unread));
      if (!m || killed) return;
      unread = stderr.length;
      prompts.push({ task: m[1] ?? '', host: m[2] ?? '' });
      const at = opts.killAtTask;
      if (prompts.length === opts.killAt || (at && m[1] === at.task && (at.host === undefined || m[2] === at.host))) {
        killed = true;
        child.kill('SIGKILL');
      } else {
        child.stdin.write('y\n');
      }
    });
    child.on('error', reject);
    // A run that ends without reading its last answer must not crash the test with EPIPE.
    child.stdin.on('error', () => {});
    // 'close': the process is gone and its pipes are drained.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const output = `exit ${code ?? signal}\n${stdout}\n${stderr}`;
      if (timedOut) reject(new Error(`osm-play ${args.join(' ')} --step took longer than ${timeoutMs} ms, killed:\n${output}`));
      else resolve({ prompts, killed, code, signal, stdout, stderr, output });
    });
  });
}

/**
 * The 1-based prompts, from `from` on, at which a kill can leave the host in a state that no earlier
 * prompt leaves it in: the first, and each one after a task that ran apply (changed or failed in
 * the uninterrupted run's results). A task that was ok or skipped ran no apply, and gather only
 * reads, so killing after it leaves the host as killing before it did, and the re-run, which
 * starts from nothing but the host, is the same run. A prompt with no result is counted as a write.
 */
export function distinctBoundaries(prompts: StepPrompt[], results: { host: string; task: string; status: string }[], from = 1): number[] {
  const wrote: boolean[] = [];
  let next = 0;
  for (const p of prompts) {
    const at = results.findIndex((r, i) => i >= next && r.host === p.host && r.task === p.task);
    if (at < 0) {
      wrote.push(true);
      continue;
    }
    // A loop reports each item under the task's name: any item that ran apply counts.
    let end = at;
    while (end < results.length && results[end]!.host === p.host && results[end]!.task === p.task) end++;
    wrote.push(results.slice(at, end).some((r) => r.status !== 'ok' && r.status !== 'skipped'));
    next = end;
  }
  const ks: number[] = [];
  for (let k = from; k <= prompts.length; k++) if (k === from || wrote[k - 2]) ks.push(k);
  return ks;
}
