// Task grammar: module keys, free-form arguments, loops, blocks and keywords become the AST.
import { describe, expect, it } from 'vitest';
import type { BlockNode, Node, TaskNode } from '../../../runner/types.js';
import { loadTree } from './fixture.js';

async function tasksOf(yaml: string): Promise<Node[]> {
  const pb = await loadTree({ 'site.yml': `- hosts: all\n  tasks:\n${yaml}` });
  return pb.plays[0].tasks;
}

async function taskOf(yaml: string): Promise<TaskNode> {
  const [t] = await tasksOf(yaml);
  if (t.kind !== 'task') throw new Error(`expected a task, got ${t.kind}`);
  return t;
}

describe('module key and arguments', () => {
  it.each([
    ['mapping', '    - copy: {dest: /x, content: hi}\n', 'copy', { dest: '/x', content: 'hi' }],
    ['ansible.builtin. prefix stripped', '    - ansible.builtin.copy: {dest: /x}\n', 'copy', { dest: '/x' }],
    ['ansible.legacy. prefix stripped', '    - ansible.legacy.file: {path: /x}\n', 'file', { path: '/x' }],
    ['empty module value', '    - ping:\n', 'ping', {}],
    ['k=v free form', '    - file: path=/x state=touch mode=0644\n', 'file', { path: '/x', state: 'touch', mode: '0644' }],
    ['quoted k=v with a template', '    - debug: msg="hello {{ name }} !"\n', 'debug', { msg: 'hello {{ name }} !' }],
    ['k=v values stay strings, as in Ansible', '    - wait_for: port=8883 active=yes\n', 'wait_for', { port: '8883', active: 'yes' }],
    ['command stays whole', '    - command: lxc-ls -f --filter=^a\n', 'command', { _raw_params: 'lxc-ls -f --filter=^a' }],
    ['command options taken out', '    - command: chdir=/srv creates=/srv/x ls -l "a b"\n', 'command', { chdir: '/srv', creates: '/srv/x', _raw_params: 'ls -l "a b"' }],
    ['shell keeps k=v of the command', '    - shell: FOO=1 echo $FOO > /tmp/x\n', 'shell', { _raw_params: 'FOO=1 echo $FOO > /tmp/x' }],
    ['multi-line shell keeps its layout', '    - shell: |\n        set -e\n        echo  a\n', 'shell', { _raw_params: 'set -e\necho  a' }],
    ['args: merged, module args win', '    - command: ls\n      args: {chdir: /tmp, creates: /a}\n', 'command', { chdir: '/tmp', creates: '/a', _raw_params: 'ls' }],
    ['meta', '    - meta: flush_handlers\n', 'meta', { _raw_params: 'flush_handlers' }],
  ])('%s', async (_name, yaml, module, args) => {
    const t = await taskOf(yaml);
    expect(t.module).toBe(module);
    expect(t.args).toEqual(args);
  });

  it('keeps the position of every argument', async () => {
    const t = await taskOf('    - copy:\n        dest: /x\n        content: hi\n      args:\n        mode: "0600"\n');
    expect(t.argPos.dest).toMatchObject({ line: 4, col: 9 });
    expect(t.argPos.content).toMatchObject({ line: 5, col: 9 });
    expect(t.argPos.mode).toMatchObject({ line: 7, col: 9 });
    expect(t.pos).toMatchObject({ line: 3, col: 7 });
  });

  it('reads YAML 1.1 booleans as ansible-playbook does, but not y/n', async () => {
    const t = await taskOf('    - x: {a: yes, b: on, c: No, d: y, e: n, f: 0755, g: "yes"}\n');
    expect(t.args).toEqual({ a: true, b: true, c: false, d: 'y', e: 'n', f: 0o755, g: 'yes' });
  });
});

