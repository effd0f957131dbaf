// Roles: files of a role, dependencies first, role parameters, handlers, dedupe.
import { describe, expect, it } from 'vitest';
import type { BlockNode, IncludeNode, TaskNode } from '../../../runner/types.js';
import { loadTree } from './fixture.js';

const roleFiles = {
  'roles/web/tasks/main.yml': '- name: site\n  template: {src: site.j2, dest: /etc/site}\n  notify: reload nginx\n- include_tasks: extra.yml\n',
  'roles/web/tasks/extra.yml': '- debug: {msg: extra}\n',
  'roles/web/defaults/main.yml': 'port: 80\nname: web\n',
  'roles/web/vars/main.yaml': 'conf_dir: /etc/nginx\n',
  'roles/web/handlers/main.yml': '- name: reload nginx\n  service: {name: nginx, state: reloaded}\n',
  'roles/web/meta/main.yml': 'galaxy_info: {author: x}\ndependencies:\n  - base\n  - {role: certs, domain: example.org}\n',
  'roles/base/tasks/main.yml': '- command: echo base\n',
  'roles/certs/tasks/main.yml': '- command: echo certs\n',
  'roles/certs/meta/main.yml': 'dependencies: [base]\n',
};

describe('roles', () => {
  it('loads a role with defaults, vars, handlers and meta dependencies, dependencies first', async () => {
    const pb = await loadTree({ ...roleFiles, 'site.yml': '- hosts: all\n  roles: [web]\n  tasks: [{debug: {msg: play}}]\n' });
    const play = pb.plays[0];
    expect(play.roles.map((r) => r.name)).toEqual(['base', 'certs', 'web']);
    const web = play.roles[2];
    expect(web.defaults).toEqual({ port: 80, name: 'web' });
    expect(web.vars).toEqual({ conf_dir: '/etc/nginx' });
    expect(web.path).toMatch(/roles\/web$/);

    const [webBlock, playTask] = play.tasks as [BlockNode, TaskNode];
    expect(playTask).toMatchObject({ module: 'debug', args: { msg: 'play' } });
    expect(webBlock).toMatchObject({ kind: 'block', role: { name: 'web' } });
    // base runs once (via web's dependency), certs' own dependency on base is not repeated.
    const [baseBlock, certsBlock, site, include] = webBlock.block as [BlockNode, BlockNode, TaskNode, IncludeNode];
    expect(baseBlock).toMatchObject({ role: { name: 'base' } });
    expect(certsBlock).toMatchObject({ role: { name: 'certs' }, vars: { domain: 'example.org' } });
    expect(certsBlock.block).toHaveLength(1);
    expect(site).toMatchObject({ module: 'template', role: { name: 'web' }, notify: ['reload nginx'] });
    expect(include).toMatchObject({ kind: 'include_tasks', file: 'extra.yml', role: { name: 'web' } });
    expect(include.baseDir).toMatch(/roles\/web\/tasks$/);

    expect(play.handlers).toHaveLength(1);
    expect(play.handlers[0]).toMatchObject({ name: 'reload nginx', module: 'service', role: { name: 'web' } });
  });

  it('passes role entry keywords and parameters to the role block', async () => {
    const pb = await loadTree({
      ...roleFiles,
      'site.yml': '- hosts: all\n  roles:\n    - role: base\n      when: ok\n      tags: [b]\n      become: true\n      vars: {a: 1}\n      b: 2\n',
    });
    expect(pb.plays[0].tasks[0]).toMatchObject({ kind: 'block', role: { name: 'base' }, when: ['ok'], tags: ['b'], become: true, vars: { a: 1, b: 2 } });
  });

  it('runs a role again when it is named with different parameters', async () => {
    const pb = await loadTree({ ...roleFiles, 'site.yml': '- hosts: all\n  roles:\n    - {role: base, n: 1}\n    - {role: base, n: 2}\n    - {role: base, n: 2}\n' });
    expect(pb.plays[0].tasks.map((b) => b.vars)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(pb.plays[0].roles).toHaveLength(1);
  });

  it('role tasks come before play tasks; pre_tasks stay apart', async () => {
    const pb = await loadTree({ ...roleFiles, 'site.yml': '- hosts: all\n  pre_tasks: [{debug: {msg: pre}}]\n  roles: [base]\n  tasks: [{debug: {msg: t}}]\n' });
    expect(pb.plays[0].preTasks).toHaveLength(1);
    expect(pb.plays[0].tasks.map((n) => n.kind)).toEqual(['block', 'task']);
  });
});
