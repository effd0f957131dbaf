// unarchive: unpacks a tar (any compression GNU tar reads) or zip archive into an existing directory,
// with the host's tar and unzip. The archive is on the controller (copied over first) or, with
// remote_src, already on the host. Changed when a member is missing from dest (or creates is absent).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { OnlyChange } from '../runner/types.js';
import { globToRegExp } from './lib/find/select.js';

const args = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The archive: on the controller (files/ is searched), or on the host with remote_src.' }),
    dest: Type.String({ pattern: '^/', description: 'Existing directory on the host to unpack into.' }),
    remote_src: Type.Boolean({ default: false, description: 'src is already on the host.' }),
    creates: Type.Optional(Type.String({ description: 'Do nothing when this path exists on the host.' })),
    exclude: Type.Union([Type.String(), Type.Array(Type.String())], { default: [], description: 'Members (or globs) not to unpack.' }),
    list_files: Type.Boolean({ default: false, description: 'Return the archive\'s members as `files`.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export type ArchiveKind = 'tar' | 'zip';

export interface UnarchiveState {
  kind: ArchiveKind;
  /** Controller path when the archive is copied over, else null. */
  localSrc: string | null;
  members: string[];
  /** Members not present under dest. */
  missing: string[];
  /** creates exists: nothing to do. */
  created: boolean;
}

/** The one change: unpack the archive into dest. */
export type UnarchiveChange = OnlyChange<'unpack'>;

export function archiveKind(src: string): ArchiveKind {
  if (/\.zip$/i.test(src)) return 'zip';
  if (/\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst|lz|lzma|Z))$/i.test(src)) return 'tar';
  throw new ModuleError(`unarchive: cannot tell the format of ${src}: expected .zip, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz or .tar.zst`);
}

export function listArgv(kind: ArchiveKind, archive: string): string[] {
  return kind === 'zip' ? ['unzip', '-Z1', '--', archive] : ['tar', '-tf', archive];
}

export function excludes(a: Args): string[] {
  return Array.isArray(a.exclude) ? a.exclude : [a.exclude];
}

export function extractArgv(kind: ArchiveKind, archive: string, dest: string, exclude: string[]): string[] {
  if (kind === 'zip') return ['unzip', '-o', '-q', archive, '-d', dest, ...(exclude.length ? ['-x', ...exclude] : [])];
  return ['tar', '-xf', archive, '-C', dest, ...exclude.map((e) => `--exclude=${e}`)];
}

/** Member names from a listing: `./` prefixes and directory slashes dropped, empty lines gone. */
export function parseListing(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.replace(/^\.\//, '').replace(/\/+$/, ''))
    .filter((l) => l !== '' && l !== '.');
}

export function planUnarchive(a: Args, s: UnarchiveState): UnarchiveChange[] {
  if (s.created || s.missing.length === 0) return [];
  return [{ action: 'unpack', target: a.dest, summary: `unpack ${a.src} into ${a.dest} (${s.missing.length} of ${s.members.length} members missing)` }];
}

async function gatherUnarchive(host: HostContext, a: Args): Promise<UnarchiveState> {
  const kind = archiveKind(a.src);
  const dest = await host.stat(a.dest);
  if (!dest?.isDir) throw new ModuleError(`unarchive: dest ${a.dest} must be an existing directory`);
  const created = a.creates !== undefined && (await host.stat(a.creates)) !== null;
  const localSrc = a.remote_src ? null : host.findFile('files', a.src);
  let listing: string;
  if (localSrc !== null) {
    try {
      listing = execFileSync(listArgv(kind, localSrc)[0], listArgv(kind, localSrc).slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new ModuleError(`unarchive: cannot read ${localSrc} on the controller: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
    }
  } else {
    if (!(await host.stat(a.src))) throw new ModuleError(`unarchive: ${a.src} does not exist on the host (remote_src)`);
    listing = await host.run(listArgv(kind, a.src));
  }
  const skip = excludes(a);
  const members = parseListing(listing).filter((m) => !skip.some((x) => globToRegExp(x).test(m)));
  const missing: string[] = [];
  for (const m of members) if (!(await host.stat(posix.join(a.dest, m)))) missing.push(m);
  return { kind, localSrc, members, missing, created };
}

export default defineModule({
  name: 'unarchive',
  doc:
    'Unpacks a tar (gz, bz2, xz, zst: whatever GNU tar reads) or zip archive into an existing directory with the host\'s tar or unzip. ' +
    'The archive comes from the controller (looked up in files/ first) and is copied to a temp file on the host, or with remote_src is ' +
    'already there. Changed when a member of the archive is missing under dest (existing files are not compared), unless creates exists.',
  example: ['- unarchive:', '    src: site.tar.gz', '    dest: /srv/www', '    creates: /srv/www/index.html'].join('\n'),
  args,
  gather: gatherUnarchive,
  plan: planUnarchive,
  async apply(host, a, changes, s) {
    for (const c of changes) {
      switch (c.action) {
        case 'unpack':
          break; // done below, with the archive copied over first when it is on the controller
        default:
          unknownChange(c);
      }
    }
    let archive = a.src;
    if (s.localSrc !== null) {
      const out = await host.run(['mktemp', '--suffix', posix.basename(a.src).replace(/^[^.]*/, '')]);
      archive = out.trim();
      // A scratch copy in mktemp's file, removed below: not a live file, so no atomic write path.
      await host.writeFile(archive, readFileSync(s.localSrc), { mode: 0o600 });
    }
    try {
      await host.run(extractArgv(s.kind, archive, a.dest, excludes(a)));
    } finally {
      if (s.localSrc !== null) await host.exec({ argv: ['rm', '-f', '--', archive] });
    }
  },
  result: (a, s) => ({ dest: a.dest, src: a.src, handler: s.kind === 'zip' ? 'ZipArchive' : 'TgzArchive', ...(a.list_files ? { files: s.members } : {}) }),
});
