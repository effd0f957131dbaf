// Commands over a real sshd: argv arrives intact, stdin/env/cwd, exit codes, timeouts, channel limits,
// and a dropped link is UNREACHABLE.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandTimeoutError } from '../../../runner/connection/errors.js';
import { createConnection } from '../../../runner/connection/index.js';
import { UnreachableError, type Connection } from '../../../runner/connection/types.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

let fx: SshFixture;
let conn: Connection;

beforeAll(async () => {
  fx = await sshFixture({ maxSessions: 4 });
  conn = await createConnection('h1', fx.vars({ ansible_ssh_max_sessions: 4 }));
});
afterAll(async () => {
  await conn?.close();
  await fx?.stop();
});

const HOSTILE = [
  "it's",
  '"double"',
  '$(id -u)',
  '`id`',
  'line1\nline2',
  'tab\there',
  '; rm -rf /tmp/nope',
  '*',
  '~',
  'a=b',
  '-n',
  '',
  ' lead and trail ',
  'ü€😀',
  'back\\slash\\',
  '$HOME ${PATH}',
  '!event #hash {a,b} >out <in |pipe &bg',
];

describe('ssh exec', () => {
  it('delivers hostile argv byte for byte (remote prints its argv NUL-separated)', async () => {
    const r = await conn.exec({ argv: ['printf', '%s\\0', ...HOSTILE] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });

  it('passes hostile argv through a script, env and cwd', async () => {
    const r = await conn.exec(
      { argv: ['/bin/sh', '-c', 'printf "%s\\0" "$PWD" "$OSM_X" "$@"', 'sh', ...HOSTILE] },
      { env: { OSM_X: "x'y $(z)" }, cwd: '/tmp' },
    );
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(['/tmp', "x'y $(z)", ...HOSTILE]);
    const s = await conn.exec({ script: 'echo "$0" >&2; exit 7' });
    expect(s).toMatchObject({ exitCode: 7 });
    expect(s.stderr.trim()).toMatch(/sh$/);
  });

  it('feeds stdin and returns stdout, stderr and the exit code', async () => {
    const r = await conn.exec({ argv: ['sh', '-c', 'cat; echo oops >&2; exit 3'] }, { stdin: 'from stdin\n' });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'from stdin\n', stderr: 'oops\n' });
    const missing = await conn.exec({ argv: ['/no/such/program'] });
    expect(missing.exitCode).toBe(127);
  });

  it('kills a command that runs past its timeout', async () => {
    const t0 = Date.now();
    await expect(conn.exec({ argv: ['sleep', '20'] }, { timeoutMs: 500 })).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await conn.exec({ argv: ['true'] })).exitCode).toBe(0);
  });

  it('queues commands beyond MaxSessions instead of failing', async () => {
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => conn.exec({ argv: ['sh', '-c', `sleep 0.3; echo ${i}`] })));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 16 }, (_, i) => String(i)));
    // 16 commands, at most 4 at a time: at least 4 rounds of 0.3 s.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1100);
  });

  it('reports a link dropped mid-command as UNREACHABLE', async () => {
    const c = await createConnection('h-drop', fx.vars());
    const running = c.exec({ argv: ['sleep', '30'] });
    await new Promise((r) => setTimeout(r, 500));
    // Kill the user's side of every session (sshd's per-user child and the command).
    execFileSync('pkill', ['-KILL', '-u', fx.user.name]);
    await expect(running).rejects.toBeInstanceOf(UnreachableError);
    await expect(c.exec({ argv: ['true'] })).rejects.toBeInstanceOf(UnreachableError);
    await c.close();
  });
});
