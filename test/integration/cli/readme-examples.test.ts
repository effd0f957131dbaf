// Every osm-play command the README shows, and its YAML examples of params and tasks, go through the
// real CLI: a playbook run is loaded, validated and its hosts listed against the inventory it names
// (`--list-hosts`: no host is contacted); other commands run as written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './run-cli.js';

const T = 600_000;
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'osm-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Fence {
  lang: string;
  body: string;
}

function fences(md: string): Fence[] {
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], body: m[2] }));
}

/** The arguments of each `osm-play …` in the shell blocks and in inline code, comments and redirections cut off. */
function readmeCommands(md: string): string[][] {
  // A line ending in a backslash goes on on the next, as the shell reads it.
  const lines = fences(md).filter((f) => f.lang === '' || f.lang === 'sh').flatMap((f) => f.body.replace(/\\\n\s*/g, ' ').split('\n'));
  const inline = [...md.matchAll(/`(osm-play [^`]+)`/g)].map((m) => m[1]);
  const out: string[][] = [];
  for (const line of [...lines, ...inline]) {
    const m = /^(?:npx\s+|source <\()?osm-play\s+([^#)>]*)/.exec(line.trim());
    if (!m) continue;
    const args = m[1].trim().split(/\s+/).filter((w) => w !== '');
    // Placeholders (`doc [MODULE]`, `vault create|encrypt`) are descriptions, not commands.
    if (args.some((w) => /[[\]|]|^[A-Z]+$|…/.test(w))) continue;
    if (!out.some((o) => o.join(' ') === args.join(' '))) out.push(args);
  }
  return out;
}

function isRun(args: string[]): boolean {
  return args.some((w) => /\.ya?ml$/.test(w));
}

const commands = readmeCommands(README);

describe('README examples through the CLI', () => {
  it('finds the examples: runs of the OSM playbooks, help, completion, schema', () => {
    expect(commands.filter(isRun).length).toBeGreaterThanOrEqual(8);
    expect(commands).toContainEqual(['--help']);
    expect(commands).toContainEqual(['completion', 'bash']);
    expect(commands).toContainEqual(['schema']);
  });

  it.each(commands.filter(isRun).map((c) => [c.join(' '), c]))('osm-play %s loads, validates and lists its hosts', async (_, args) => {
    const r = await runCli([...(args as string[]), '--list-hosts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hosts \([1-9]\d*\):/);
  }, T);

  it.each(commands.filter((c) => !isRun(c)).map((c) => [c.join(' '), c]))('osm-play %s runs', async (_, args) => {
    const r = await runCli(args as string[]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  }, T);

  it('a run with a value the playbook refuses fails, so the runs above prove their values fit', async () => {
    const run = commands.find((c) => c.includes('playbooks/create-container.yaml') && c.includes('mqtt_port=8883'))!;
    const r = await runCli([...run.map((w) => (w === 'mqtt_port=8883' ? 'mqtt_port=80' : w)), '--list-hosts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mqtt_port/);
  }, T);

  const yaml = fences(README).filter((f) => f.lang === 'yaml');

  it('the params example takes the values it describes and refuses others', async () => {
    const params = yaml.find((f) => f.body.startsWith('params:'));
    expect(params).toBeDefined();
    const indented = params!.body.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
    const pb = join(dir, 'params.yml');
    writeFileSync(pb, `- hosts: localhost\n  gather_facts: false\n${indented}  tasks:\n    - debug: msg="{{ customer_name }}"\n`);
    const ok = await runCli(['-i', 'localhost,', pb, '-e', 'customer_name=acme', '-e', 'mqtt_port=8883', '--syntax-check']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const bad = await runCli(['-i', 'localhost,', pb, '-e', 'customer_name=Acme!', '-e', 'mqtt_port=8883', '--syntax-check']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/customer_name/);
  }, T);

  it('every task example is a valid task', async () => {
    const tasks = yaml.filter((f) => f.body.startsWith('- '));
    expect(tasks.length).toBeGreaterThan(0);
    for (const [i, t] of tasks.entries()) {
      const pb = join(dir, `task-${i}.yml`);
      const indented = t.body.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
      writeFileSync(pb, `- hosts: localhost\n  gather_facts: false\n  tasks:\n${indented}`);
      const r = await runCli(['-i', 'localhost,', pb, '--syntax-check']);
      expect(r.stderr, t.body).toBe('');
      expect(r.code, t.body).toBe(0);
    }
  }, T);
});
