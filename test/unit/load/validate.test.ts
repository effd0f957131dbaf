// validatePlaybook against a small registry of test modules: unknown modules, unknown or mistyped
// arguments (with positions and fields), templated arguments left for run time, notify targets.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { checkArgs, normalizeArgs } from '../../../runner/load/args-check.js';
import { formatDiagnostic } from '../../../runner/load/errors.js';
import { ModuleRegistry } from '../../../runner/load/modules.js';
import { validatePlaybook } from '../../../runner/load/validate.js';
import { defineModule, type AnyModule } from '../../../runner/module.js';
import { loadTree } from './fixture.js';

const noop = { async gather() { return null; }, plan() { return []; }, async apply() {} };

const copy = defineModule({
  name: 'copy', doc: 'copy', example: '',
  args: Type.Object({
    dest: Type.String(),
    content: Type.Optional(Type.String()),
    mode: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    backup: Type.Optional(Type.Boolean()),
    state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
    owner: Type.Optional(Type.Object({ name: Type.String(), uid: Type.Optional(Type.Integer()) })),
  }),
  ...noop,
});
const command = defineModule({
  name: 'command', doc: 'command', example: '', freeForm: 'cmd',
  args: Type.Object({ cmd: Type.String(), chdir: Type.Optional(Type.String()), creates: Type.Optional(Type.String()) }),
  ...noop,
});
const setFact = defineModule({
  name: 'set_fact', doc: 'set_fact', example: '',
  args: Type.Record(Type.String(), Type.Unknown()),
  ...noop,
});
const ufw = defineModule({
  name: 'ufw_rule', doc: 'ufw', example: '',
  args: Type.Object({ port: Type.Integer({ minimum: 1, maximum: 65535 }), proto: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp')])) }),
  ...noop,
});
const defaulted = defineModule({
  name: 'defaulted', doc: 'TypeBox lists an argument with a default as required', example: '',
  args: Type.Object({ root: Type.String({ default: '/srv' }), n: Type.Integer() }),
  ...noop,
});
const registry = new ModuleRegistry([copy, command, setFact, ufw, defaulted] as AnyModule[]);

async function problems(tasks: string, handlers = ''): Promise<string[]> {
  const pb = await loadTree({ 'site.yml': `- hosts: all\n  tasks:\n${tasks}${handlers ? `  handlers:\n${handlers}` : ''}` });
  return validatePlaybook(pb, registry).map((d) => formatDiagnostic(d).replace(/^.*site\.yml:/, '') + (d.field ? ` [${d.field}]` : ''));
}

describe('validatePlaybook', () => {
  it.each([
    ['a valid task', '    - copy: {dest: /x, content: hi, mode: "0644"}\n', []],
    ['unknown module with a suggestion', '    - name: x\n      cpy: {dest: /x}\n', ["4:7: unknown module 'cpy' (did you mean 'copy'?) [cpy]"]],
    ['unknown module that looks like a keyword', '    - name: x\n      whn: y\n', ["4:7: unknown module 'whn' (or a misspelt keyword: did you mean 'when'?) [whn]"]],
    ['unknown argument', '    - copy:\n        dest: /x\n        contnet: hi\n', ["5:9: copy: unknown argument 'contnet' for copy (did you mean 'content'?) [copy.contnet]"]],
    ['missing required argument at the module key', '    - name: no dest\n      copy: {content: hi}\n', ["4:7: copy: missing required argument 'dest' [copy.dest]"]],
    ['wrong type at the argument', '    - copy: {dest: /x, backup: maybe}\n', ["3:24: copy: argument 'backup' must be boolean [copy.backup]"]],
    ['union of types said once', '    - copy: {dest: /x, mode: [1]}\n', ["3:24: copy: argument 'mode' must be string or integer [copy.mode]"]],
    ['union of literals said once', '    - copy: {dest: /x, state: gone}\n', ['3:24: copy: argument \'state\' must be "present" or "absent" [copy.state]']],
    ['nested field named in full', '    - copy: {dest: /x, owner: {name: a, uid: x}}\n', ["3:24: copy: argument 'owner.uid' must be integer [copy.owner.uid]"]],
    ['strings coerced as the executor will', '    - ufw_rule: {port: "22"}\n    - copy: {dest: /x, backup: "yes", content: 12}\n', []],
    ['an argument with a default is not missing', '    - defaulted: {n: 1}\n', []],
    ['an argument without one is', '    - defaulted: {root: /x}\n', ["3:7: defaulted: missing required argument 'n' [defaulted.n]"]],
    ['range', '    - ufw_rule: {port: 70000}\n', ["3:18: ufw_rule: argument 'port' must be <= 65535 [ufw_rule.port]"]],
    ['templated argument left for run time', '    - ufw_rule: {port: "{{ mqtt_port }}", proto: "{{ p }}"}\n', []],
    ['templated free-form left for run time', '    - command: "{{ cmd }}"\n', []],
    ['free form fills the module free-form argument', '    - command: chdir=/srv ls -l\n', []],
    ['args: keyword checked too', '    - command: ls\n      args: {chdr: /srv}\n', ["4:14: command: unknown argument 'chdr' for command (did you mean 'chdir'?) [command.chdr]"]],
    ['free form to a module without one', '    - copy: dest=/x hello\n', ["3:13: copy: 'copy' takes no free-form string; give its arguments as a mapping [copy._raw_params]"]],
    ['free form k=v typed', '    - ufw_rule: port=22 proto=tcp\n', []],
    ['open schema accepts any argument', '    - set_fact: {anything: 1, other: x}\n', []],
    ['ansible.builtin. prefix', '    - ansible.builtin.copy: {dest: /x}\n', []],
    ['meta is the executor\'s', '    - meta: flush_handlers\n', []],
  ])('%s', async (_name, tasks, expected) => {
    expect(await problems(tasks)).toEqual(expected);
  });

  it('validates tasks inside blocks, roles-style nesting and statically named includes', async () => {
    const pb = await loadTree({
      'site.yml': '- hosts: all\n  tasks:\n    - block:\n        - copy: {}\n      rescue:\n        - include_tasks: inc.yml\n',
      'inc.yml': '- ufw_rule: {port: 0}\n',
    });
    const got = validatePlaybook(pb, registry).map((d) => formatDiagnostic(d).replace(/^.*\//, ''));
    expect(got).toEqual(["site.yml:4:11: copy: missing required argument 'dest'", "inc.yml:1:14: ufw_rule: argument 'port' must be >= 1"]);
  });

  it('checks notify against handler names, role-qualified names and listen topics', async () => {
    const got = await problems(
      '    - copy: {dest: /x}\n      notify: [restart web, certs changed, "{{ dyn }}", restrat db]\n',
      '    - name: restart web\n      copy: {dest: /y}\n    - name: restart db\n      copy: {dest: /z}\n      listen: certs changed\n',
    );
    expect(got).toEqual(["4:7: notify: no handler named 'restrat db' in this play (did you mean 'restart db'?) [notify]"]);
  });
});

describe('checkArgs at run time', () => {
  it('coerces templated strings to the declared types when asked', () => {
    const args = normalizeArgs(ufw, { port: '8883', proto: 'tcp' });
    expect(checkArgs(ufw, args, { coerce: true })).toEqual([]);
    expect(args.port).toBe(8883);
  });

  it('fills defaults in place only when coercing', () => {
    const given = { n: 1 };
    expect(checkArgs(defaulted, given)).toEqual([]);
    expect(given).toEqual({ n: 1 });
    expect(checkArgs(defaulted, given, { coerce: true })).toEqual([]);
    expect(given).toEqual({ n: 1, root: '/srv' });
  });

  it('maps the free-form string to the module free-form argument', () => {
    expect(normalizeArgs(command, { _raw_params: 'ls', chdir: '/' })).toEqual({ cmd: 'ls', chdir: '/' });
  });
});
