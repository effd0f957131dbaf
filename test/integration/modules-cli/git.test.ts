// git through the CLI on localhost with the real git: a bare repository made in a temp dir, reached
// by a file:// URL. Clone, check mode, idempotency, an update to a new commit, a tag, a refused
// local modification and force.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPlay } from './cli-play.js';

const play = cliPlay('git');
afterAll(() => play.cleanup());

const bare = join(play.dir, 'src.git');
const seed = join(play.dir, 'seed');
const dest = join(play.dir, 'checkout');
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };
const git = (cwd: string, ...argv: string[]) => execFileSync('git', argv, { cwd, env: ENV, encoding: 'utf8' }).trim();

/** Commits `content` to app.txt in the seed and pushes main (and tags); returns the commit id. */
function commit(content: string): string {
  writeFileSync(join(seed, 'app.txt'), content);
  git(seed, 'add', 'app.txt');
  git(seed, 'commit', '-q', '-m', content.trim());
  git(seed, 'push', '-q', '--tags', 'origin', 'main');
  return git(seed, 'rev-parse', 'HEAD');
}

/** How the git task ended (the task saving its result changes on its own). */
const gitStatus = (stdout: string) => /^(ok|changed|failed): \[localhost\] git\b/m.exec(stdout)?.[1];

const task = (extra = '') => `- hosts: localhost
  gather_facts: false
  tasks:
    - git: { repo: "file://${bare}", dest: "${dest}"${extra} }
      register: r
    - copy: { content: "{{ r | to_json }}", dest: "{{ out }}/r.json" }
      check_mode: false
`;

let first: string;
beforeAll(() => {
  git(play.dir, 'init', '-q', '--bare', '-b', 'main', bare);
  git(play.dir, 'init', '-q', '-b', 'main', seed);
  git(seed, 'remote', 'add', 'origin', bare);
  first = commit('one\n');
  git(seed, 'tag', '-a', '-m', 'release 1', 'v1');
  git(seed, 'push', '-q', 'origin', 'v1');
});

describe('git (CLI, local connection, real git)', () => {
  it('check mode says it would clone, and clones nothing', async () => {
    const r = await play.run(task(), ['--check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(gitStatus(r.stdout)).toBe('changed');
    expect(r.stdout).toContain(`would clone file://${bare} into ${dest} at HEAD (${first})`);
    expect(play.result('r')).toMatchObject({ before: null, after: first, changed: true });
    expect(existsSync(dest)).toBe(false);
  }, 120_000);

  it('clones, then a second run is ok', async () => {
    const r = await play.run(task());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(gitStatus(r.stdout)).toBe('changed');
    expect(play.result('r')).toMatchObject({ before: null, after: first });
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('one\n');
    expect(git(dest, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');

    const again = await play.run(task());
    expect(gitStatus(again.stdout)).toBe('ok');
    expect(play.result('r')).toMatchObject({ before: first, after: first, remote_url_changed: false, changed: false });
  }, 120_000);

  it('a new commit upstream: check mode names it and leaves the checkout; the run moves to it', async () => {
    const second = commit('two\n');
    const check = await play.run(task(), ['--check', '--diff']);
    expect(gitStatus(check.stdout)).toBe('changed');
    expect(check.stdout).toContain(`+${second}`);
    expect(play.result('r')).toMatchObject({ before: first, after: second });
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('one\n');

    const r = await play.run(task());
    expect(gitStatus(r.stdout)).toBe('changed');
    expect(play.result('r')).toMatchObject({ before: first, after: second, changed: true });
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('two\n');
    expect(gitStatus((await play.run(task())).stdout)).toBe('ok');
  }, 120_000);

  it('an annotated tag checks out its commit, then is ok', async () => {
    const r = await play.run(task(', version: v1'));
    expect(gitStatus(r.stdout)).toBe('changed');
    expect(play.result('r')).toMatchObject({ after: first });
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('one\n');
    expect(gitStatus((await play.run(task(', version: v1'))).stdout)).toBe('ok');
  }, 120_000);

  it('local modifications fail the task as in Ansible; force discards them', async () => {
    writeFileSync(join(dest, 'app.txt'), 'edited\n');
    const r = await play.run(task(', version: main'));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(`Local modifications exist in the destination: ${dest} (force=no).`);
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('edited\n');

    const check = await play.run(task(', version: main'), ['--check']);
    expect(check.code).not.toBe(0);
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('edited\n');

    const forced = await play.run(task(', version: main, force: true'));
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(gitStatus(forced.stdout)).toBe('changed');
    expect(readFileSync(join(dest, 'app.txt'), 'utf8')).toBe('two\n');
    // Untracked files are not local modifications, as in Ansible.
    mkdirSync(join(dest, 'extra'));
    writeFileSync(join(dest, 'extra', 'new.txt'), 'x\n');
    expect(gitStatus((await play.run(task(', version: main'))).stdout)).toBe('ok');
  }, 120_000);

  it('refuses an argument it does not support, saying what to do', async () => {
    const r = await play.run(task(', archive: /tmp/x.zip'));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/archive is not supported: run command: git archive/);
  }, 120_000);
});
