// A long output into a pipe whose reader is slower than the CLI arrives whole: the CLI must not
// exit with output still queued (process.exit() drops it; a 500-host recap piped to tee was cut).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliEntry, REPO, runCli } from './run-cli.js';

describe('output into a slow pipe', () => {
  it('is all there when the reader starts reading late', async () => {
    const whole = await runCli(['doc', '--markdown']);
    expect(whole.code).toBe(0);
    // More than a pipe holds (64 kB), so the end waits in the CLI's queue.
    expect(whole.stdout.length).toBeGreaterThan(100_000);
    // The CLI writes into a shell pipe whose reader starts after 3 s: only the pipe's 64 kB fit.
    const late = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('sh', ['-c', '"$0" "$@" | { sleep 3; cat; }', process.execPath, ...cliEntry(), 'doc', '--markdown'], {
        cwd: REPO,
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(late.code).toBe(0);
    expect(late.stdout.length).toBe(whole.stdout.length);
    expect(late.stdout).toBe(whole.stdout);
  }, 60_000);
});
