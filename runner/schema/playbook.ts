// The playbook grammar as JSON Schema (draft-07, what yaml-language-server reads), printed by
// `osm-play schema`. Keywords come from runner/load/keywords.ts; module arguments from the registry.
import type { AnyModule } from '../module.js';
import { META_ACTIONS, MODULE_PREFIXES } from '../load/keywords.js';
import type { ModuleRegistry } from '../load/modules.js';
import { allowTemplates, closeObject, plainSchema, relaxDefaults, TEMPLATE_REF, YAML_BOOL_REF, type JsonSchema } from './templated.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const str = (description: string): JsonSchema => ({ type: 'string', description });
const VAR_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

const common: Record<string, JsonSchema> = {
  name: str('Shown in the progress and the recap.'),
  when: { ...ref('condition'), description: 'Jinja2 condition(s); all must hold.' },
  tags: { ...ref('string_list'), description: 'Tags for --tags/--skip-tags.' },
  vars: ref('vars'),
  become: { ...ref('bool'), description: 'Run with privilege escalation.' },
  become_user: str('User to become (default root).'),
  become_method: { enum: ['sudo', 'su'], description: 'How to become the user.' },
  ignore_errors: { ...ref('boolish'), description: 'Carry on when the task fails.' },
  no_log: { ...ref('boolish'), description: 'Hide arguments and results from every output.' },
};

const loops: Record<string, JsonSchema> = {
  loop: { anyOf: [{ type: 'array' }, TEMPLATE_REF], description: 'Run once per item (as `item`).' },
  with_items: { anyOf: [{ type: 'array' }, { type: 'string' }], description: 'Like loop, flattening one level.' },
  with_dict: { anyOf: [{ type: 'object' }, TEMPLATE_REF], description: 'Loop over key/value pairs (item.key, item.value).' },
  loop_control: ref('loop_control'),
};

const taskKeywords: Record<string, JsonSchema> = {
  ...common,
  ...loops,
  register: { type: 'string', pattern: VAR_NAME, description: 'Variable to store the result in.' },
  notify: { ...ref('string_list'), description: 'Handlers (names or listen topics) to run when the task changed something.' },
  listen: { ...ref('string_list'), description: 'Handlers only: topics this handler answers to.' },
  failed_when: ref('condition'),
  changed_when: ref('condition'),
  until: ref('condition'),
  retries: ref('numberish'),
  delay: ref('numberish'),
  args: { type: 'object', description: 'Module arguments, merged under the ones on the module key.' },
  delegate_to: str('Run this task on another host.'),
  run_once: { ...ref('bool'), description: 'Run on the first host only.' },
};

