// `osm-play completion bash`: the script is sourced in a real bash and its completion function is
// called as bash would call it, in a directory holding playbooks, other files and a subdirectory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'osm-play-completion-'));
  for (const f of ['site.yaml', 'status.yml', 'notes.txt', 'hosts']) writeFileSync(join(dir, f), '');
  mkdirSync(join(dir, 'roles'));
  const r = await runCli(['completion', 'bash']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  script = join(dir, 'osm-play.bash');
  writeFileSync(script, r.stdout);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The candidates bash would offer for the command line `words` with the cursor on the last word. */
function complete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _osm_play; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', script], { cwd: dir, encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '').sort();
}

describe('osm-play completion bash', () => {
  it('registers itself for osm-play', () => {
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', 'source "$1"; complete -p osm-play', 'bash', script], { encoding: 'utf8' });
    expect(out.trim()).toBe('complete -o filenames -F _osm_play osm-play');
  });

  it('offers playbooks, directories and subcommands for the first word, not other files', () => {
    expect(complete('osm-play', '')).toEqual(['completion', 'doc', 'roles', 'schema', 'site.yaml', 'status.yml']);
  });

  it('offers only playbooks and directories after options', () => {
    expect(complete('osm-play', '-i', 'hosts', 's')).toEqual(['site.yaml', 'status.yml']);
  });

  it('offers options from the parser table', () => {
    expect(complete('osm-play', '--li')).toEqual(['--limit', '--list-hosts', '--list-tasks']);
    expect(complete('osm-play', 'site.yaml', '--ch')).toEqual(['--check']);
  });

  it('offers any file after an option that takes a file', () => {
    expect(complete('osm-play', '-i', '')).toEqual(['hosts', 'notes.txt', 'osm-play.bash', 'roles', 'site.yaml', 'status.yml']);
  });

  it('offers nothing after an option that takes a free value', () => {
    expect(complete('osm-play', '-e', '')).toEqual([]);
    expect(complete('osm-play', '--limit', '')).toEqual([]);
  });

  it('offers module names after doc', () => {
    expect(complete('osm-play', 'doc', 'fi')).toEqual(['file']);
    expect(complete('osm-play', 'doc', 'ufw')).toEqual(['ufw_rule', 'ufw_state']);
  });

  it('offers the shell after completion', () => {
    expect(complete('osm-play', 'completion', '')).toEqual(['bash']);
  });

  it('refuses a shell it does not support', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("completion needs a shell: 'osm-play completion bash'");
  });
});
