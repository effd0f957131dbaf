// Over a real sshd: ten inventory names on one sshd in parallel with one unreachable host, and the
// host lock: a second run waits then proceeds, and kill -9 of a run leaves nothing that blocks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../../runner/connection/index.js';
import { UnreachableError, type Connection } from '../../../runner/connection/types.js';
import { acquireHostLock, describeHolder } from '../../../runner/execute/host-lock.js';
import { freePort } from '../../helpers/sshd.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

let fx: SshFixture;
let lockDir: string;
const children: ChildProcess[] = [];
const conns: Connection[] = [];

beforeAll(async () => {
  fx = await sshFixture();
  // The test user must be able to create lock files here.
  lockDir = mkdtempSync(join(tmpdir(), 'osm-ssh-lock-'));
  await import('node:fs').then((fs) => fs.chmodSync(lockDir, 0o1777));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(conns.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await fx?.stop();
  if (lockDir) rmSync(lockDir, { recursive: true, force: true });
});

async function open(name: string): Promise<Connection> {
  const c = await createConnection(name, fx.vars());
  conns.push(c);
  return c;
}

describe('a fleet of ten inventory hosts on one sshd', () => {
  it('works on all reachable hosts in parallel and reports the unreachable one', async () => {
    const closed = await freePort();
    const names = [...Array.from({ length: 10 }, (_, i) => `web${i + 1}`), 'gone'];
    const outcomes = await Promise.all(
      names.map(async (name) => {
        try {
          const c = await createConnection(name, fx.vars(name === 'gone' ? { ansible_port: closed } : {}));
          conns.push(c);
          const dir = join(fx.user.home, 'fleet', name);
          await c.exec({ argv: ['mkdir', '-p', dir] });
          await c.writeFile(join(dir, 'motd'), `hello ${name}\n`);
          const r = await c.exec({ argv: ['cat', join(dir, 'motd')] });
          return r.stdout.trim();
        } catch (err) {
          return err instanceof UnreachableError ? `UNREACHABLE ${err.host}: ${err.message}` : String(err);
        }
      }),
    );
    expect(outcomes.slice(0, 10)).toEqual(names.slice(0, 10).map((n) => `hello ${n}`));
    expect(outcomes[10]).toMatch(/^UNREACHABLE gone: connection refused/);
  });
});

/** A separate process that holds the lock over ssh until killed. */
function holdInChild(host: string): Promise<ChildProcess> {
  const spec = JSON.stringify({ kind: 'ssh', host, vars: fx.vars(), lockDir, timeoutMs: 5000 });
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/hold-lock.ts', spec], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('LOCKED')) resolve(child);
    });
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${out}`)));
  });
}

describe('host lock over ssh', () => {
  it('makes a second run wait, then proceed when the first releases', async () => {
    const a = await open('locked1');
    const b = await open('locked1');
    const first = await acquireHostLock(a, { timeoutMs: 5000, holder: describeHolder(), lockDir });
    let waited = '';
    let got = false;
    const second = acquireHostLock(b, { timeoutMs: 10_000, holder: 'second', lockDir, onWait: (h) => (waited = h) }).then((l) => {
      got = true;
      return l;
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(got).toBe(false);
    expect(waited).toMatch(/^osm-play pid \d+, user \S+, on controller \S+, started /);
    await first.release();
    await (await second).release();
    expect(got).toBe(true);
  });

  it('times out naming the holder', async () => {
    const a = await open('locked2');
    const b = await open('locked2');
    const first = await acquireHostLock(a, { timeoutMs: 5000, holder: 'run A (pid 1, user x)', lockDir });
    await expect(acquireHostLock(b, { timeoutMs: 500, holder: 'run B', lockDir })).rejects.toThrow(
      'host locked2 is locked by another run (run A (pid 1, user x)); gave up after 1s',
    );
    await first.release();
  });

  it('takes over after the holding run was killed with SIGKILL', async () => {
    const child = await holdInChild('locked3');
    const c = await open('locked3');
    await expect(acquireHostLock(c, { timeoutMs: 300, holder: 'probe', lockDir })).rejects.toThrow(/locked by another run \(osm-play pid/);
    child.kill('SIGKILL');
    const lock = await acquireHostLock(c, { timeoutMs: 10_000, holder: 'next', lockDir });
    await lock.release();
  });

  it('uses the default lock place (/run for root, /tmp otherwise) without options', async () => {
    const c = await open('locked4');
    const lock = await acquireHostLock(c, { timeoutMs: 2000, holder: 'default dir' });
    const r = await c.exec({ argv: ['cat', '/tmp/osm-play.locked4.lock.holder'] });
    expect(r.stdout.trim()).toBe('default dir');
    await lock.release();
    await c.exec({ argv: ['rm', '-f', '/tmp/osm-play.locked4.lock'] });
  });
});
