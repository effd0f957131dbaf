// CLI options end to end: listings, syntax check, limit/tags, unreachable exit code, help/version.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, runCli } from './run-cli.js';

const misc = (f: string) => join(FIXTURES, 'misc', f);
const T = 300_000;

describe('osm-play options', () => {
  it('--list-hosts applies patterns and --limit', async () => {
    const r = await runCli(['-i', misc('hosts'), misc('site.yml'), '--list-hosts', '--limit', 'web1:db1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('play #1 (web): Web tier');
    expect(r.stdout).toMatch(/hosts \(1\):\n\s+web1\n/);
    expect(r.stdout).toMatch(/play #2 \(all:!localhost\): Everything[^\n]*\n[^\n]*\n\s+hosts \(2\):\n\s+web1\n\s+db1/);
  }, T);

  it('a --limit that matches no host is an error, as in ansible-playbook (listing or running)', async () => {
    for (const extra of [['--list-hosts'], []]) {
      const r = await runCli(['-i', misc('hosts'), misc('site.yml'), '--limit', 'nosuch', ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--limit nosuch matches no host of the inventory; nothing was run');
      expect(r.stdout).not.toContain('PLAY');
    }
  }, T);

  it('--list-tasks honours --tags and inherited play tags', async () => {
    const r = await runCli(['-i', misc('hosts'), misc('site.yml'), '--list-tasks', '--tags', 'special']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Tagged task\tTAGS: [web, special]');
    expect(r.stdout).not.toContain('Web task');
    expect(r.stdout).not.toContain('All task');
  }, T);

  it('--syntax-check validates and runs nothing', async () => {
    const r = await runCli(['-i', misc('hosts'), misc('site.yml'), '--syntax-check']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`playbook: ${misc('site.yml')}`);
  }, T);

  it('runs with --limit and --skip-tags', async () => {
    const r = await runCli(['-i', misc('hosts'), misc('site.yml'), '-l', 'web2', '--skip-tags', 'special']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok: [web2] Web task => web web2');
    expect(r.stdout).not.toContain('[web1]');
    expect(r.stdout).not.toContain('Tagged task');
    expect(r.stdout).toContain('ok: [web2] All task => all');
  }, T);

  it('an unreachable host is reported, the others complete, exit code 4', async () => {
    const r = await runCli(['-i', misc('unreachable.ini'), misc('unreachable.yml')]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('ok: [localhost] Touch => hello from localhost');
    expect(r.stdout).toMatch(/UNREACHABLE: \[ghost\] connect: .*refused/);
    expect(r.stdout).toMatch(/ghost\s+: ok=0\s+changed=0\s+unreachable=1/);
  }, T);

  it('a host is connected to by the first task that runs on it: controller-only tasks never reach it', async () => {
    const r = await runCli(['-i', misc('unreachable.ini'), misc('unreachable-controller-only.yml')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ok: [ghost] Touch => hello from ghost');
    expect(r.stdout).not.toContain('UNREACHABLE');
  }, T);

  it('--help and --version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('playbooks/create-container.yaml -e customer_name=acme');
    expect(help.stdout).toContain('Exit codes:');
    const v = await runCli(['--version']);
    expect(v.stdout).toMatch(/^osm-play \d+\.\d+\.\d+/);
  }, T);
});
