// The lxc connection's persistent shell inside the container, through a local parent. lxc-attach
// here is a stand-in that logs each start and runs its command with a cleared environment (the
// lab's tests run the real one in real containers); the shell, its driver and the fallback to one
// lxc-attach per command are the product's own.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLxcConnection, type LxcConnection } from '../../../modules/connections/lxc.js';
import { CommandTimeoutError } from '../../../runner/connection/errors.js';

const work = mkdtempSync(join(tmpdir(), 'osm-lxc-shell-'));
const bin = join(work, 'bin');
const log = join(work, 'attach.log');
let savedPath: string | undefined;
let conn: LxcConnection;

/** The starts of lxc-attach so far: "<pid> <first word of the command>" each. */
function attaches(): string[] {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

beforeAll(() => {
  mkdirSync(bin);
  mkdirSync(join(work, 'tmp'));
  writeFileSync(
    join(bin, 'lxc-attach'),
    [
      '#!/bin/sh',
      'while [ "$1" != -- ]; do shift; done; shift',
      `echo "$$ $1" >> ${log}`,
      // The driver's temp dir in ours, so a driver killed by a test leaves nothing in /tmp.
      `exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=${join(work, 'tmp')} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'lxc-attach'), 0o755);
  savedPath = process.env['PATH'];
  process.env['PATH'] = `${bin}:${savedPath ?? ''}`;
});

afterEach(async () => {
  await conn?.close();
  rmSync(log, { force: true });
});

afterAll(() => {
  process.env['PATH'] = savedPath;
  rmSync(work, { recursive: true, force: true });
});

async function open(): Promise<LxcConnection> {
  conn = await createLxcConnection('acme', { ansible_lxc_host: 'localhost', ansible_lxc_name: 'acme-svr' }, {});
  return conn;
}

describe('lxc connection: one shell in the container', () => {
  it('runs many commands on one lxc-attach, each with its exit status and its own stdout and stderr', async () => {
    const c = await open();
    for (let i = 0; i < 5; i++) {
      const r = await c.exec({ argv: ['sh', '-c', `echo out${i}; echo err${i} >&2; exit ${i}`] });
      expect(r).toMatchObject({ exitCode: i, stdout: `out${i}\n`, stderr: `err${i}\n` });
    }
    expect(attaches()).toHaveLength(1);
    expect(attaches()[0]).toMatch(/^\d+ \/bin\/sh$/);
  });

  it('hands hostile arguments over byte for byte, and stdin, env and cwd as asked', async () => {
    const c = await open();
    const hostile = ['$(touch /tmp/pwned)', '`id`', "a'b\"c", 'x;y|z&', '\\n', 'new\nline', ' lead', '*', '-n'];
    const r = await c.exec({ argv: ['printf', '%s\\0', ...hostile] });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    const piped = await c.exec({ argv: ['sh', '-c', 'cat; echo "$GREETING"; pwd'] }, { stdin: 'from stdin\n', env: { GREETING: 'a b' }, cwd: '/usr' });
    expect(piped.stdout).toBe('from stdin\na b\n/usr\n');
    expect(attaches()).toHaveLength(1);
  });

  it('returns large output whole', async () => {
    const c = await open();
    const r = await c.exec({ argv: ['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" a; head -c 200000 /dev/zero | tr "\\0" b >&2'] });
    expect(r.stdout.length).toBe(3_000_000);
    expect(r.stderr.length).toBe(200_000);
    expect(r.stdout.replace(/a/g, '')).toBe('');
  });

  it('kills a command past its timeout in the container, and the shell serves the next one', async () => {
    const c = await open();
    await expect(c.exec({ argv: ['sleep', '37'] }, { timeoutMs: 1200 })).rejects.toBeInstanceOf(CommandTimeoutError);
    // `timeout` in the container kills it at the next whole second; then the shell is free again.
    await new Promise((r) => setTimeout(r, 1500));
    const r = await c.exec({ argv: ['echo', 'after'] });
    expect(r.stdout).toBe('after\n');
    expect(attaches()).toHaveLength(1);
    expect(execFileSync('sh', ['-c', 'pgrep -f "^sleep 37$" || true']).toString()).toBe('');
  }, 20_000);

  it('runs a command again on its own lxc-attach when the shell ends under it (the container stopped)', async () => {
    const c = await open();
    await c.exec({ argv: ['true'] });
    const [driverPid] = (attaches()[0] ?? '').split(' ');
    const marker = join(work, 'runs');
    rmSync(marker, { force: true });
    const running = c.exec({ argv: ['sh', '-c', `echo run >> ${marker}; sleep 1; echo done`] });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(Number(driverPid), 'SIGKILL');
    const r = await running;
    expect(r.stdout).toBe('done\n');
    expect(r.exitCode).toBe(0);
    // Started in the shell, then on an lxc-attach of its own.
    expect(attaches().map((l) => l.split(' ')[1])).toEqual(['/bin/sh', 'sh']);
    expect(readFileSync(marker, 'utf8')).toBe('run\nrun\n');
    // The next command gets a new shell.
    await c.exec({ argv: ['true'] });
    expect(attaches().map((l) => l.split(' ')[1])).toEqual(['/bin/sh', 'sh', '/bin/sh']);
  }, 20_000);

  it('commands that come while the shell is busy take their own lxc-attach', async () => {
    const c = await open();
    const [slow, quick] = await Promise.all([c.exec({ argv: ['sh', '-c', 'sleep 0.5; echo slow'] }), c.exec({ argv: ['echo', 'quick'] })]);
    expect([slow.stdout, quick.stdout]).toEqual(['slow\n', 'quick\n']);
    expect(attaches().map((l) => l.split(' ')[1]).sort()).toEqual(['/bin/sh', 'echo']);
  });

  it('leaves no driver running after close', async () => {
    const c = await open();
    await c.exec({ argv: ['true'] });
    const [driverPid] = (attaches()[0] ?? '').split(' ');
    await c.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(() => process.kill(Number(driverPid), 0)).toThrow();
  });
});
