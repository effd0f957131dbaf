// A syntax check or a listing of the built CLI loads what checking the tasks needs (each built-in's
// validators and shape, generated at build time), never a module's own code nor the executor.
// Runs the bundle that `npm test` (and `npm run build`) makes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-syntax-loads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A resolve hook that writes down every bundle file the CLI imports.
const log = join(dir, 'loaded.txt');
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';\nexport async function resolve(spec, ctx, next) { const r = await next(spec, ctx); if (r.url.includes('/dist/bundle/') || r.url.startsWith('node:')) appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
const playbook = join(dir, 'site.yml');
writeFileSync(playbook, '- hosts: all\n  tasks:\n    - copy: {dest: /tmp/x, content: y}\n    - file: {path: /tmp/x, mode: "0644"}\n    - command: echo hi\n');

function loadedBy(args: string[]): { code: number | null; files: string[]; builtins: string[]; stderr: string } {
  rmSync(log, { force: true });
  const r = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(REPO, 'bin/osm-play.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const urls = existsSync(log) ? [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))] : [];
  const files = urls.filter((u) => u.startsWith('file:')).map((u) => new URL(u).pathname);
  return { code: r.status, files, builtins: urls.filter((u) => u.startsWith('node:')), stderr: r.stderr };
}

describe('what a syntax check loads', () => {
  it('each named built-in by its generated validators and shape only; no executor, crypto or child_process', () => {
    expect(existsSync(join(REPO, 'dist/bundle/cli.js')), 'the bundle is built (npm run build)').toBe(true);
    for (const flag of ['--syntax-check', '--list-tasks']) {
      const r = loadedBy(['-i', 'localhost,', flag, playbook]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const moduleFiles = r.files.filter((f) => /^(copy|file|command)-[A-Z0-9]+\.js$/.test(basename(f)));
      // One file per module named, and it is the generated one (it carries the shape).
      expect(moduleFiles.map((f) => basename(f).split('-')[0]).sort()).toEqual(['command', 'copy', 'file']);
      for (const f of moduleFiles) expect(readFileSync(f, 'utf8'), f).toMatch(/\bshape\s*=/);
      expect(r.files.filter((f) => /\/execute-run-[A-Z0-9]+\.js$/.test(f))).toEqual([]);
      // Nor what only a run, a vault or a password prompt needs.
      expect(r.builtins.filter((b) => /^node:(crypto|child_process|tty|net)$/.test(b))).toEqual([]);
    }
  });

  it('a run loads the modules themselves', () => {
    const run = join(dir, 'run.yml');
    writeFileSync(run, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: ${join(dir, 'out.txt')}, content: y}\n`);
    const r = loadedBy(['-i', 'localhost,', '-c', 'local', '--check', run]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const copies = r.files.filter((f) => /^copy-[A-Z0-9]+\.js$/.test(basename(f)));
    expect(copies.some((f) => !/\bshape\s*=/.test(readFileSync(f, 'utf8')))).toBe(true);
    expect(r.builtins).toContain('node:child_process');
  });
});
