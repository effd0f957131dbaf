// A secret param and a no_log value must not appear in any output: terminal at -vvv, --diff,
// --json, --junit and the failure message. Only the 0600 files may hold them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-cli-secrets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('secrets', () => {
  it('appear in no output form', async () => {
    const root = join(work, 'root');
    mkdirSync(root);
    const password = 'Hunter2-Very-Secret';
    const token = 'ZQ81-UNGUESSABLE';
    const r = await runCli([
      join(FIXTURES, 'secrets/site.yml'), '-e', `root=${root}`, '-e', `mqtt_password=${password}`,
      '--diff', '-vvv', '--json', join(work, 'report.json'), '--junit', join(work, 'report.xml'),
    ]);
    expect(r.code).toBe(2);
    const outputs = [r.stdout, r.stderr, readFileSync(join(work, 'report.json'), 'utf8'), readFileSync(join(work, 'report.xml'), 'utf8')];
    for (const text of outputs) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(token);
    }
    expect(r.stdout).toContain('failed: [localhost] Fail mentioning the secret: could not log in with ********');
    expect(r.stdout).toContain('+password=********');
    // The secret did reach its file, which is root-only.
    expect(readFileSync(join(root, 'credentials'), 'utf8')).toBe(`password=${password}\n`);
    expect(statSync(join(root, 'credentials')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(root, 'token'), 'utf8')).toBe(`tok-${token}\n`);
  }, 300_000);
});
