// set_fact: sets host variables for the rest of the run (they rank above play and inventory vars).
import { Type } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import type { Vars } from '../runner/types.js';

const args = Type.Object(
  {
    cacheable: Type.Optional(Type.Boolean({ description: 'Accepted for Ansible compatibility; facts live for the run either way.' })),
  },
  { additionalProperties: Type.Unknown({ description: 'Each key is a variable to set to its (rendered) value.' }) },
);

/** The facts to set: every argument except cacheable. */
export function factsFrom(a: Record<string, unknown>): Vars {
  const facts: Vars = {};
  for (const [k, v] of Object.entries(a)) {
    if (k === 'cacheable') continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ModuleError(`set_fact: '${k}' is not a valid variable name`);
    facts[k] = v;
  }
  if (Object.keys(facts).length === 0) throw new ModuleError('set_fact: give at least one variable to set');
  return facts;
}

export default defineModule({
  name: 'set_fact',
  doc: 'Sets each given key as a host variable for the rest of the run, above play and inventory vars and below extra vars. Always ok: setting a fact changes nothing on the host. Works in check mode too.',
  example: ['- name: Remember the container address', '  set_fact:', '    container_ip: "{{ lease.ip }}"'].join('\n'),
  args,
  controllerOnly: true,
  async gather() {
    return null;
  },
  plan: (a) => {
    factsFrom(a);
    return [];
  },
  async apply() {},
  result: (a) => ({ ansible_facts: factsFrom(a) }),
});
