// The host lock over the local connection: waits, times out naming the holder, and survives kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../runner/connection/local.js';
import { acquireHostLock, describeHolder, lockName } from '../../../runner/execute/host-lock.js';

const lockDir = mkdtempSync(join(tmpdir(), 'osm-lock-'));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(lockDir, { recursive: true, force: true }));

/** Starts test/helpers/hold-lock.ts and resolves once it holds the lock. */
function holdInChild(host: string): Promise<ChildProcess> {
  const spec = JSON.stringify({ kind: 'local', host, lockDir, timeoutMs: 5000 });
  // node itself (not npx/tsx wrappers), so SIGKILL hits the process that holds the lock.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/hold-lock.ts', spec], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('LOCKED')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${out}`)));
  });
}

describe('acquireHostLock (local)', () => {
  it('makes a second holder wait until the first releases', async () => {
    const conn = new LocalConnection('lock-a');
    const first = await acquireHostLock(conn, { timeoutMs: 5000, holder: 'first run', lockDir });
    let waitedFor = '';
    let secondHas = false;
    const second = acquireHostLock(conn, {
      timeoutMs: 10_000,
      holder: 'second run',
      lockDir,
      onWait: (h) => {
        waitedFor = h;
      },
    }).then((l) => {
      secondHas = true;
      return l;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(secondHas).toBe(false);
    expect(waitedFor).toBe('first run');
    await first.release();
    const lock2 = await second;
    expect(secondHas).toBe(true);
    await lock2.release();
  });

  it('gives up after the timeout and names the holder', async () => {
    const conn = new LocalConnection('lock-b');
    const holder = describeHolder(new Date('2026-01-02T03:04:05Z'));
    const first = await acquireHostLock(conn, { timeoutMs: 1000, holder, lockDir });
    const t0 = Date.now();
    await expect(acquireHostLock(conn, { timeoutMs: 700, holder: 'x', lockDir })).rejects.toThrow(
      /locked by another run \(osm-play pid \d+, user \S+, on controller \S+, started 2026-01-02T03:04:05.000Z\)/,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    await first.release();
  });

  it('keeps separate locks per inventory host', async () => {
    const a = await acquireHostLock(new LocalConnection('lock-c1'), { timeoutMs: 500, holder: 'a', lockDir });
    const b = await acquireHostLock(new LocalConnection('lock-c2'), { timeoutMs: 500, holder: 'b', lockDir });
    await a.release();
    await b.release();
    expect(lockName('web 1/x')).toBe('web_1_x');
  });

  it('locks on the controller for connections that cannot hold a command (e.g. lxc)', async () => {
    const lxc = Object.assign(Object.create(new LocalConnection('ct1')) as LocalConnection, { kind: 'lxc' });
    const first = await acquireHostLock(lxc, { timeoutMs: 500, holder: 'ct holder', lockDir });
    await expect(acquireHostLock(new LocalConnection('ct1'), { timeoutMs: 300, holder: 'x', lockDir })).rejects.toThrow(/ct holder/);
    await first.release();
  });

  it('takes over a lock whose holder was killed with SIGKILL', async () => {
    const child = await holdInChild('lock-d');
    const conn = new LocalConnection('lock-d');
    await expect(acquireHostLock(conn, { timeoutMs: 300, holder: 'y', lockDir })).rejects.toThrow(/locked by another run \(osm-play pid/);
    child.kill('SIGKILL');
    const lock = await acquireHostLock(conn, { timeoutMs: 5000, holder: 'next', lockDir });
    await lock.release();
  });
});
