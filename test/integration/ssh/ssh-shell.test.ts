// The persistent remote shell over a real sshd: commands share one shell, bytes cross it intact, a
// shell killed by its own command is replaced, timeouts leave the shell usable, and a controller
// that dies leaves no shell behind.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandTimeoutError } from '../../../runner/connection/errors.js';
import { createConnection } from '../../../runner/connection/index.js';
import { readyLine } from '../../../runner/connection/shell-protocol.js';
import { UnreachableError, type Connection } from '../../../runner/connection/types.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

let fx: SshFixture;
let conn: Connection;

beforeAll(async () => {
  fx = await sshFixture();
  conn = await createConnection('h-shell', fx.vars());
});
afterAll(async () => {
  await conn?.close();
  await fx?.stop();
});

// Prints the pid of the persistent shell running this command (its topmost `/bin/sh -c <driver>`
// ancestor; the driver's per-command subshell has the same command line), or `none`.
export const SHELL_PID = [
  'p=$PPID; found=none',
  'while [ "$p" -gt 1 ]; do',
  '  case "$(tr "\\0" " " < /proc/$p/cmdline)" in "/bin/sh -c "*osm-play-shell*) found=$p;; esac',
  '  p=$(awk "/^PPid:/ { print \\$2 }" /proc/$p/status)',
  'done',
  'echo $found',
].join('\n');

async function shellPid(c: Connection = conn): Promise<string> {
  const r = await c.exec({ script: SHELL_PID });
  expect(r.exitCode).toBe(0);
  return r.stdout.trim();
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`still waiting for ${what}`);
}

describe('the persistent remote shell', () => {
  it('runs many commands, one after another, on one shell', async () => {
    const pids = new Set<string>();
    for (let i = 0; i < 30; i++) pids.add(await shellPid());
    expect(pids.size).toBe(1);
    expect([...pids][0]).toMatch(/^\d+$/);
  });

  it('carries binary stdin intact and output that imitates the framing', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const sum = await conn.exec({ argv: ['sha256sum'] }, { stdin: data });
    expect(sum.stdout.split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'));
    const fake = `00000000 0 5 0\nhello\n${readyLine('0123456789abcdef')}\n`;
    const echoed = await conn.exec({ argv: ['sh', '-c', 'cat; printf "%s" "$1" >&2', 'sh', fake] }, { stdin: fake });
    expect(echoed).toMatchObject({ exitCode: 0, stdout: fake, stderr: fake });
    const raw = await conn.exec({ argv: ['sh', '-c', 'head -c 100000 /dev/urandom; exit 4'] });
    expect(raw.exitCode).toBe(4);
    expect((await conn.exec({ argv: ['echo', 'next'] })).stdout).toBe('next\n');
  });

  it('feeds stdin to EOF, and a command that reads none leaves the next one in step', async () => {
    const big = 'x'.repeat(200_000);
    expect((await conn.exec({ argv: ['wc', '-c'] }, { stdin: big })).stdout.trim()).toBe('200000');
    expect((await conn.exec({ argv: ['true'] }, { stdin: big })).exitCode).toBe(0);
    expect((await conn.exec({ argv: ['cat'] }, { stdin: 'after\n' })).stdout).toBe('after\n');
  });

  it('returns large stdout and stderr whole', async () => {
    const r = await conn.exec({ script: 'head -c 5000000 /dev/zero | tr "\\0" a; head -c 300000 /dev/zero | tr "\\0" b >&2; exit 2' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('a'.repeat(5_000_000));
    expect(r.stderr).toBe('b'.repeat(300_000));
  });

  it('applies env and cwd', async () => {
    const r = await conn.exec({ argv: ['sh', '-c', 'printf "%s|%s" "$PWD" "$OSM_Y"'] }, { env: { OSM_Y: "a b'$(c)" }, cwd: '/tmp' });
    expect(r.stdout).toBe("/tmp|a b'$(c)");
  });

  it('replaces a shell that its command killed; the next command works', async () => {
    const before = await shellPid();
    const err: unknown = await conn.exec({ script: `kill -9 $(\n${SHELL_PID}\n)` }).then(
      () => new Error('the command that killed its shell succeeded'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UnreachableError);
    expect(err instanceof Error ? err.message : '').toMatch(/remote shell ended \((killed by signal KILL|exit status 137)[:)].* while running/s);
    const after = await shellPid();
    expect(after).toMatch(/^\d+$/);
    expect(after).not.toBe(before);
    expect(existsSync(`/proc/${before}`)).toBe(false);
  });

  it('kills a command past its timeout and keeps the shell', async () => {
    const before = await shellPid();
    await expect(conn.exec({ argv: ['sleep', '27'] }, { timeoutMs: 300 })).rejects.toBeInstanceOf(CommandTimeoutError);
    // Meanwhile (the shell is still busy with the dying command) another channel serves.
    expect((await conn.exec({ argv: ['echo', 'meanwhile'] })).stdout).toBe('meanwhile\n');
    await waitFor('the timed-out sleep to be killed', () => !pgrep(fx.user.name, 'sleep 27'));
    await waitFor('the same shell to serve again', async () => (await shellPid()) === before);
  });

  it('runs become through sudo -n on the shell (connected as root)', async () => {
    const root = await createConnection('h-root', fx.vars({ ansible_user: 'root' }));
    try {
      const r = await root.exec({ script: `id -un\n${SHELL_PID}` }, { become: { method: 'sudo', user: fx.user.name } });
      const [user, pid] = r.stdout.trim().split('\n');
      expect(user).toBe(fx.user.name);
      expect(pid).toMatch(/^\d+$/);
    } finally {
      await root.close();
    }
  });

  it('leaves no shell behind when the controller is killed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./shell-holder.ts', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OSM_SHELL_HOLDER_VARS: JSON.stringify(fx.vars()), OSM_SHELL_PID_SCRIPT: SHELL_PID },
    });
    const pid = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`shell holder exited early (${code}): ${out}`)));
    });
    expect(pid).toMatch(/^\d+$/);
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(`shell ${pid} to exit`, () => !existsSync(`/proc/${pid}`));
  });
});

function pgrep(user: string, pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-u', user, '-f', pattern]);
    return true;
  } catch {
    return false;
  }
}
