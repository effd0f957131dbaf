// Plays: hosts, vars, vars_files, params, modules, import_playbook; include/import of task files.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTaskFile, resolveTaskFile } from '../../../runner/load/includes.js';
import type { BlockNode, IncludeNode } from '../../../runner/types.js';
import { loadTree, writeTree } from './fixture.js';

describe('plays', () => {
  it('reads play keywords', async () => {
    const pb = await loadTree({
      'site.yml': `- name: web servers
  hosts: [web, db]
  connection: local
  gather_facts: no
  become: true
  become_user: root
  become_method: sudo
  serial: 2
  any_errors_fatal: true
  tags: [site]
  vars: {a: 1}
  vars_files: [vars/common.yml, extra.json]
  modules: [osm-play-module-hello]
  pre_tasks: [{debug: {msg: pre}}]
  tasks: [{debug: {msg: main}}]
  post_tasks: [{debug: {msg: post}}]
- hosts: all
  modules: osm-play-module-hello
`,
      'vars/common.yml': 'b: 2\n',
      'extra.json': '{"c": [3]}',
      'node_modules/osm-play-module-hello/package.json': '{"name": "osm-play-module-hello", "main": "index.js"}',
    });
    const [p, second] = pb.plays;
    expect(p).toMatchObject({
      name: 'web servers', hosts: 'web:db', connection: 'local', gatherFacts: false, become: true, becomeUser: 'root',
      becomeMethod: 'sudo', serial: 2, anyErrorsFatal: true, tags: ['site'], vars: { a: 1 }, varsFiles: [{ b: 2 }, { c: [3] }],
    });
    expect(p.preTasks).toHaveLength(1);
    expect(p.tasks).toHaveLength(1);
    expect(p.postTasks).toHaveLength(1);
    expect(p.file).toBe(pb.file);
    expect(second.name).toBe('all');
    expect(pb.modulePackages).toEqual(['osm-play-module-hello']);
  });

  it('reads params with required, secret and description', async () => {
    const pb = await loadTree({
      'site.yml': `- hosts: all
  params:
    customer_name:
      type: string
      pattern: '^[a-z][a-z0-9-]{0,30}[a-z0-9]$'
      required: true
      description: Customer short name
    mqtt_port: {type: integer, minimum: 1024, maximum: 65535, default: 8883}
    admin_password: {type: string, secret: true}
`,
    });
    const { params } = pb.plays[0];
    expect(params.customer_name).toMatchObject({
      required: true, secret: false, description: 'Customer short name',
      schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,30}[a-z0-9]$', description: 'Customer short name' },
      pos: { line: 3, col: 5 },
    });
    expect(params.customer_name.schema).not.toHaveProperty('required');
    expect(params.mqtt_port).toMatchObject({ required: false, secret: false, schema: { type: 'integer', minimum: 1024, default: 8883 } });
    expect(params.admin_password).toMatchObject({ secret: true, required: false });
  });

  it('inlines import_playbook with its vars and tags', async () => {
    const pb = await loadTree({
      'site.yml': '- import_playbook: sub/other.yml\n  vars: {x: 2}\n  tags: imported\n- hosts: b\n',
      'sub/other.yml': '- hosts: a\n  vars: {x: 1, y: 1}\n  vars_files: [v.yml]\n',
      'sub/v.yml': 'z: 3\n',
    });
    expect(pb.plays.map((p) => p.hosts)).toEqual(['a', 'b']);
    expect(pb.plays[0]).toMatchObject({ vars: { x: 2, y: 1 }, tags: ['imported'], varsFiles: [{ z: 3 }] });
    expect(pb.plays[0].file).toMatch(/sub\/other\.yml$/);
    expect(pb.plays[0].baseDir).toMatch(/sub$/);
  });
});

describe('import_tasks and include_tasks', () => {
  it('inlines import_tasks as a block carrying the import keywords, paths relative to the importing file', async () => {
    const pb = await loadTree({
      'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: tasks/a.yml\n      when: go\n      tags: [t]\n      vars: {v: 1}\n',
      'tasks/a.yml': '- debug: {msg: a}\n- import_tasks: b.yml\n',
      'tasks/b.yml': '- debug: {msg: b}\n',
    });
    const [imp] = pb.plays[0].tasks as BlockNode[];
    expect(imp).toMatchObject({ kind: 'block', when: ['go'], tags: ['t'], vars: { v: 1 }, rescue: [], always: [] });
    expect(imp.block[0]).toMatchObject({ module: 'debug', args: { msg: 'a' } });
    expect((imp.block[1] as BlockNode).block[0]).toMatchObject({ module: 'debug', args: { msg: 'b' } });
    expect(imp.block[0].pos.file).toMatch(/tasks\/a\.yml$/);
  });

  it('keeps include_tasks dynamic and preloads a static file for validation', async () => {
    const pb = await loadTree({
      'site.yml': '- hosts: all\n  tasks:\n    - include_tasks: inc.yml\n      loop: [1, 2]\n      loop_control: {loop_var: n}\n    - include_tasks: "{{ name }}.yml"\n',
      'inc.yml': '- debug: {msg: "{{ n }}"}\n',
    });
    const [inc, dyn] = pb.plays[0].tasks as IncludeNode[];
    expect(inc).toMatchObject({ kind: 'include_tasks', file: 'inc.yml', loop: [1, 2], loopControl: { loopVar: 'n' } });
    expect(inc.baseDir).toBe(join(pb.file, '..'));
    expect(inc.preloaded?.[0]).toMatchObject({ module: 'debug' });
    expect(dyn.file).toBe('{{ name }}.yml');
    expect(dyn.preloaded).toBeUndefined();
  });

  it('flattens import_tasks in handlers, pushing its when and tags down', async () => {
    const pb = await loadTree({
      'site.yml': '- hosts: all\n  handlers:\n    - import_tasks: h.yml\n      when: ok\n      tags: [h]\n',
      'h.yml': '- name: restart\n  service: {name: x}\n  when: more\n',
    });
    expect(pb.plays[0].handlers).toMatchObject([{ kind: 'task', name: 'restart', when: ['ok', 'more'], tags: ['h'] }]);
  });

  it('loadTaskFile reads a task file at run time, with the role set on its nodes', async () => {
    const dir = writeTree({ 'roles/r/tasks/extra.yml': '- debug: {msg: x}\n' });
    const role = { name: 'r', path: join(dir, 'roles/r'), defaults: {}, vars: {} };
    const file = resolveTaskFile('extra.yml', dir, role);
    expect(file).toBe(join(dir, 'roles/r/tasks/extra.yml'));
    const nodes = await loadTaskFile(file, role);
    expect(nodes[0]).toMatchObject({ module: 'debug', role: { name: 'r' } });
  });

  it('loadTaskFile throws a LoadError with positions', async () => {
    const dir = writeTree({ 'bad.yml': '- debug: {}\n  copy: {}\n' });
    await expect(loadTaskFile(join(dir, 'bad.yml'))).rejects.toMatchObject({
      name: 'LoadError', diagnostics: [{ pos: { line: 2, col: 3 } }],
    });
  });
});
