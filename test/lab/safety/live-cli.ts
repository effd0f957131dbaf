// The real CLI as a child the test can watch line by line while it runs (runCli only answers at the
// end), with its pid: a fault test acts at a chosen line and then looks for the run's traces.
import { spawn } from 'node:child_process';
import { cliEntry, REPO, type CliRun } from '../../integration/cli/run-cli.js';

export interface LiveCli {
  pid: number;
  /** Calls cb with every complete stdout line, including those already printed. */
  onLine(cb: (line: string) => void): void;
  /** Resolves when the CLI exits. */
  done: Promise<CliRun>;
  kill(): void;
}

export function startCli(args: string[]): LiveCli {
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: REPO,
    // CI=true: plain lines, as in a pipe or CI, never the live terminal view.
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('the CLI did not start');
  const lines: string[] = [];
  const watchers: Array<(line: string) => void> = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const text = d.toString();
    stdout += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of watchers) w(line);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return {
    pid: child.pid,
    onLine(cb) {
      for (const l of lines) cb(l);
      watchers.push(cb);
    },
    done,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
