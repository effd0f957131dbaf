// The Ansible forms added for compatibility: action/local_action, include, include_role/import_role,
// FQCN keyword actions, vars lists, first-found vars_files, environment/check_mode/async, block notify.
import { describe, expect, it } from 'vitest';
import type { BlockNode, IncludeNode, Node, TaskNode } from '../../../runner/types.js';
import { loadErrors, loadTree } from './fixture.js';

const play = (tasks: string, extra = ''): string => `- hosts: all\n${extra}  tasks:\n${tasks}`;

async function tasksOf(yaml: string, files: Record<string, string> = {}): Promise<Node[]> {
  return (await loadTree({ 'site.yml': play(yaml), ...files })).plays[0].tasks;
}

describe('action and local_action', () => {
  it.each([
    ['action free form', '    - action: copy dest=/x content=hi\n', 'copy', { dest: '/x', content: 'hi' }, undefined],
    ['action mapping', '    - action:\n        module: copy\n        dest: /x\n', 'copy', { dest: '/x' }, undefined],
    ['local_action free form', '    - local_action: command echo hi\n', 'command', { _raw_params: 'echo hi' }, 'localhost'],
    ['local_action with prefix', '    - local_action: ansible.builtin.file path=/x state=touch\n', 'file', { path: '/x', state: 'touch' }, 'localhost'],
  ])('%s', async (_n, yaml, module, args, delegateTo) => {
    const [t] = (await tasksOf(yaml)) as TaskNode[];
    expect(t.module).toBe(module);
    expect(t.args).toEqual(args);
    expect(t.delegateTo).toBe(delegateTo);
  });

  it('an action naming no module is refused', async () => {
    expect((await loadErrors({ 'site.yml': play('    - action: {dest: /x}\n') })).join('\n')).toContain("'action' must name a module");
  });
});

describe('include and the FQCN keyword actions', () => {
  const inc = { 'inc.yml': '- debug: {msg: x}\n' };
  it.each([
    ['plain include is static', '    - include: inc.yml\n', 'block'],
    ['templated include is dynamic', '    - include: "{{ f }}"\n', 'include_tasks'],
    ['looped include is dynamic', '    - include: inc.yml\n      loop: [1]\n', 'include_tasks'],
    ['ansible.builtin.include_tasks', '    - ansible.builtin.include_tasks: inc.yml\n', 'include_tasks'],
    ['ansible.builtin.import_tasks', '    - ansible.builtin.import_tasks: inc.yml\n', 'block'],
  ])('%s', async (_n, yaml, kind) => {
    const [n] = await tasksOf(yaml, inc);
    expect(n.kind).toBe(kind);
  });
});

describe('include_role and import_role', () => {
  const roles = {
    'roles/r/tasks/main.yml': '- name: main\n  debug: {msg: m}\n',
    'roles/r/tasks/other.yml': '- name: other\n  debug: {msg: o}\n',
    'roles/r/defaults/main.yml': 'd: 1\n',
    'roles/r/handlers/main.yml': '- name: h\n  debug: {msg: h}\n',
  };
  it('import_role is a block of the role, its vars visible to the play, its handlers added', async () => {
    const pb = await loadTree({ 'site.yml': play('    - import_role: {name: r, tasks_from: other}\n      tags: [t]\n'), ...roles });
    const [b] = pb.plays[0].tasks as BlockNode[];
    expect(b.kind).toBe('block');
    expect(b.tags).toEqual(['t']);
    const inner = (b.block[0] as BlockNode).block[0] as TaskNode;
    expect(inner.name).toBe('other');
    expect(pb.plays[0].roles.map((r) => r.name)).toEqual(['r']);
    expect(pb.plays[0].handlers.map((h) => h.name)).toEqual(['h']);
  });

  it('include_role is an include carrying the role, private unless public', async () => {
    const pb = await loadTree({ 'site.yml': play('    - ansible.builtin.include_role: name=r\n      when: x\n'), ...roles });
    const [n] = pb.plays[0].tasks as IncludeNode[];
    expect(n.kind).toBe('include_tasks');
    expect(n.when).toEqual(['x']);
    expect(n.roleBlock?.role?.name).toBe('r');
    expect(pb.plays[0].roles).toEqual([]);
    const pub = await loadTree({ 'site.yml': play('    - include_role: {name: r, public: true}\n'), ...roles });
    expect(pub.plays[0].roles.map((r) => r.name)).toEqual(['r']);
  });

  it.each([
    ['templated name', '    - include_role: {name: "{{ r }}"}\n', 'a templated role name'],
    ['unknown option', '    - include_role: {name: r, nope: 1}\n', "unknown key 'nope'"],
    ['missing tasks_from', '    - import_role: {name: r, tasks_from: absent}\n', 'no tasks/absent'],
  ])('refuses a %s', async (_n, yaml, msg) => {
    expect((await loadErrors({ 'site.yml': play(yaml), ...roles })).join('\n')).toContain(msg);
  });
});

describe('play and task keywords', () => {
  it('vars as a list of mappings merge in order; remote_user and environment on the play', async () => {
    const pb = await loadTree({ 'site.yml': '- hosts: all\n  remote_user: bob\n  environment: {A: "1"}\n  vars:\n    - a: 1\n    - a: 2\n      b: 3\n  tasks: []\n' });
    expect(pb.plays[0].vars).toEqual({ a: 2, b: 3 });
    expect(pb.plays[0].remoteUser).toBe('bob');
    expect(pb.plays[0].environment).toEqual({ A: '1' });
  });

  it('a list in vars_files reads the first file that exists', async () => {
    const pb = await loadTree({ 'site.yml': '- hosts: all\n  vars_files:\n    - [absent.yml, b.yml, c.yml]\n  tasks: []\n', 'b.yml': 'x: b\n', 'c.yml': 'x: c\n' });
    expect(pb.plays[0].varsFiles).toEqual([{ x: 'b' }]);
    expect((await loadErrors({ 'site.yml': '- hosts: all\n  vars_files: [[a.yml, b.yml]]\n' })).join('\n')).toContain('none of the vars_files in this list exists');
  });

  it('environment, check_mode and async on a task; notify on a block', async () => {
    const [t, b] = await tasksOf('    - command: ls\n      environment: {A: x}\n      check_mode: false\n      async: 30\n      poll: 5\n    - block:\n        - debug: {}\n      notify: h\n');
    expect(t).toMatchObject({ environment: { A: 'x' }, checkMode: false, asyncSeconds: 30 });
    expect((b as BlockNode).notify).toEqual(['h']);
  });
});
