// The template corpus (site.yml here) run by Debian's ansible-playbook and by osm-play, each into its
// own temp dir over the local connection: every written file must be byte-identical, and the recaps equal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli.js';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'osm-compat-templates-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { ...process.env, OSM_COMPAT_SET: 'set-in-env', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'False', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False' };

function files(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

const recap = (out: string): string => /localhost\s*:\s*(ok=.*)$/m.exec(out)?.[1]?.replace(/\s+/g, ' ').trim() ?? `no recap in: ${out}`;

describe('template corpus against ansible-playbook', () => {
  it('writes byte-identical files with equal recaps', async () => {
    const byAnsible = join(work, 'ansible');
    const byOsm = join(work, 'osm');
    const site = join(here, 'site.yml');
    let ansibleOut: string;
    try {
      ansibleOut = execFileSync('ansible-playbook', ['-i', 'localhost,', site, '-e', `out=${byAnsible}`], { cwd: here, env, encoding: 'utf8' });
    } catch (e) {
      throw new Error(`ansible-playbook failed: ${String((e as { stdout?: string }).stdout)}`);
    }
    const r = await runCli(['-i', 'localhost,', site, '-e', `out=${byOsm}`], { cwd: here, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const expected = files(byAnsible);
    expect(Object.keys(expected)).toEqual(['filters.txt', 'forms.txt', 'header-notrim.txt', 'header.txt', 'loop-1.txt', 'loop-2.txt']);
    expect(files(byOsm)).toEqual(expected);
    expect(recap(r.stdout)).toBe(recap(ansibleOut));
  }, 300_000);
});
