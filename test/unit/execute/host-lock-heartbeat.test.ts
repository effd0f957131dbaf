// The host lock's heartbeat: a holder whose link dies silently (the host's stdin stays open, nothing
// more arrives) loses the lock after the silence allowed, while a live holder keeps it however long.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HeldCommand } from '../../../runner/connection/held-command.js';
import { LocalConnection } from '../../../runner/connection/local.js';
import { acquireHostLock, heartbeatIntervalMs, startLocal } from '../../../runner/execute/host-lock.js';

const lockDir = mkdtempSync(join(tmpdir(), 'osm-lock-hb-'));
afterAll(() => rmSync(lockDir, { recursive: true, force: true }));

const SILENCE_MS = 1500;

/**
 * Starts acquiring with a PATH that has the lock script's tools but no bash, so the holder keeps the
 * lock with POSIX sh's loop (the spawn reads PATH at once; it is put back before anything awaits).
 */
function withoutBash<T>(start: () => Promise<T>): Promise<T> {
  const bin = join(lockDir, 'bin-without-bash');
  mkdirSync(bin, { recursive: true });
  for (const tool of ['flock', 'timeout', 'head', 'wc', 'cat', 'rm']) {
    try {
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const path = process.env['PATH'];
  process.env['PATH'] = bin;
  try {
    return start();
  } finally {
    process.env['PATH'] = path;
  }
}

/** A connection whose held commands run here but never receive what is written: a dead link. */
function deadLink(host: string): LocalConnection & { startHeldCommand(argv: string[]): Promise<HeldCommand> } {
  return Object.assign(new LocalConnection(host), {
    startHeldCommand: (argv: string[]): Promise<HeldCommand> => Promise.resolve({ ...startLocal(argv), write: () => undefined }),
  });
}

describe('host lock heartbeat', () => {
  it('beats a tenth of the silence allowed, at most every 10 s', () => {
    expect(heartbeatIntervalMs(90_000)).toBe(9000);
    expect(heartbeatIntervalMs(600_000)).toBe(10_000);
    expect(heartbeatIntervalMs(SILENCE_MS)).toBe(150);
  });

  it('frees the lock of a holder whose heartbeat stops arriving, after the silence allowed', async () => {
    const dead = await acquireHostLock(deadLink('hb-a'), { timeoutMs: 1000, holder: 'dead run', lockDir, heartbeatTimeoutMs: SILENCE_MS });
    const t0 = Date.now();
    const next = await acquireHostLock(new LocalConnection('hb-a'), { timeoutMs: 20_000, holder: 'next run', lockDir, heartbeatTimeoutMs: SILENCE_MS });
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(SILENCE_MS - 500);
    expect(waited).toBeLessThan(15_000);
    await next.release();
    await dead.release();
  });

  it('without bash on the host, the same: a dead holder loses the lock, a live one keeps it', async () => {
    const dead = await withoutBash(() => acquireHostLock(deadLink('hb-c'), { timeoutMs: 1000, holder: 'dead run', lockDir, heartbeatTimeoutMs: SILENCE_MS }));
    const t0 = Date.now();
    const next = await withoutBash(() => acquireHostLock(new LocalConnection('hb-c'), { timeoutMs: 20_000, holder: 'next run', lockDir, heartbeatTimeoutMs: SILENCE_MS }));
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(SILENCE_MS - 500);
    expect(waited).toBeLessThan(15_000);
    await expect(
      acquireHostLock(new LocalConnection('hb-c'), { timeoutMs: 3 * SILENCE_MS, holder: 'x', lockDir, heartbeatTimeoutMs: SILENCE_MS }),
    ).rejects.toThrow(/locked by another run \(next run\)/);
    await next.release();
    await dead.release();
  });

  it('a live holder keeps the lock well past the silence allowed', async () => {
    const live = await acquireHostLock(new LocalConnection('hb-b'), { timeoutMs: 1000, holder: 'live run', lockDir, heartbeatTimeoutMs: SILENCE_MS });
    await expect(
      acquireHostLock(new LocalConnection('hb-b'), { timeoutMs: 3 * SILENCE_MS, holder: 'x', lockDir, heartbeatTimeoutMs: SILENCE_MS }),
    ).rejects.toThrow(/locked by another run \(live run\)/);
    await live.release();
  });
});
