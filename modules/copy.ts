// copy: a file on the host gets given content, or the content of a controller-side file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, type HostContext } from '../runner/module.js';
import { applyContentFile, contentFileArgs, gatherContentFile, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';

const args = Type.Object(
  {
    dest: Type.String({ minLength: 1, description: 'Path on the host. Ending in / means "into this directory", keeping the name of src.' }),
    content: Type.Optional(Type.String({ description: 'The file content (instead of src).' })),
    src: Type.Optional(Type.String({ description: "A controller-side file, looked up in the role's files/ then the playbook's files/ (relative) or used as is (absolute). Directories are not supported." })),
    remote_src: Type.Boolean({ default: false, description: 'src is a file on the host, not on the controller.' }),
    force: Type.Boolean({ default: true, description: 'false: only create dest when missing, never replace its content.' }),
    ...contentFileArgs,
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

/** copy only writes the file: content and attribute changes, which applyContentFile checks exhaustively. */
export type CopyChange = ContentFileChange;

export interface CopyState extends ContentFileState {
  dest: string;
  desired: Buffer;
}

/** Where the content goes: dest, or dest/basename(src) when dest ends in '/'. */
export function copyDest(a: Args): string {
  if (!a.dest.endsWith('/')) return a.dest;
  if (a.src === undefined) throw new ModuleError('copy: dest ending in / needs src (to take the file name from)');
  return a.dest + basename(a.src);
}

async function desiredContent(host: HostContext, a: Args): Promise<Buffer> {
  if ((a.content === undefined) === (a.src === undefined)) throw new ModuleError('copy: give exactly one of content or src');
  if (a.content !== undefined) return Buffer.from(a.content, 'utf8');
  const src = a.src ?? '';
  if (a.remote_src) {
    const st = await host.stat(src);
    if (st?.isDir) throw new ModuleError(`copy: src ${src} is a directory; copying directories is not supported`);
    const data = await host.conn.readFile(src, { become: host.become });
    if (data === null) throw new ModuleError(`copy: src ${src} does not exist on ${host.name}`);
    return data;
  }
  const file = host.findFile('files', src);
  try {
    return readFileSync(file);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    if (code === 'EISDIR') throw new ModuleError(`copy: src ${file} is a directory; copying directories is not supported`);
    throw new ModuleError(`copy: cannot read src ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export default defineModule({
  name: 'copy',
  doc:
    'Puts content (given inline or read from a controller-side file) into a file on the host, written ' +
    'atomically (temp file, optional validate, rename) with mode/owner/group. Changed when the content ' +
    'or an attribute differs; --diff shows the text diff.',
  example: ['- name: Mosquitto listener', '  copy:', '    dest: /etc/mosquitto/conf.d/osm.conf', '    content: |', '      listener 1883', "    mode: '0644'"].join('\n'),
  args,
  async gather(host, a): Promise<CopyState> {
    const dest = copyDest(a);
    const desired = await desiredContent(host, a);
    return { dest, desired, ...(await gatherContentFile(host, dest, a)) };
  },
  plan: (a, s): CopyChange[] => planContentFile(s.dest, s.desired, s, a, { force: a.force }),
  apply: (host, a, changes, s) => applyContentFile(host, s.dest, s.desired, changes, s, a),
  result: (a, s) => ({ dest: s.dest, ...(a.src !== undefined ? { src: a.src } : {}), checksum: createHash('sha1').update(s.desired).digest('hex'), size: s.desired.length }),
});
