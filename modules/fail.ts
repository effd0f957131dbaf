// fail: stops the host with a message (usually under a `when:`).
import { Type } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';

const args = Type.Object(
  { msg: Type.String({ default: 'Failed as requested from task', description: 'The failure message.' }) },
  { additionalProperties: false },
);

export default defineModule({
  name: 'fail',
  doc: 'Fails the task with `msg` (default "Failed as requested from task"). Use it with `when:` to stop a host on a condition.',
  example: ['- name: Refuse an existing customer', '  fail:', '    msg: "customer {{ customer_name }} already exists"', '  when: customer_name in existing'].join('\n'),
  args,
  controllerOnly: true,
  async gather() {
    return null;
  },
  plan: (a) => {
    throw new ModuleError(a.msg);
  },
  async apply() {},
});
