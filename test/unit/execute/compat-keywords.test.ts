// Executor side of the Ansible keywords added for compatibility: check_mode, notify on blocks,
// include_role, remote_user and CLI connection defaults, --start-at-task, magic variables.
import { describe, expect, it } from 'vitest';
import { runYaml } from './harness.js';

const one = { inventory: 'h1\n' };

describe('check_mode on a task', () => {
  it('true plans only, false applies even under --check', async () => {
    const yaml = `
- hosts: h1
  tasks:
    - { name: always check, probe: { id: a, change: true }, check_mode: true }
    - { name: never check, probe: { id: b, change: true }, check_mode: false }
    - { name: as the run, probe: { id: c, change: true } }
`;
    const normal = await runYaml(yaml, one);
    expect(normal.calls.filter((c) => c.applied).map((c) => c.id)).toEqual(['b', 'c']);
    const checked = await runYaml(yaml, { ...one, check: true });
    expect(checked.calls.filter((c) => c.applied).map((c) => c.id)).toEqual(['b']);
  });
});

describe('notify on a block', () => {
  it('a changed task inside notifies the handlers of the block', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - block:
        - { name: quiet, probe: { id: a } }
        - { name: changes, probe: { id: b, change: true } }
      notify: h
  handlers:
    - { name: h, probe: { id: handler } }
`, one);
    expect(r.lines).toEqual(['ok h1 quiet', 'changed h1 changes', 'ok h1 h']);
  });
});

describe('include_role', () => {
  it('runs the role where it stands, with when on the include only, and sets role magic vars', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - include_role: { name: r }
      when: go | default(true)
    - include_role: { name: r }
      when: false
`, { ...one, files: { 'roles/r/tasks/main.yml': '- name: in role\n  probe: { id: "{{ ansible_role_name }}-{{ role_name }}" }\n' } });
    expect(r.calls.map((c) => c.id)).toEqual(['r-r']);
    expect(r.summary.hosts['h1']).toMatchObject({ ok: 1, skipped: 1 });
  });
});

describe('connection settings', () => {
  it('remote_user is below the inventory, CLI defaults below remote_user', async () => {
    const yaml = '- hosts: all\n  remote_user: playuser\n  tasks: [{ probe: { id: a } }]\n';
    const r = await runYaml(yaml, { inventory: 'h1\nh2 ansible_user=invuser\n', run: { connectionDefaults: { ansible_user: 'cliuser', ansible_timeout: 7 } } });
    expect(r.connVars['h1']).toMatchObject({ ansible_user: 'playuser', ansible_timeout: 7 });
    expect(r.connVars['h2']).toMatchObject({ ansible_user: 'invuser' });
  });
});

describe('--start-at-task', () => {
  it('passes over the tasks before the named one, then runs everything', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - { name: first, probe: { id: a } }
    - { name: second, probe: { id: b } }
    - { name: third, probe: { id: c } }
`, { ...one, run: { startAtTask: 'sec*' } });
    expect(r.calls.map((c) => c.id)).toEqual(['b', 'c']);
  });
});

describe('magic variables', () => {
  it('ansible_version, ansible_play_batch and the loop kinds at run time', async () => {
    const r = await runYaml(`
- hosts: web
  serial: 1
  tasks:
    - probe: { id: "{{ ansible_version.major }}.{{ ansible_version.minor }} {{ ansible_play_batch | join(',') }} {{ item }}" }
      with_sequence: count=1
`);
    expect(r.calls.map((c) => c.id)).toEqual(['2.14 h1 1', '2.14 h2 1']);
  });
});
