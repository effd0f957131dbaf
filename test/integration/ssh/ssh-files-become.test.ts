// Files over SFTP (atomic, mode, owner kept) and become via sudo over ssh: to root with a password,
// and to a second non-root user the test creates; files under become go through commands.
import { mkdtempSync, rmSync, statSync, writeFileSync, readdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../../runner/connection/index.js';
import type { BecomeOptions, Connection } from '../../../runner/connection/types.js';
import { createTestUser, type TestUser } from '../../helpers/test-user.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

let fx: SshFixture;
let other: TestUser;
let conn: Connection;
let work: string;
let rootDir: string;
let toRoot: BecomeOptions;

beforeAll(async () => {
  fx = await sshFixture();
  other = createTestUser('osmo');
  conn = await createConnection('files', fx.vars());
  work = join(fx.user.home, 'work');
  await conn.exec({ argv: ['mkdir', '-p', work] });
  rootDir = mkdtempSync('/root/osm-become-');
  toRoot = { method: 'sudo', user: 'root', password: fx.user.password };
});
afterAll(async () => {
  await conn?.close();
  await fx?.stop();
  other?.remove();
  if (rootDir) rmSync(rootDir, { recursive: true, force: true });
});

describe('files over sftp', () => {
  it('writes atomically with a mode, reads back, stats, and reports missing files as null', async () => {
    const path = join(work, 'a.conf');
    await conn.writeFile(path, 'one\n', { mode: 0o640 });
    expect((await conn.readFile(path))?.toString()).toBe('one\n');
    expect(await conn.stat(path)).toMatchObject({ isFile: true, mode: 0o640, size: 4, uid: fx.user.uid });
    // Replacing keeps the mode when none is given, and leaves no temp file behind.
    await conn.writeFile(path, Buffer.from([0, 1, 2, 255]));
    expect([...((await conn.readFile(path)) ?? [])]).toEqual([0, 1, 2, 255]);
    expect((await conn.stat(path))?.mode).toBe(0o640);
    expect(readdirSync(work).filter((f) => f.startsWith('.osm-play'))).toEqual([]);
    expect(await conn.readFile(join(work, 'missing'))).toBeNull();
    expect(await conn.stat(join(work, 'missing'))).toBeNull();
    expect(await conn.stat(work)).toMatchObject({ isDir: true });
  });

  it('fails clearly when the directory is not writable', async () => {
    await expect(conn.writeFile('/root/forbidden.txt', 'x')).rejects.toThrow(/\/root\/forbidden.txt/);
  });
});

describe('become via sudo over ssh', () => {
  it('runs as root with the become password, which never reaches the output', async () => {
    const r = await conn.exec({ argv: ['id', '-u'] }, { become: toRoot });
    expect(r).toMatchObject({ exitCode: 0, stdout: '0\n' });
    expect(r.stderr).not.toContain(fx.user.password);
    const withStdin = await conn.exec({ argv: ['cat'] }, { become: toRoot, stdin: 'payload\n' });
    expect(withStdin.stdout).toBe('payload\n');
  });

  it('runs as a second non-root user', async () => {
    const r = await conn.exec({ argv: ['id', '-un'] }, { become: { method: 'sudo', user: other.name, password: fx.user.password } });
    expect(r.stdout.trim()).toBe(other.name);
  });

  it('says so when the become password is wrong', async () => {
    const r = await conn.exec({ argv: ['id', '-u'] }, { become: { method: 'sudo', user: 'root', password: 'wrong' } });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/incorrect become password|sudo/);
  });

  it('reads, writes and stats root-only files through become', async () => {
    const path = join(rootDir, 'secret.conf');
    await conn.writeFile(path, 'root data\n', { mode: 0o600, owner: other.name, become: toRoot });
    const st = statSync(path);
    expect(st.mode & 0o7777).toBe(0o600);
    expect(st.uid).toBe(other.uid);
    expect((await conn.readFile(path, { become: toRoot }))?.toString()).toBe('root data\n');
    expect(await conn.stat(path, { become: toRoot })).toMatchObject({ isFile: true, mode: 0o600, uid: other.uid });
    expect(await conn.readFile(join(rootDir, 'nope'), { become: toRoot })).toBeNull();
    // Without become the same file is out of reach.
    await expect(conn.readFile(path)).rejects.toThrow();
  });

  it('keeps the owner of a replaced file when writing as root', async () => {
    const path = join(rootDir, 'owned.conf');
    writeFileSync(path, 'old\n', { mode: 0o644 });
    chownSync(path, other.uid, other.uid);
    await conn.writeFile(path, 'new\n', { become: toRoot });
    expect(statSync(path).uid).toBe(other.uid);
  });
});