describe('task keywords', () => {
  it('reads every keyword into the node', async () => {
    const t = await taskOf(`    - name: install
      package: {name: nginx}
      when: [a, "b == 1"]
      tags: web, setup
      register: out
      notify: restart nginx
      ignore_errors: yes
      failed_when: out.rc > 1
      changed_when: false
      until: out is succeeded
      retries: 3
      delay: "{{ d }}"
      no_log: true
      become: true
      become_user: postgres
      become_method: su
      delegate_to: backup
      run_once: true
      vars: {x: 1}
`);
    expect(t).toMatchObject({
      name: 'install', module: 'package', when: ['a', 'b == 1'], tags: ['web', 'setup'], register: 'out',
      notify: ['restart nginx'], ignoreErrors: true, failedWhen: ['out.rc > 1'], changedWhen: ['false'],
      until: 'out is succeeded', retries: 3, delay: '{{ d }}', noLog: true, become: true, becomeUser: 'postgres',
      becomeMethod: 'su', delegateTo: 'backup', runOnce: true, vars: { x: 1 },
    });
  });

  it('turns a boolean when into a literal', async () => {
    expect((await taskOf('    - debug: {}\n      when: false\n')).when).toEqual(['false']);
  });

  it('reads listen on handlers', async () => {
    const pb = await loadTree({ 'site.yml': '- hosts: all\n  handlers:\n    - name: reload web\n      service: {name: nginx}\n      listen: [web changed, certs]\n' });
    expect(pb.plays[0].handlers[0]).toMatchObject({ name: 'reload web', listen: ['web changed', 'certs'] });
  });
});

describe('loops', () => {
  it.each([
    ['loop list', '      loop: [a, b]\n', ['a', 'b']],
    ['loop template', '      loop: "{{ users }}"\n', '{{ users }}'],
    ['with_items flattens one level', '      with_items: [[a, b], c, [[d]]]\n', ['a', 'b', 'c', ['d']]],
    ['with_items template kept', '      with_items: "{{ users }}"\n', '{{ users }}'],
    ['with_dict literal becomes dict2items', '      with_dict: {a: 1, b: 2}\n', [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
    ['with_dict template kept, expanded at run time', '      with_dict: "{{ ports }}"\n', '{{ ports }}', 'dict'],
    ['with_nested keeps its lists', '      with_nested: [[a, b], "{{ c }}"]\n', [['a', 'b'], '{{ c }}'], 'nested'],
    ['with_sequence keeps its spec', '      with_sequence: start=1 end=3\n', 'start=1 end=3', 'sequence'],
    ['with_first_found keeps its names', '      with_first_found: [a.yml, b.yml]\n', ['a.yml', 'b.yml'], 'first_found'],
    ['with_subelements keeps its terms', '      with_subelements: ["{{ users }}", keys]\n', ['{{ users }}', 'keys'], 'subelements'],
  ])('%s', async (_name, loopYaml, loop, kind?: string) => {
    const t = await taskOf(`    - debug: {msg: x}\n${loopYaml}`);
    expect(t.loop).toEqual(loop);
    expect(t.loopKind).toBe(kind);
  });

  it('reads loop_control', async () => {
    const t = await taskOf('    - debug: {}\n      loop: [1]\n      loop_control: {loop_var: port, index_var: i, label: "{{ port }}", pause: 2}\n');
    expect(t.loopControl).toEqual({ loopVar: 'port', indexVar: 'i', label: '{{ port }}', pause: 2 });
  });
});

describe('blocks', () => {
  it('reads block/rescue/always with their keywords', async () => {
    const [b] = (await tasksOf(`    - name: guarded
      when: go
      become: true
      block:
        - command: a
        - block:
            - command: nested
      rescue:
        - command: r
      always:
        - meta: flush_handlers
`)) as BlockNode[];
    expect(b.kind).toBe('block');
    expect(b).toMatchObject({ name: 'guarded', when: ['go'], become: true });
    expect(b.block.map((n) => n.kind)).toEqual(['task', 'block']);
    expect((b.block[1] as BlockNode).block[0]).toMatchObject({ module: 'command', args: { _raw_params: 'nested' } });
    expect(b.rescue[0]).toMatchObject({ module: 'command', args: { _raw_params: 'r' } });
    expect(b.always[0]).toMatchObject({ module: 'meta' });
  });

  it('follows YAML anchors and merge keys', async () => {
    const ts = await tasksOf('    - &base\n      name: one\n      debug: {msg: a}\n      tags: [t]\n    - <<: *base\n      name: two\n');
    expect(ts[1]).toMatchObject({ name: 'two', module: 'debug', tags: ['t'], args: { msg: 'a' } });
  });
});
