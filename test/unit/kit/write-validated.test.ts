import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../runner/connection/local.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { FileChangedError, writeValidated } from '../../../runner/kit/write-validated.js';
import { ModuleError } from '../../../runner/module.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-play-wv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const host = makeHostContext({ name: 'localhost', conn: new LocalConnection(), vars: {}, searchDirs: { files: [], templates: [] } });
const leftovers = () => readdirSync(dir).filter((n) => n.includes('osm-play'));

describe('writeValidated', () => {
  it('writes a new file with mode', async () => {
    const p = join(dir, 'new.conf');
    const w = await writeValidated(host, p, 'hello\n', { mode: 0o600 });
    expect(readFileSync(p, 'utf8')).toBe('hello\n');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(w.previous).toBeNull();
  });

  it('validates the temp file and installs it when the validator passes', async () => {
    const p = join(dir, 'valid.conf');
    writeFileSync(p, 'old\n');
    chmodSync(p, 0o640);
    await writeValidated(host, p, 'good\n', { validate: ['grep', '-q', 'good', '%s'] });
    expect(readFileSync(p, 'utf8')).toBe('good\n');
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(leftovers()).toEqual([]);
  });

  it('leaves the old file when validation fails, with the validator stderr', async () => {
    const p = join(dir, 'invalid.conf');
    writeFileSync(p, 'old\n');
    const err = await writeValidated(host, p, 'bad\n', { validate: ['/bin/sh', '-c', 'echo "syntax error in $1" >&2; exit 1', 'sh', '%s'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).message).toMatch(/validation of .*invalid.conf failed.*syntax error in/);
    expect((err as ModuleError).detail.rc).toBe(1);
    expect(readFileSync(p, 'utf8')).toBe('old\n');
    expect(leftovers()).toEqual([]);
  });

  it('requires %s in validate', async () => {
    await expect(writeValidated(host, join(dir, 'x.conf'), 'x', { validate: ['true'] })).rejects.toThrow(/%s/);
    expect(existsSync(join(dir, 'x.conf'))).toBe(false);
  });

  it('restores the old content when the post-install check fails, then calls onRollback', async () => {
    const p = join(dir, 'checked.conf');
    writeFileSync(p, 'old\n');
    let seenDuringCheck = '';
    let rolledBack = false;
    await expect(
      writeValidated(host, p, 'new\n', {
        check: async () => {
          seenDuringCheck = readFileSync(p, 'utf8');
          throw new ModuleError('nginx: [emerg] bad', { rc: 1, stderr: 'bad' });
        },
        onRollback: async () => {
          rolledBack = true;
        },
      }),
    ).rejects.toThrow(/check after writing .* failed, previous content restored: nginx: \[emerg\] bad/);
    expect(seenDuringCheck).toBe('new\n');
    expect(readFileSync(p, 'utf8')).toBe('old\n');
    expect(rolledBack).toBe(true);
  });

  it('removes a new file when its check fails', async () => {
    const p = join(dir, 'brand-new.conf');
    await expect(writeValidated(host, p, 'x', { check: () => Promise.reject(new Error('nope')) })).rejects.toThrow(/nope/);
    expect(existsSync(p)).toBe(false);
  });

  it('lets a later step roll back, and keeps a backup when asked', async () => {
    const p = join(dir, 'later.conf');
    writeFileSync(p, 'v1\n');
    const w = await writeValidated(host, p, 'v2\n', { backup: true });
    expect(w.backupPath).toBeDefined();
    expect(readFileSync(w.backupPath ?? '', 'utf8')).toBe('v1\n');
    expect(readFileSync(p, 'utf8')).toBe('v2\n');
    await w.rollback();
    expect(readFileSync(p, 'utf8')).toBe('v1\n');
  });
});

describe('writeValidated with unchangedSince (compare-and-swap)', () => {
  it('replaces the file when it still holds what was read', async () => {
    const p = join(dir, 'cas-same.conf');
    writeFileSync(p, 'read\n');
    await writeValidated(host, p, 'next\n', { unchangedSince: 'read\n' });
    expect(readFileSync(p, 'utf8')).toBe('next\n');
    expect(leftovers()).toEqual([]);
  });

  it('refuses when another writer changed the file, leaving their content and no temp file', async () => {
    const p = join(dir, 'cas-changed.conf');
    writeFileSync(p, 'theirs\n');
    const err = await writeValidated(host, p, 'mine\n', { unchangedSince: 'read\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileChangedError);
    expect((err as Error).message).toMatch(/cas-changed.conf changed since it was read/);
    expect(readFileSync(p, 'utf8')).toBe('theirs\n');
    expect(leftovers()).toEqual([]);
  });

  it('null means the file must not exist yet', async () => {
    const p = join(dir, 'cas-new.conf');
    await writeValidated(host, p, 'first\n', { unchangedSince: null });
    expect(readFileSync(p, 'utf8')).toBe('first\n');
    await expect(writeValidated(host, p, 'second\n', { unchangedSince: null })).rejects.toBeInstanceOf(FileChangedError);
    expect(readFileSync(p, 'utf8')).toBe('first\n');
  });
});

describe('writeValidated with a validate function', () => {
  it('gives it the temp file, which holds the new content', async () => {
    const p = join(dir, 'fn-ok.conf');
    writeFileSync(p, 'old\n');
    let seen = '';
    await writeValidated(host, p, 'new\n', {
      validate: async (h, tmp) => {
        seen = readFileSync(tmp, 'utf8');
        await h.run(['test', '-s', tmp]);
      },
    });
    expect(seen).toBe('new\n');
    expect(readFileSync(p, 'utf8')).toBe('new\n');
    expect(leftovers()).toEqual([]);
  });

  it('a refusal keeps the old file, removes the temp file and passes its error on as is', async () => {
    const p = join(dir, 'fn-bad.conf');
    writeFileSync(p, 'old\n');
    const refusal = new ModuleError('checker said no', { rc: 3 });
    const err = await writeValidated(host, p, 'bad\n', {
      validate: async (h, tmp) => {
        const r = await h.exec({ argv: ['grep', '-q', 'good', tmp] });
        if (r.exitCode !== 0) throw refusal;
      },
      unchangedSince: 'old\n',
    }).catch((e: unknown) => e);
    expect(err).toBe(refusal);
    expect(readFileSync(p, 'utf8')).toBe('old\n');
    expect(leftovers()).toEqual([]);
  });
});

describe('writeValidated over a symlink', () => {
  it('does not give the new file the link bits (0777)', async () => {
    writeFileSync(join(dir, 'link-target'), 'x');
    symlinkSync(join(dir, 'link-target'), join(dir, 'a-link'));
    await writeValidated(host, join(dir, 'a-link'), 'new\n');
    expect(lstatSync(join(dir, 'a-link')).isSymbolicLink()).toBe(false);
    expect(statSync(join(dir, 'a-link')).mode & 0o777).toBe(0o644);
  });
});
