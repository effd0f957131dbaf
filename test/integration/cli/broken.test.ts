// Broken playbooks: each gives its file:line message, exits non-zero, and touches nothing.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-cli-broken-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// [fixture, exit code, expected message at file:line:col]
const CASES: [string, number, RegExp][] = [
  ['unknown-module', 1, /unknown-module\.yml:7:7: unknown module 'fiel' \(did you mean '\w+'\?\)/],
  ['unknown-arg', 1, /unknown-arg\.yml:9:9: .*unknown argument 'contents'/],
  ['wrong-type', 1, /wrong-type\.yml:8:9: .*'port' must be integer/],
  ['bad-yaml', 1, /bad-yaml\.yml:6:\d+: .*indentation/],
  ['bad-param', 1, /bad-param\.yml:4:5: customer_name: 'Acme' does not match .*\(use 'acme'\)/],
  ['undefined-var', 2, /undefined-var\.yml:7:9: undefined variable 'customer_nmae'/],
  ['bad-when', 2, /bad-when\.yml:6:7: when: cannot evaluate .*undefined variable 'missing_var'/],
];

describe('broken playbooks', () => {
  it.each(CASES)('%s → exit %i with its file:line message, nothing touched', async (name, code, message) => {
    const root = join(work, name);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(root);
    const r = await runCli([join(FIXTURES, 'broken', `${name}.yml`), '-e', `root=${root}`, '-e', 'customer_name=Acme']);
    expect(r.code).toBe(code);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(message);
    if (code === 1) {
      expect(r.stderr).toMatch(/problems? found; nothing was run/);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(join(root, 'touched'))).toBe(false);
  }, 300_000);

  it('a usage error exits 1 before loading anything', async () => {
    const r = await runCli(['--forks', 'zero', 'x.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--forks expects a positive whole number');
  }, 300_000);
});
