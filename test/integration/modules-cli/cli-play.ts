// Runs one playbook through the real CLI against localhost (local connection) in a temp dir, and
// reads back what its tasks registered: each task may `copy` a registered result as JSON into
// `{{ out }}/NAME.json`, which results() parses.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../cli/run-cli.js';

export interface CliPlay {
  dir: string;
  out: string;
  run(playbook: string, extra?: string[]): Promise<CliRun>;
  result(name: string): Record<string, unknown>;
  cleanup(): void;
}

export function cliPlay(prefix: string): CliPlay {
  const dir = mkdtempSync(join(tmpdir(), `osm-play-${prefix}-`));
  const out = join(dir, 'out');
  mkdirSync(out);
  let n = 0;
  return {
    dir,
    out,
    async run(playbook, extra = []) {
      const file = join(dir, `play${++n}.yml`);
      writeFileSync(file, playbook);
      return runCli(['-i', 'localhost,', file, '-e', `out=${out}`, '-e', `dir=${dir}`, ...extra]);
    },
    result: (name) => JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as Record<string, unknown>,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The recap line's counts for localhost. */
export function recap(stdout: string): Record<string, number> {
  const m = /localhost\s*:\s*(ok=.*)$/m.exec(stdout);
  if (!m) throw new Error(`no recap in:\n${stdout}`);
  return Object.fromEntries(m[1].trim().split(/\s+/).map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
}

/** A task that saves a registered variable as JSON for result(). */
export const save = (name: string) => `    - copy: { content: "{{ ${name} | to_json }}", dest: "{{ out }}/${name}.json" }\n`;
