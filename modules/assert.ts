// assert: checks conditions and fails with a message when one does not hold.
import { Type } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import type { Vars } from '../runner/types.js';

const args = Type.Object(
  {
    that: Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Expressions (as in `when:`) that must all be true.' }),
    fail_msg: Type.Optional(Type.String({ description: 'Message when an expression is false.' })),
    msg: Type.Optional(Type.String({ description: 'Alias of fail_msg.' })),
    success_msg: Type.String({ default: 'All assertions passed', description: 'Message when all hold.' }),
    quiet: Type.Boolean({ default: false, description: 'Do not show the success message.' }),
  },
  { additionalProperties: false },
);

export interface AssertState {
  /** The first expression that was false, or undefined when all held. */
  failed?: string;
}

function truthy(v: unknown): boolean {
  if (typeof v === 'string') return !['', 'false', 'no', 'off', '0', 'none'].includes(v.trim().toLowerCase());
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

export default defineModule({
  name: 'assert',
  doc: 'Evaluates each expression of `that` with the task variables. Fails with `fail_msg` (or `msg`) at the first one that is false; otherwise ok, showing `success_msg` unless `quiet`.',
  example: ['- name: Port is free', '  assert:', '    that:', '      - mqtt_port not in used_ports', '    fail_msg: "port {{ mqtt_port }} is taken"'].join('\n'),
  args,
  controllerOnly: true,
  async gather(host, a): Promise<AssertState> {
    const exprs = typeof a.that === 'string' ? [a.that] : a.that;
    for (const e of exprs) {
      // Strip `{{ }}` around an expression, as Ansible tolerates it (with a warning).
      const expr = e.trim().replace(/^\{\{(.*)\}\}$/s, '$1');
      if (!truthy(host.evaluate(expr))) return { failed: e };
    }
    return {};
  },
  plan(a, s) {
    if (s.failed !== undefined) throw new ModuleError(a.fail_msg ?? a.msg ?? `Assertion failed: ${s.failed}`);
    return [];
  },
  async apply() {},
  result(a, _s): Vars {
    const msg = a.success_msg;
    return a.quiet ? { msg } : { msg, _display: msg };
  },
});