function definitions(): Record<string, JsonSchema> {
  return {
    template: { type: 'string', pattern: '\\{\\{|\\{%', description: 'A Jinja2 template, rendered at run time.' },
    yaml_bool: { enum: ['yes', 'no', 'Yes', 'No', 'YES', 'NO', 'on', 'off', 'On', 'Off', 'ON', 'OFF', 'true', 'false', 'True', 'False'] },
    bool: { anyOf: [{ type: 'boolean' }, YAML_BOOL_REF] },
    boolish: { anyOf: [{ type: 'boolean' }, YAML_BOOL_REF, TEMPLATE_REF] },
    numberish: { anyOf: [{ type: 'number', minimum: 0 }, TEMPLATE_REF] },
    condition: { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }] },
    string_list: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    vars: { type: 'object', propertyNames: { pattern: VAR_NAME }, description: 'Variables for this scope.' },
    loop_control: {
      type: 'object', additionalProperties: false,
      properties: { loop_var: { type: 'string', pattern: VAR_NAME }, index_var: { type: 'string', pattern: VAR_NAME }, label: { type: 'string' }, pause: { type: 'number', minimum: 0 } },
    },
    task_list: { type: 'array', items: ref('task_item') },
    task_item: { anyOf: [ref('block'), ref('include_tasks'), ref('import_tasks'), ref('task')] },
    block: {
      type: 'object', required: ['block'], additionalProperties: false,
      properties: { ...common, block: ref('task_list'), rescue: ref('task_list'), always: ref('task_list') },
    },
    include_tasks: {
      type: 'object', required: ['include_tasks'], additionalProperties: false,
      properties: { ...common, ...loops, include_tasks: { type: 'string', description: 'Task file read at run time (may be templated).' } },
    },
    import_tasks: {
      type: 'object', required: ['import_tasks'], additionalProperties: false,
      properties: { ...common, import_tasks: { type: 'string', description: 'Task file inlined at load time.' } },
    },
    role_entry: {
      anyOf: [
        { type: 'string' },
        { type: 'object', required: ['role'], properties: { role: { type: 'string' }, ...common }, description: 'Other keys are role parameters.' },
      ],
    },
    param: {
      type: 'object',
      description: 'JSON Schema of a -e parameter, plus required/secret.',
      properties: {
        required: { type: 'boolean', description: 'The operator must pass it with -e.' },
        secret: { type: 'boolean', description: 'Never shown in any output.' },
        description: { type: 'string' },
        type: { enum: ['string', 'integer', 'number', 'boolean', 'array', 'object'] },
      },
    },
    play: {
      type: 'object', required: ['hosts'], additionalProperties: false,
      properties: {
        name: str('Shown in the progress.'),
        hosts: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Host pattern(s): all, a group, a:b, a:&b, a:!b.' },
        connection: { enum: ['local', 'ssh', 'lxc'] },
        vars: ref('vars'),
        vars_files: { type: 'array', items: { type: 'string' }, description: 'YAML/JSON files of variables, relative to the playbook.' },
        roles: { type: 'array', items: ref('role_entry') },
        pre_tasks: ref('task_list'),
        tasks: ref('task_list'),
        post_tasks: ref('task_list'),
        handlers: ref('task_list'),
        tags: ref('string_list'),
        become: ref('bool'),
        become_user: { type: 'string' },
        become_method: { enum: ['sudo', 'su'] },
        gather_facts: ref('bool'),
        serial: { type: 'integer', minimum: 1 },
        any_errors_fatal: ref('bool'),
        params: { type: 'object', propertyNames: { pattern: VAR_NAME }, additionalProperties: ref('param'), description: 'Parameters passed with -e, checked before the run.' },
        modules: { ...ref('string_list'), description: 'npm packages to load modules from.' },
      },
    },
    import_playbook: {
      type: 'object', required: ['import_playbook'], additionalProperties: false,
      properties: { import_playbook: { type: 'string' }, name: { type: 'string' }, vars: ref('vars'), tags: ref('string_list') },
    },
  };
}

/** How a module key's value may look: its argument mapping, a free-form string, or nothing. */
function moduleValue(mod: AnyModule): JsonSchema {
  const relaxed = relaxDefaults(plainSchema(mod.args));
  const args = allowTemplates(closeObject(relaxed));
  const forms: JsonSchema[] = [args, { type: 'string', description: 'Free-form arguments (k=v pairs, or the command line).' }];
  const required = (relaxed.required as unknown[] | undefined) ?? [];
  if (required.length === 0) forms.push({ type: 'null' });
  return { anyOf: forms, description: mod.doc.split('\n')[0] };
}

/** The JSON Schema of playbooks; with a registry, module keys and their arguments are checked too. */
export function playbookSchema(registry?: ModuleRegistry): JsonSchema {
  const defs = definitions();
  const moduleProps: Record<string, JsonSchema> = {
    meta: { enum: [...META_ACTIONS], description: 'Executor actions: flush_handlers, noop, end_play, end_host.' },
  };
  for (const name of registry?.names() ?? []) {
    const mod = registry?.get(name);
    if (!mod) continue;
    defs[`module_${name}`] = moduleValue(mod);
    moduleProps[name] = ref(`module_${name}`);
    for (const p of MODULE_PREFIXES) moduleProps[`${p}${name}`] = ref(`module_${name}`);
  }
  const task: JsonSchema = { type: 'object', properties: { ...taskKeywords, ...moduleProps } };
  if (registry) {
    // Exactly one module key per task.
    task.additionalProperties = false;
    task.oneOf = Object.keys(moduleProps).map((k) => ({ required: [k] }));
  }
  defs.task = task;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://osm-play.invalid/playbook.schema.json',
    title: 'osm-play playbook',
    description: 'A list of plays (Ansible dialect, osm-play subset).',
    type: 'array',
    items: { anyOf: [ref('import_playbook'), ref('play')] },
    definitions: defs,
  };
}
