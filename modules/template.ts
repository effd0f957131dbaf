// template: renders a controller-side Jinja2 template with the task's variables into a host file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { applyContentFile, contentFileArgs, gatherContentFile, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';

const args = Type.Object(
  {
    src: Type.String({ minLength: 1, description: "The template (.j2), looked up in the role's templates/ then the playbook's templates/ (relative) or used as is (absolute)." }),
    dest: Type.String({ minLength: 1, description: 'Path on the host.' }),
    force: Type.Boolean({ default: true, description: 'false: only create dest when missing, never replace its content.' }),
    ...contentFileArgs,
  },
  { additionalProperties: false },
);

/** template only writes the file: content and attribute changes, which applyContentFile checks exhaustively. */
export type TemplateChange = ContentFileChange;

export interface TemplateState extends ContentFileState {
  rendered: string;
}

function readTemplate(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModuleError(`template: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export default defineModule({
  name: 'template',
  doc:
    'Renders a Jinja2 template on the controller with the task variables (plus template_path and ' +
    'ansible_managed) and writes the result to the host like copy: atomically, validated when ' +
    '`validate` is given (the old file stays when validation fails). Changed when the rendered text or ' +
    'an attribute differs; --diff shows the text diff.',
  example: ['- name: nginx stream for the customer', '  template:', '    src: stream.conf.j2', '    dest: /etc/nginx/streams/{{ customer_name }}.conf', "    validate: 'nginx -t -c %s'"].join('\n'),
  args,
  async gather(host, a): Promise<TemplateState> {
    const file = host.findFile('templates', a.src);
    const extra = { template_path: file, template_destpath: a.dest, ansible_managed: 'Ansible managed' };
    const rendered = host.renderFile ? host.renderFile(file, extra) : host.render(readTemplate(file), extra);
    return { rendered, ...(await gatherContentFile(host, a.dest, a)) };
  },
  plan: (a, s): TemplateChange[] => planContentFile(a.dest, s.rendered, s, a, { force: a.force }),
  apply: (host, a, changes, s) => applyContentFile(host, a.dest, s.rendered, changes, s, a),
  result: (a, s) => ({ dest: a.dest, src: a.src, checksum: createHash('sha1').update(s.rendered).digest('hex'), size: Buffer.byteLength(s.rendered) }),
});
