// slurp: reads a file from the host and returns it base64-encoded, as Ansible does.
import { Type } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError } from '../runner/module.js';

const args = Type.Object(
  {
    src: Type.Optional(Type.String({ minLength: 1, description: 'The file on the host to read.' })),
    path: Type.Optional(Type.String({ description: 'Alias of src.' })),
  },
  { additionalProperties: false },
);

export default defineReadOnlyModule({
  name: 'slurp',
  doc: 'Reads a file on the host and registers `content` (base64), `encoding: base64` and `source`. Decode with `| b64decode`. Never changed; fails when the file is missing.',
  example: ['- slurp:', '    src: /etc/hostname', '  register: hn'].join('\n'),
  args,
  async gather(host, a) {
    const src = a.src ?? a.path;
    if (src === undefined) throw new ModuleError('slurp: src is required');
    const data = await host.conn.readFile(src, { become: host.become });
    if (data === null) throw new ModuleError(`slurp: file not found: ${src}`);
    return data;
  },
  result: (a, data) => ({ content: data.toString('base64'), encoding: 'base64', source: a.src ?? a.path }),
});
