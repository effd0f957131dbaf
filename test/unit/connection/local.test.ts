import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandTimeoutError } from '../../../runner/connection/errors.js';
import { ExecFileOps } from '../../../runner/connection/exec-file-ops.js';
import { LocalConnection } from '../../../runner/connection/local.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-play-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const conn = new LocalConnection();
const isRoot = process.getuid?.() === 0;

describe('LocalConnection.exec', () => {
  it('passes argv without a shell', async () => {
    const argv = ['$(echo no)', "it's", 'a b', '', '`x`', '\n'];
    const r = await conn.exec({ argv: ['/bin/sh', '-c', 'printf "%s|" "$@"', 'sh', ...argv] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(argv.map((a) => `${a}|`).join(''));
  });

  it('runs scripts through /bin/sh -c', async () => {
    const r = await conn.exec({ script: 'echo out; echo err >&2; exit 3' });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('feeds stdin, env and cwd', async () => {
    const r = await conn.exec({ script: 'cat; printf "%s %s" "$OSM_T" "$(pwd)"' }, { stdin: 'in\n', env: { OSM_T: 'v 1' }, cwd: dir });
    expect(r.stdout).toBe(`in\nv 1 ${dir}`);
  });

  it('reports a missing program as rc 127', async () => {
    const r = await conn.exec({ argv: ['/nonexistent/osm-play-prog'] });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('command not found');
  });

  it('kills the whole process group on timeout with a clear error', async () => {
    const pidFile = join(dir, 'child.pid');
    const started = Date.now();
    await expect(conn.exec({ script: `sleep 30 & echo $! > '${pidFile}'; wait` }, { timeoutMs: 300 })).rejects.toThrow(CommandTimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    // Gone, or a zombie waiting for an init that does not reap: either way no longer running.
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it.runIf(isRoot)('runs under sudo become', async () => {
    const r = await conn.exec({ argv: ['id', '-un'] }, { become: { method: 'sudo', user: 'nobody' } });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'nobody\n' });
  });

  it.runIf(isRoot)('with a sudo password that is not asked for, stdin reaches the command untouched', async () => {
    const r = await conn.exec({ argv: ['cat'] }, { stdin: 'payload', become: { method: 'sudo', user: 'nobody', password: 'never-used' } });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'payload', stderr: '' });
  });

  it.runIf(isRoot)('runs under su become with env', async () => {
    const r = await conn.exec({ script: 'printf "%s %s" "$(id -un)" "$OSM_T"' }, { env: { OSM_T: 'x y' }, become: { method: 'su', user: 'nobody' } });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'nobody x y' });
  });
});

describe('LocalConnection files', () => {
  it('reads missing files as null and stats with lstat semantics', async () => {
    expect(await conn.readFile(join(dir, 'missing'))).toBeNull();
    expect(await conn.stat(join(dir, 'missing'))).toBeNull();
    expect(await conn.stat(join(dir, 'missing', 'below'))).toBeNull();
    const st = await conn.stat(dir);
    expect(st).toMatchObject({ exists: true, isDir: true, isFile: false });
  });

  it('writes atomically with mode, leaving no temp file', async () => {
    const p = join(dir, 'a.txt');
    await conn.writeFile(p, 'one\n', { mode: 0o640 });
    expect(readFileSync(p, 'utf8')).toBe('one\n');
    expect(statSync(p).mode & 0o7777).toBe(0o640);
    expect(readdirSync(dir).filter((n) => n.startsWith('.osm-play'))).toEqual([]);
    expect((await conn.readFile(p))?.toString()).toBe('one\n');
  });

  it('keeps the mode of a replaced file unless told otherwise', async () => {
    const p = join(dir, 'keep.txt');
    writeFileSync(p, 'x');
    chmodSync(p, 0o600);
    await conn.writeFile(p, 'y');
    expect(statSync(p).mode & 0o7777).toBe(0o600);
  });

  it.runIf(isRoot)('sets owner and group by name', async () => {
    const p = join(dir, 'owned.txt');
    await conn.writeFile(p, 'z', { owner: 'nobody', group: 'nogroup' });
    const st = statSync(p);
    expect(st.uid).not.toBe(0);
    expect(st.gid).not.toBe(0);
  });

  it('fails clearly for an unknown owner and leaves the target alone', async () => {
    const p = join(dir, 'bad-owner.txt');
    await expect(conn.writeFile(p, 'z', { owner: 'no-such-user-osm' })).rejects.toThrow(/chown/);
    expect(existsSync(p)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.osm-play'))).toEqual([]);
  });
});

describe('ExecFileOps (the become / remote path)', () => {
  const ops = new ExecFileOps((c, o) => conn.exec(c, o));

  it('round-trips binary content, mode and stat', async () => {
    const p = join(dir, "odd name 'q'.bin");
    const data = Buffer.from([0, 1, 2, 255, 10, 13, 0x27]);
    await ops.writeFile(p, data, { mode: 0o600 });
    expect(readFileSync(p).equals(data)).toBe(true);
    expect((await ops.readFile(p))?.equals(data)).toBe(true);
    const st = await ops.stat(p);
    expect(st).toMatchObject({ isFile: true, mode: 0o600, size: data.length });
    expect(await ops.readFile(join(dir, 'nope'))).toBeNull();
    expect(await ops.stat(join(dir, 'nope'))).toBeNull();
  });

  it.runIf(isRoot)('works under su become (stdin passes through su)', async () => {
    const p = join(dir, 'via-su.txt');
    await conn.writeFile(p, 'su wrote\n', { become: { method: 'su', user: 'root' } });
    expect(readFileSync(p, 'utf8')).toBe('su wrote\n');
    expect((await conn.readFile(p, { become: { method: 'su', user: 'root' } }))?.toString()).toBe('su wrote\n');
  });

  it.runIf(isRoot)('works under sudo become', async () => {
    const p = join(dir, 'via-sudo.txt');
    await conn.writeFile(p, 'root wrote\n', { become: { method: 'sudo', user: 'root' }, mode: 0o644 });
    expect((await conn.readFile(p, { become: { method: 'sudo', user: 'root' } }))?.toString()).toBe('root wrote\n');
    expect(await conn.stat(p, { become: { method: 'sudo', user: 'root' } })).toMatchObject({ isFile: true, mode: 0o644 });
  });
});

describe('LocalConnection.exec with a background process holding the pipes', () => {
  it('returns once the command exits, like a service start that daemonizes', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const started = Date.now();
    const r = await conn.exec({ script: `sleep 20 & echo $! > '${pidFile}'; echo started` });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(Date.now() - started).toBeLessThan(5000);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  });
});
