// Each kind of load problem is reported at its file:line:col.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LoadError } from '../../../runner/load/errors.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { loadErrors, writeTree } from './fixture.js';

const play = (tasks: string): string => `- hosts: all\n  tasks:\n${tasks}`;

const cases: { name: string; files: Record<string, string>; expected: string[] }[] = [
  { name: 'duplicate key', files: { 'site.yml': play('    - name: a\n      name: b\n      debug: {}\n') }, expected: ['site.yml:4:7: duplicate key'] },
  { name: 'tab in indentation', files: { 'site.yml': '- hosts: all\n  vars:\n    a: 1\n\tb: 2\n' }, expected: ['site.yml:4:1: tab character in indentation'] },
  { name: 'bad indentation', files: { 'site.yml': play('    - name: a\n     debug: x\n') }, expected: ['site.yml:4:6: Sequence item without - indicator', 'check the indentation'] },
  { name: 'over-indented key', files: { 'site.yml': play('    - name: a\n      debug:\n        msg: x\n       when: y\n') }, expected: ['site.yml:6:8: All mapping items must start at the same column (check the indentation)'] },
  { name: 'unquoted colon in a value', files: { 'site.yml': '- hosts: all\n  vars:\n    a: b: c\n' }, expected: ["site.yml:3:8: ", "quote a value that contains ': '"] },
  { name: 'unknown play keyword', files: { 'site.yml': '- hosts: all\n  taskz: []\n' }, expected: ["site.yml:2:3: unknown keyword 'taskz' on a play (did you mean 'tasks'?)"] },
  { name: 'unsupported play keyword', files: { 'site.yml': '- hosts: all\n  vars_prompt: [{name: x}]\n' }, expected: ["site.yml:2:3: 'vars_prompt' is not supported on a play: declare the variable under `params:`"] },
  { name: 'unsupported strategy', files: { 'site.yml': '- hosts: all\n  strategy: free\n' }, expected: ["site.yml:2:13: strategy 'free' is not supported"] },
  { name: 'fire and forget', files: { 'site.yml': play('    - command: sleep 1\n      async: 10\n      poll: 0\n') }, expected: ["site.yml:5:13: 'poll: 0' (fire and forget) is not supported"] },
  { name: 'play-level include', files: { 'site.yml': '- include: other.yml\n' }, expected: ["site.yml:1:3: 'include' of a playbook is not valid"] },
  { name: 'templated vars_files', files: { 'site.yml': '- hosts: all\n  vars_files: [["{{ x }}.yml", d.yml]]\n' }, expected: ["site.yml:2:16: vars_files names cannot be templated"] },
  { name: 'play without hosts', files: { 'site.yml': '- name: x\n  tasks: []\n' }, expected: ["site.yml:1:3: a play needs 'hosts:'"] },
  { name: 'task without module', files: { 'site.yml': play("    - name: lonely\n      when: x\n") }, expected: ["site.yml:3:7: task 'lonely' names no module"] },
  { name: 'two module keys', files: { 'site.yml': play('    - copy: {dest: /x}\n      file: {path: /y}\n') }, expected: ["site.yml:4:7: task has more than one module key ('copy', 'file')"] },
  { name: 'misspelt keyword looks like a second module', files: { 'site.yml': play('    - debug: {}\n      regiser: out\n') }, expected: ["site.yml:4:7: ", "(did you mean 'register'?)"] },
  { name: 'unsupported task keyword', files: { 'site.yml': play('    - command: ls\n      throttle: 1\n') }, expected: ["site.yml:4:7: 'throttle' is not supported on a task: not supported: limit parallel hosts"] },
  { name: 'remote_user on a task', files: { 'site.yml': play('    - command: ls\n      remote_user: bob\n') }, expected: ["site.yml:4:7: 'remote_user' is not supported on a task: it is supported on the play"] },
  { name: 'when of the wrong type', files: { 'site.yml': play('    - debug: {}\n      when: {a: 1}\n') }, expected: ["site.yml:4:13: 'when' must be a condition string"] },
  { name: 'loop on a block', files: { 'site.yml': play('    - block: []\n      loop: [1]\n') }, expected: ["site.yml:4:7: 'loop' is not allowed on a block"] },
  { name: 'rescue without block', files: { 'site.yml': play('    - debug: {}\n      rescue: []\n') }, expected: ["site.yml:4:7: 'rescue' needs a 'block'"] },
  { name: 'two loops', files: { 'site.yml': play('    - debug: {}\n      loop: [1]\n      with_items: [2]\n') }, expected: ["site.yml:5:7: 'with_items' and 'loop' cannot be used together"] },
  { name: 'bad register name', files: { 'site.yml': play('    - debug: {}\n      register: my-var\n') }, expected: ["site.yml:4:17: register: 'my-var' is not a valid variable name"] },
  { name: 'unknown meta action', files: { 'site.yml': play('    - meta: refresh_inventory\n') }, expected: ["site.yml:3:13: meta: unsupported action 'refresh_inventory'"] },
  { name: 'unknown loop_control key', files: { 'site.yml': play('    - debug: {}\n      loop: [1]\n      loop_control: {loop_vr: x}\n') }, expected: ["site.yml:5:22: unknown key 'loop_vr' in loop_control (did you mean 'loop_var'?)"] },
  { name: 'task is not a mapping', files: { 'site.yml': play('    - just a string\n') }, expected: ['site.yml:3:7: a task must be a mapping'] },
  { name: 'tasks not a list', files: { 'site.yml': '- hosts: all\n  tasks: {debug: {}}\n' }, expected: ["site.yml:2:10: 'tasks' must be a list of tasks, got a mapping"] },
  { name: 'playbook not a list', files: { 'site.yml': 'hosts: all\n' }, expected: ['site.yml:1:1: a playbook must be a list of plays'] },
  { name: 'missing vars file', files: { 'site.yml': '- hosts: all\n  vars_files: [nope.yml]\n' }, expected: ['site.yml:2:16: cannot read', 'nope.yml: file not found'] },
  { name: 'templated vars_files', files: { 'site.yml': '- hosts: all\n  vars_files: ["{{ env }}.yml"]\n' }, expected: ['site.yml:2:16: vars_files names cannot be templated'] },
  { name: 'problem inside a vars file', files: { 'site.yml': '- hosts: all\n  vars_files: [v.yml]\n', 'v.yml': 'a: 1\na: 2\n' }, expected: ['v.yml:2:1: duplicate key'] },
  { name: 'unknown role', files: { 'site.yml': '- hosts: all\n  roles: [ghost]\n' }, expected: ["site.yml:2:11: role 'ghost' not found"] },
  { name: 'problem inside a role', files: { 'site.yml': '- hosts: all\n  roles: [r]\n', 'roles/r/tasks/main.yml': '- debug: {}\n  when: [{}]\n' }, expected: ["roles/r/tasks/main.yml:2:9: 'when' must be a condition string"] },
  { name: 'missing import_tasks file', files: { 'site.yml': play('    - import_tasks: gone.yml\n') }, expected: ['site.yml:3:21: cannot read', 'gone.yml: file not found'] },
  { name: 'templated import_tasks', files: { 'site.yml': play('    - import_tasks: "{{ x }}.yml"\n') }, expected: ['site.yml:3:21: import_tasks is static and cannot use a templated file name'] },
  { name: 'import cycle', files: { 'site.yml': play('    - import_tasks: a.yml\n'), 'a.yml': '- import_tasks: a.yml\n' }, expected: ['a.yml:1:17: import cycle'] },
  { name: 'loop on import_tasks', files: { 'site.yml': play('    - import_tasks: a.yml\n      loop: [1]\n'), 'a.yml': '[]\n' }, expected: ["site.yml:4:7: 'loop' is not allowed on import_tasks"] },
  { name: 'bad serial', files: { 'site.yml': '- hosts: all\n  serial: 30%\n' }, expected: ["site.yml:2:11: 'serial' must be a positive whole number"] },
  { name: 'unresolved YAML tag', files: { 'site.yml': '- hosts: all\n  vars:\n    pw: !custom abc\n' }, expected: ['site.yml:3:9: Unresolved tag: !custom'] },
  { name: '!vault value without a vault password', files: { 'site.yml': '- hosts: all\n  vars:\n    pw: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n' }, expected: ['site.yml:3:9: a !vault value is encrypted with Ansible Vault, but no vault password was given'] },
  { name: '!vault value that is not vault data', files: { 'site.yml': '- hosts: all\n  vars:\n    pw: !vault abc\n' }, expected: ["site.yml:3:9: not vault data (the first line must start with '$ANSIBLE_VAULT;')"] },
  { name: 'invalid param schema', files: { 'site.yml': '- hosts: all\n  params:\n    port: {type: integr}\n' }, expected: ["site.yml:3:11: parameter 'port': invalid schema"] },
  { name: 'param schema typo', files: { 'site.yml': '- hosts: all\n  params:\n    port: {type: integer, minimun: 1}\n' }, expected: ["site.yml:3:11: parameter 'port': invalid schema", 'minimun'] },
  { name: 'param default out of range', files: { 'site.yml': '- hosts: all\n  params:\n    port: {type: integer, minimum: 1024, default: 80}\n' }, expected: ["site.yml:3:42: parameter 'port': default does not match its own schema"] },
  { name: 'import_playbook cycle', files: { 'site.yml': '- import_playbook: site.yml\n' }, expected: ['site.yml:1:20: import_playbook cycle'] },
  { name: 'several YAML documents', files: { 'site.yml': '- hosts: a\n---\n- hosts: b\n' }, expected: ['site.yml:2:1: Source contains multiple documents'] },
  { name: 'tab on an otherwise blank line is fine, a tab before content is not', files: { 'site.yml': '- hosts: all\n\t\n  tasks:\n   \t- debug: {}\n' }, expected: ['site.yml:4:4: tab character in indentation'] },
  { name: 'missing playbook file', files: {}, expected: ['site.yml:1:1: cannot read', 'site.yml: file not found'] },
  { name: 'include_tasks of a missing static file', files: { 'site.yml': play('    - include_tasks: nope.yml\n') }, expected: ['site.yml:3:22: cannot read', 'nope.yml: file not found'] },
  { name: 'blocks are not handlers', files: { 'site.yml': '- hosts: all\n  handlers:\n    - block: []\n' }, expected: ['site.yml:3:7: handlers must be plain tasks, not a block'] },
  { name: 'role dependency cycle', files: { 'site.yml': '- hosts: all\n  roles: [a]\n', 'roles/a/meta/main.yml': 'dependencies: [b]\n', 'roles/b/meta/main.yml': 'dependencies: [a]\n' }, expected: ['roles/b/meta/main.yml:1:16: role dependency cycle'] },
  { name: 'params entry not a mapping', files: { 'site.yml': '- hosts: all\n  params:\n    port: integer\n' }, expected: ["site.yml:3:11: parameter 'port' must be a mapping"] },
  { name: 'params secret not a boolean', files: { 'site.yml': '- hosts: all\n  params:\n    pw: {type: string, secret: maybe}\n' }, expected: ["site.yml:3:24: parameter 'pw': 'secret' must be true or false"] },
  { name: 'module package not installed', files: { 'site.yml': '- hosts: all\n  modules:\n    - osm-play-module-absent\n' }, expected: ["site.yml:3:7: module package 'osm-play-module-absent' is not installed"] },
  { name: 'import_playbook among tasks', files: { 'site.yml': play('    - import_playbook: other.yml\n') }, expected: ["site.yml:3:7: 'import_playbook' is not supported on a task: it belongs at the top level"] },
  { name: 'invalid variable name', files: { 'site.yml': '- hosts: all\n  vars:\n    my-var: 1\n' }, expected: ["site.yml:3:5: 'my-var' is not a valid variable name"] },
];

