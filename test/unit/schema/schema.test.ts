// The playbook JSON Schema accepts good playbooks and rejects bad ones (checked with ajv, as an
// editor would); module docs come from the module schemas.
import { Type } from '@sinclair/typebox';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadModuleRegistry, ModuleRegistry } from '../../../runner/load/modules.js';
import { defineModule, type AnyModule } from '../../../runner/module.js';
import { moduleDoc, modulesMarkdown, playbookSchema } from '../../../runner/schema/index.js';

const Ajv = AjvModule.default;
const noop = { async gather() { return null; }, plan() { return []; }, async apply() {} };

const copy = defineModule({
  name: 'copy', doc: 'Copies content to a file.\nMore detail.', example: '- copy: {dest: /x, content: hi}',
  args: Type.Object({
    dest: Type.String({ description: 'Target path.' }),
    content: Type.Optional(Type.String({ description: 'Text to write.' })),
    backup: Type.Optional(Type.Boolean({ default: false, description: 'Keep a copy.' })),
    state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  }),
  ...noop,
});
const command = defineModule({
  name: 'command', doc: 'Runs a command.', example: '- command: ls', freeForm: 'cmd',
  args: Type.Object({ cmd: Type.String(), chdir: Type.Optional(Type.String()) }),
  ...noop,
});
const ufw = defineModule({
  name: 'ufw_rule', doc: 'Opens a port.', example: '', secretArgs: ['comment'],
  args: Type.Object({ port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Port.' }), comment: Type.Optional(Type.String()) }),
  ...noop,
});
const ping = defineModule({ name: 'ping', doc: 'Checks the host answers.', example: '', args: Type.Object({}), ...noop });
const defaulted = defineModule({
  name: 'defaulted', doc: 'Defaults.', example: '',
  args: Type.Object({ root: Type.String({ default: '/srv' }) }),
  ...noop,
});
const registry = new ModuleRegistry([copy, command, ufw, ping, defaulted] as AnyModule[]);

const validator = new Ajv({ allErrors: true, strict: false }).compile(playbookSchema(registry));
const valid = (yaml: string): boolean => validator(parse(yaml));

const good = `
- import_playbook: other.yml
- name: web
  hosts: [web, db]
  become: yes
  vars: {a: 1}
  vars_files: [common.yml]
  modules: [osm-play-module-hello]
  params:
    mqtt_port: {type: integer, minimum: 1024, default: 8883, description: port}
    customer_name: {type: string, required: true, secret: false}
  roles:
    - base
    - {role: web, when: a == 1, site: x}
  tasks:
    - name: copy it
      ansible.builtin.copy: {dest: /x, content: "{{ body }}", backup: yes, state: present}
      when: a
      register: out
      notify: [restart]
      loop: "{{ items }}"
      loop_control: {loop_var: it, label: "{{ it }}"}
    - ufw_rule: {port: "{{ mqtt_port }}"}
    - command: lxc-ls -f
      args: {chdir: /srv}
    - ping:
    - meta: flush_handlers
    - defaulted:
    - defaulted: {root: /x}
    - block:
        - copy: dest=/y content=z
      rescue:
        - include_tasks: fix.yml
          with_items: [1, 2]
      always:
        - import_tasks: end.yml
          tags: [x]
  handlers:
    - name: restart
      command: "true"
      listen: web changed
`;

describe('playbookSchema', () => {
  it('is draft-07 and accepts a playbook using the whole grammar', () => {
    expect(playbookSchema(registry).$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(valid(good), JSON.stringify(validator.errors?.slice(0, 5), null, 1)).toBe(true);
  });

  it.each([
    ['unknown module', '- hosts: all\n  tasks:\n    - cpy: {dest: /x}\n'],
    ['unknown argument', '- hosts: all\n  tasks:\n    - copy: {dest: /x, contnet: y}\n'],
    ['missing required argument', '- hosts: all\n  tasks:\n    - copy: {content: y}\n'],
    ['argument of the wrong type', '- hosts: all\n  tasks:\n    - ufw_rule: {port: http}\n'],
    ['argument out of range', '- hosts: all\n  tasks:\n    - ufw_rule: {port: 0}\n'],
    ['literal not allowed', '- hosts: all\n  tasks:\n    - copy: {dest: /x, state: gone}\n'],
    ['two module keys', '- hosts: all\n  tasks:\n    - copy: {dest: /x}\n      command: ls\n'],
    ['task without a module', '- hosts: all\n  tasks:\n    - name: nothing\n'],
    ['unknown task keyword', '- hosts: all\n  tasks:\n    - ping:\n      environment: {}\n'],
    ['unknown play keyword', '- hosts: all\n  remote_user: root\n'],
    ['play without hosts', '- tasks: []\n'],
    ['bad meta action', '- hosts: all\n  tasks:\n    - meta: refresh_inventory\n'],
    ['bad register name', '- hosts: all\n  tasks:\n    - ping:\n      register: my-var\n'],
    ['loop on a block', '- hosts: all\n  tasks:\n    - block: []\n      loop: [1]\n'],
    ['bad loop_control key', '- hosts: all\n  tasks:\n    - ping:\n      loop: [1]\n      loop_control: {loop_vr: x}\n'],
  ])('rejects: %s', (_name, yaml) => {
    expect(valid(yaml)).toBe(false);
  });

  it('without a registry accepts any module key but still checks keywords', () => {
    const loose = new Ajv({ strict: false }).compile(playbookSchema());
    expect(loose(parse('- hosts: all\n  tasks:\n    - anything: {x: 1}\n'))).toBe(true);
    expect(loose(parse('- hosts: all\n  tasks:\n    - anything: {}\n      loop_control: {bad: 1}\n'))).toBe(false);
  });

  it('embeds the schemas of the real built-in modules and compiles', async () => {
    const builtins = await loadModuleRegistry({ playbookDirs: [], packages: [] });
    const schema = playbookSchema(builtins);
    const defs = schema.definitions as Record<string, unknown>;
    for (const n of builtins.names()) expect(defs).toHaveProperty(`module_${n}`);
    expect(() => new Ajv({ strict: false }).compile(schema)).not.toThrow();
  });
});

describe('module docs', () => {
  it('moduleDoc lists each argument with type, flags and description, and the example', () => {
    const text = moduleDoc(copy as AnyModule);
    expect(text).toContain('copy\n\nCopies content to a file.');
    expect(text).toMatch(/dest\s+string, required\n\s+Target path\./);
    expect(text).toMatch(/backup\s+boolean, default false/);
    expect(text).toMatch(/state\s+"present" \| "absent"/);
    expect(text).toContain('Example:\n  - copy: {dest: /x, content: hi}');
    expect(moduleDoc(ufw as AnyModule)).toMatch(/port\s+integer 1\.\.65535, required/);
    expect(moduleDoc(ufw as AnyModule)).toMatch(/comment\s+string, secret/);
    expect(moduleDoc(command as AnyModule)).toContain('Free form: `command: <text>` sets cmd.');
  });

  it('an argument with a default is not required: the default fills it', () => {
    const mod = defineModule({
      name: 'defaults',
      doc: 'd',
      example: '',
      args: Type.Object({ level: Type.Integer({ default: 3, description: 'How much.' }), name: Type.String({ description: 'Who.' }) }),
      gather: async () => null,
      plan: () => [],
      apply: async () => undefined,
    });
    const text = moduleDoc(mod as AnyModule);
    expect(text).toMatch(/level\s+integer, default 3\n/);
    expect(text).toMatch(/name\s+string, required\n/);
  });

  it('modulesMarkdown has a contents list and a section per module', () => {
    const md = modulesMarkdown(registry);
    expect(md).toContain('- [command](#command) — Runs a command.');
    expect(md).toContain('## ufw_rule');
    expect(md).toContain('| `dest` | string | required | Target path. |');
    expect(md.indexOf('## command')).toBeLessThan(md.indexOf('## copy'));
  });
});
