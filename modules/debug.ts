// debug: shows a message or a variable's value; never changes anything.
import { Type } from '@sinclair/typebox';
import { defineReadOnlyModule } from '../runner/module.js';
import type { Vars } from '../runner/types.js';

const args = Type.Object(
  {
    msg: Type.Unknown({ default: 'Hello world!', description: 'The message to show (any value; templates are rendered before the module sees it).' }),
    var: Type.Optional(Type.String({ description: 'A variable name (or expression) whose value to show, instead of msg.' })),
    verbosity: Type.Integer({ minimum: 0, default: 0, description: 'Only show at this -v level or above.' }),
  },
  { additionalProperties: false },
);

export interface DebugState {
  /** What to show, or undefined when the -v level is too low. */
  shown?: { key: string; value: unknown };
}

export default defineReadOnlyModule({
  name: 'debug',
  doc: 'Shows `msg` (default "Hello world!") or the value of `var` in the run output. Always ok, never changed. With `verbosity: N` it shows only at -v level N or higher.',
  example: ['- name: Show the address', '  debug:', '    msg: "{{ customer_name }} has {{ ip }}"'].join('\n'),
  args,
  controllerOnly: true,
  async gather(host, a): Promise<DebugState> {
    const level = Number(host.vars['ansible_verbosity'] ?? 0);
    if (a.verbosity > level) return {};
    if (a.var !== undefined) {
      let value: unknown;
      try {
        value = host.evaluate(a.var);
      } catch (err) {
        value = `VARIABLE IS NOT DEFINED! (${err instanceof Error ? err.message : String(err)})`;
      }
      return { shown: { key: a.var, value } };
    }
    return { shown: { key: 'msg', value: a.msg } };
  },
  result(_a, s): Vars {
    if (!s.shown) return { skipped_reason: 'verbosity threshold not met' };
    // `_display` is what the run output shows under the task line; the executor removes it from the registered value.
    return { [s.shown.key]: s.shown.value, _display: s.shown.key === 'msg' ? s.shown.value : { [s.shown.key]: s.shown.value } };
  },
});