describe('load diagnostics carry file:line:col', () => {
  it.each(cases)('$name', async ({ files, expected }) => {
    const errors = await loadErrors(files);
    const [where, ...fragments] = expected;
    const match = errors.find((e) => e.startsWith(where) && fragments.every((f) => e.includes(f)));
    expect(match, `expected "${expected.join(' … ')}" among:\n${errors.join('\n')}`).toBeDefined();
    // One mistake, one message: no follow-on noise.
    expect(errors).toHaveLength(1);
  });

  it('reports every problem of every file together, in file order', async () => {
    const errors = await loadErrors({
      'site.yml': '- hosts: all\n  roles: [r]\n  tasks:\n    - name: a\n    - debug: {}\n      when: {}\n',
      'roles/r/tasks/main.yml': '- copy: {}\n  file: {}\n',
    });
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^site\.yml:4:7: task 'a' names no module/);
    expect(errors[1]).toMatch(/^site\.yml:6:13: 'when' must be/);
    expect(errors[2]).toMatch(/^roles\/r\/tasks\/main\.yml:2:3: task has more than one module key/);
  });

  it('hands back what it could load, so the rest can still be validated', async () => {
    const dir = writeTree({ 'site.yml': play('    - name: lonely\n    - debug: {msg: fine}\n') });
    const err = await loadPlaybook(join(dir, 'site.yml')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    const partial = (err as LoadError).playbook;
    expect(partial?.plays[0].tasks).toMatchObject([{ module: 'debug', args: { msg: 'fine' } }]);
  });

  it('loads a clean playbook without diagnostics', async () => {
    expect(await loadErrors({ 'site.yml': play('    - debug: {msg: hi}\n') })).toEqual([]);
  });
});
