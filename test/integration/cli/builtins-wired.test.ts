// What modules/builtins.ts registers is reachable from the command line: the osm_containers
// inventory source, and built-in modules that only a run-time include names (modules are loaded
// lazily, per playbook).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const T = 300_000;
const dir = mkdtempSync(join(tmpdir(), 'osm-builtins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

describe('built-ins wired to the CLI', () => {
  it('`plugin: osm_containers` lists the containers of a local OSM host', async () => {
    const root = join(dir, 'lxc');
    write('lxc/containers/acme/lxc.container.conf', 'lxc.uts.name = acme\n');
    write('lxc/containers/not-a-container/readme', 'no config here\n');
    const hosts = write('inv/hosts.yml', `osm_hosts:\n  hosts:\n    localhost:\n      ansible_connection: local\n      osm_lxc_root: ${root}\n`);
    const containers = write('inv/containers.yml', 'plugin: osm_containers\n');
    const pb = write('list.yml', '- hosts: osm_containers\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n');
    const r = await runCli(['-i', hosts, '-i', containers, pb, '--list-hosts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hosts \(1\):\n\s+acme\n/);
  }, T);

  it('a module named only in a task file included at run time is loaded when the include runs', async () => {
    write('tasks/extra.yml', '- set_fact:\n    from_include: loaded\n');
    const pb = write(
      'include.yml',
      '- hosts: localhost\n  gather_facts: false\n  vars:\n    which: extra\n  tasks:\n    - include_tasks: "tasks/{{ which }}.yml"\n    - debug: var=from_include\n',
    );
    const r = await runCli(['-i', 'localhost,', pb]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"from_include": "loaded"');
  }, T);
});
