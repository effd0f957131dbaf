import { describe, expect, it } from 'vitest';
import { VAR_PRECEDENCE } from '../../../runner/execute/precedence.js';
import { runYaml } from './harness.js';

// Each layer sets `v` (and the ones above it override); the probe echoes what it saw.
const outOf = (r: Awaited<ReturnType<typeof runYaml>>, task: string) => r.results.find((x) => x.task === task && x.host === 'h1')?.data['out'];

describe('variable precedence', () => {
  it('is documented lowest first, extra vars last', () => {
    expect(VAR_PRECEDENCE[0]).toBe('role defaults');
    expect(VAR_PRECEDENCE[VAR_PRECEDENCE.length - 1]).toMatch(/^extra vars/);
  });

  const files = {
    'roles/r/defaults/main.yml': 'v: role-default\nonly_default: d\n',
    'roles/r/vars/main.yml': 'rv: role-vars\n',
    'roles/r/tasks/main.yml': '- name: in role\n  probe: { id: x, out: "{{ v }}/{{ only_default }}/{{ rv }}" }\n',
    'group_vars/all.yml': 'v: group-all\n',
    'group_vars/web.yml': 'v: group-web\n',
    'vf.yml': 'v: vars-file\n',
  };

  it('orders the layers as VAR_PRECEDENCE says', async () => {
    const r = await runYaml(
      `
- hosts: web
  roles: [r]
  tasks:
    - name: inventory
      probe: { id: a, out: "{{ v }}" }
`,
      { files, inventory: '[web]\nh1\n' },
    );
    // The role's task: group_vars/web beats role defaults; role vars visible.
    expect(outOf(r, 'in role')).toBe('group-web/d/role-vars');
    expect(outOf(r, 'inventory')).toBe('group-web');
  });

  it('host vars < play vars < vars_files < block vars < task vars < set_fact < extra vars', async () => {
    const play = (extra: string) => `
- hosts: web
  vars: { v: play }
  ${extra}
  tasks:
    - name: play level
      probe: { id: a, out: "{{ v }}" }
    - block:
        - name: block level
          probe: { id: b, out: "{{ v }}" }
        - name: task level
          probe: { id: c, out: "{{ v }}" }
          vars: { v: task }
      vars: { v: block }
    - set_fact: { v: fact }
    - name: after fact
      probe: { id: d, out: "{{ v }}" }
      vars: { v: task }
`;
    const r = await runYaml(play(''), { inventory: '[web]\nh1 v=host\n' });
    expect(outOf(r, 'play level')).toBe('play');
    expect(outOf(r, 'block level')).toBe('block');
    expect(outOf(r, 'task level')).toBe('task');
    expect(outOf(r, 'after fact')).toBe('fact');
    const withFile = await runYaml(play('vars_files: [vf.yml]'), { inventory: '[web]\nh1 v=host\n', files });
    expect(outOf(withFile, 'play level')).toBe('vars-file');
    const withExtra = await runYaml(play(''), { inventory: '[web]\nh1 v=host\n', extra: { v: 'extra' } });
    for (const t of ['play level', 'block level', 'task level', 'after fact']) expect(outOf(withExtra, t)).toBe('extra');
  });

  it('resolves vars that refer to other vars, and only fails on a broken var when it is used', async () => {
    const r = await runYaml(`
- hosts: h1
  vars:
    base: /srv
    dir: "{{ base }}/{{ name }}"
    name: acme
    broken: "{{ nowhere_defined }}"
  tasks:
    - name: chained
      probe: { id: a, out: "{{ dir }}" }
    - name: uses broken
      probe: { id: b, out: "{{ broken }}" }
`, { inventory: 'h1\n' });
    expect(outOf(r, 'chained')).toBe('/srv/acme');
    const failed = r.results.find((x) => x.task === 'uses broken');
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/nowhere_defined/);
  });

  it('magic vars: hostvars, groups, group_names, inventory_hostname', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - name: magic
      probe: { id: a, out: "{{ hostvars['h2'].port }}|{{ groups['web'] | join(',') }}|{{ group_names | join(',') }}|{{ inventory_hostname }}" }
`, { inventory: '[web]\nh1\nh2 port=8884\n' });
    expect(outOf(r, 'magic')).toBe('8884|h1,h2|web|h1');
  });

  it('hostvars has the implicit localhost, with its facts, once a play ran on it', async () => {
    const r = await runYaml(`
- hosts: localhost
  tasks:
    - set_fact: { placed: here }
- hosts: h1
  tasks:
    - name: read
      probe: { id: a, out: "{{ hostvars['localhost'].placed }}|{{ 'localhost' in hostvars }}" }
`, { inventory: '[web]\nh1\n' });
    expect(outOf(r, 'read')).toBe('here|True');
  });

  it('set_fact in a loop: each item sees what the items before it set (as in Ansible)', async () => {
    const r = await runYaml(`
- hosts: h1
  tasks:
    - set_fact: { seen: "{{ seen | default([]) + [item] }}" }
      loop: [a, b, c]
    - name: read
      probe: { id: a, out: "{{ seen | join(',') }}" }
`, { inventory: '[web]\nh1\n' });
    expect(outOf(r, 'read')).toBe('a,b,c');
  });
});
