// fetch: copies a file from the host to the controller, into dest/HOSTNAME/PATH (or dest itself with
// flat), as Ansible does. Changed when the controller's copy was missing or differed (SHA-1).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { tempBeside } from '../runner/kit/temp-beside.js';
import type { OnlyChange } from '../runner/types.js';

const args = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The file on the host (a file, not a directory).' }),
    dest: Type.String({ minLength: 1, description: 'A directory on the controller; the file lands in dest/HOSTNAME/SRC unless flat.' }),
    flat: Type.Boolean({ default: false, description: 'Save to dest itself (or dest/BASENAME when dest ends with /), without the host name and path.' }),
    fail_on_missing: Type.Boolean({ default: true, description: 'Fail when src does not exist; false reports it and goes on.' }),
    validate_checksum: Type.Boolean({ default: true, description: 'Check the saved copy against the host\'s checksum.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface FetchState {
  /** The host's file, or null when missing. */
  remote: Buffer | null;
  /** Where it goes on the controller. */
  dest: string;
  /** The controller's current copy, or null. */
  local: Buffer | null;
}

/** The one change: the host's file (its content) saved on the controller at target. */
export type FetchChange = OnlyChange<'fetch', Buffer>;

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Where the file goes: Ansible's dest/HOST/SRC, or with flat dest (dest/BASENAME when dest ends with /). */
export function fetchDest(a: Args, hostName: string, baseDir: string): string {
  const dest = isAbsolute(a.dest) ? a.dest : resolve(baseDir, a.dest);
  if (a.flat) return a.dest.endsWith('/') ? join(dest, posix.basename(a.src)) : dest;
  const src = posix.isAbsolute(a.src) ? a.src : `/${a.src}`;
  return join(dest, hostName, posix.normalize(src));
}

export function planFetch(a: Args, s: FetchState): FetchChange[] {
  if (s.remote === null) {
    if (a.fail_on_missing) throw new ModuleError(`fetch: the remote file does not exist: ${a.src}`);
    return [];
  }
  if (s.local !== null && sha1(s.local) === sha1(s.remote)) return [];
  return [{ action: 'fetch', target: s.dest, summary: `fetch ${a.src} to ${s.dest}`, data: s.remote }];
}

function readLocal(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ModuleError(`fetch: cannot read ${path} on the controller: ${(e as Error).message}`);
  }
}

/** Writes the controller's copy through a temp file beside it, so a reader never sees half a file. */
function saveLocal(path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempBeside(path);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

async function gatherFetch(host: HostContext, a: Args): Promise<FetchState> {
  const st = await host.stat(a.src);
  if (st?.isDir) throw new ModuleError(`fetch: ${a.src} is a directory; fetch copies single files (use synchronize/rsync for trees)`);
  const remote = st ? await host.conn.readFile(a.src, { become: host.become }) : null;
  const baseDir = typeof host.vars['playbook_dir'] === 'string' ? host.vars['playbook_dir'] : process.cwd();
  const dest = fetchDest(a, host.name, baseDir);
  return { remote, dest, local: readLocal(dest) };
}

export default defineModule({
  name: 'fetch',
  doc:
    'Copies a file from the host to the controller: into dest/HOSTNAME/SRC, or to dest itself with flat (dest/BASENAME when dest ends with /). ' +
    'A relative dest is taken from the playbook\'s directory. The copy is written atomically; changed when it was missing or its SHA-1 differed. ' +
    'A missing src fails unless fail_on_missing is false. Directories are refused.',
  example: ['- fetch:', '    src: /etc/osm/site.conf', '    dest: backups/'].join('\n'),
  args,
  gather: gatherFetch,
  plan: planFetch,
  async apply(_host, _a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'fetch':
          if (c.data) saveLocal(c.target, c.data);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => {
    if (s.remote === null) return { file: a.src, dest: s.dest, msg: 'the remote file does not exist, not transferring, ignored' };
    const sum = sha1(s.remote);
    return { file: a.src, dest: s.dest, checksum: sum, remote_checksum: sum, md5sum: md5(s.remote), remote_md5sum: null };
  },
});
