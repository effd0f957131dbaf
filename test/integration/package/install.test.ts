// The package as a user gets it: `npm pack` on a copy of the source tree (prepack builds dist/), then
// `npm install -g` of the tarball into a temp prefix, then the installed `osm-play` runs a playbook.
// Dependencies come from the npm cache or registry; the copy keeps the repo's own dist/ untouched.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../cli/run-cli.js';

const SKIP_IN_COPY = new Set(['node_modules', 'dist', '.git', '.lab', 'coverage']);
const work = mkdtempSync(join(tmpdir(), 'osm-play-package-'));
const src = join(work, 'src');
const prefix = join(work, 'prefix');
const osmPlay = join(prefix, 'bin', 'osm-play');
let tarball: string;

const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
// npm must not pick up the repo's or the user's project settings; CI=true keeps the CLI output plain.
const env = { ...process.env, CI: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

beforeAll(() => {
  cpSync(REPO, src, { recursive: true, filter: (p) => !SKIP_IN_COPY.has(basename(p)) });
  symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'));
  execFileSync('npm', ['pack', '--pack-destination', work], { cwd: src, env, stdio: 'pipe' });
  tarball = join(work, readdirSync(work).find((f) => /^osm-play-.*\.tgz$/.test(f))!);
  mkdirSync(prefix);
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', tarball], { cwd: work, env, stdio: 'pipe' });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('ships the compiled CLI, modules and playbooks, and no tests or sources', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
    expect(files).toContain('package/bin/osm-play.js');
    expect(files).toContain('package/dist/runner/cli.js');
    expect(files).toContain('package/dist/modules/file.js');
    expect(files).toContain('package/playbooks/create-container.yaml');
    expect(files.filter((f) => f.startsWith('package/test/') || f.startsWith('package/runner/') || f.endsWith('.map'))).toEqual([]);
  });

  it('installs a working osm-play command', () => {
    expect(execFileSync(osmPlay, ['--version'], { cwd: work, env, encoding: 'utf8' })).toBe(`osm-play ${version}\n`);
  });

  it('runs a playbook with the built-in modules', () => {
    const target = join(work, 'hello.txt');
    const playbook = join(work, 'hello.yaml');
    writeFileSync(playbook, `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: Write a file\n      copy:\n        dest: ${target}\n        content: "hello from the package\\n"\n`);
    const out = execFileSync(osmPlay, [playbook], { cwd: work, env, encoding: 'utf8' });
    expect(out).toMatch(/changed: \[localhost\] Write a file/);
    expect(readFileSync(target, 'utf8')).toBe('hello from the package\n');
  });
});
