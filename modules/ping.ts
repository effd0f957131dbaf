// ping: proves the host answers commands; returns `ping: pong` (or `data`, failing when data is 'crash').
import { Type } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError } from '../runner/module.js';

const args = Type.Object(
  { data: Type.String({ default: 'pong', description: "What to return as `ping`; 'crash' makes the task fail, as in Ansible." }) },
  { additionalProperties: false },
);

export default defineReadOnlyModule({
  name: 'ping',
  doc: 'Runs `true` on the host to show it is reachable and can run commands; returns `ping: pong`. Never changed.',
  example: ['- name: Host answers', '  ping:'].join('\n'),
  args,
  async gather(host, a) {
    if (a.data === 'crash') throw new ModuleError('ping: boom (data was crash)');
    await host.run(['true']);
    return null;
  },
  result: (a) => ({ ping: a.data }),
});
