// file: a path's kind (file, directory, link, absent, touch) and its mode/owner/group.
import { Type, type Static } from '@sinclair/typebox';
import type { StatResult } from '../runner/connection/types.js';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { applyAttributes, attributeChanges, formatMode, gatherAttributes, parseMode, type AttributeChange, type AttributeState } from '../runner/kit/index.js';
import { pathArgs, pathOf } from '../runner/kit/path-arg.js';
import type { Change } from '../runner/types.js';

const args = Type.Object(
  {
    ...pathArgs,
    state: Type.Union([Type.Literal('file'), Type.Literal('directory'), Type.Literal('absent'), Type.Literal('touch'), Type.Literal('link')], {
      default: 'file',
      description: 'file: an existing file gets the attributes (it is never created); directory: created with parents; absent: removed (recursively); touch: created empty or its times updated; link: a symlink to src.',
    }),
    src: Type.Optional(Type.String({ description: 'For state link: what the symlink points to.' })),
    force: Type.Boolean({ default: false, description: 'For state link: replace a regular file (never a directory) at path.' }),
    mode: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: "Permissions: '0755' (quote it) or symbolic 'u=rwX,g=rX,o='." })),
    owner: Type.Optional(Type.String({ description: 'Owner name (or uid).' })),
    group: Type.Optional(Type.String({ description: 'Group name (or gid).' })),
    recurse: Type.Boolean({ default: false, description: 'For state directory: apply mode/owner/group to everything below too.' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

/** One entry below a directory, for recurse: `find -printf '%m %U %G %y'`. */
export interface TreeEntry {
  mode: number;
  uid: number;
  gid: number;
  isDir: boolean;
}

export interface FileState {
  attrs: AttributeState;
  /** Symlink target when the path is a symlink. */
  linkTarget: string | null;
  /** With recurse: entries below the directory whose attributes differ, counted. */
  treeMismatches: number;
}

function kindOf(st: StatResult | null): string {
  if (!st) return 'absent';
  if (st.isSymlink) return 'link';
  if (st.isDir) return 'directory';
  return 'file';
}

const stateText = (kind: string, extra = '') => `state: ${kind}\n${extra}`;

/** What file plans; a recursive attributes change carries only the recurse flag. */
export type FileChange = Change<'delete' | 'mkdir' | 'create' | 'touch' | 'link'> | AttributeChange | Change<'attributes', { recurse: true }>;

export function planFile(a: Args, s: FileState): FileChange[] {
  const path = pathOf(a, 'file');
  const st = s.attrs.stat;
  const kind = kindOf(st);
  const attrs = { mode: a.mode, owner: a.owner, group: a.group };
  const transition = (action: 'delete' | 'mkdir' | 'create', to: string, summary: string, data?: unknown): FileChange => ({ action, target: path, summary, before: stateText(kind), after: stateText(to), data });

  switch (a.state) {
    case 'absent':
      if (path === '/' || path.replace(/\/+$/, '') === '') throw new ModuleError('file: refusing to remove /');
      return st ? [transition('delete', 'absent', `remove ${kind} ${path}`)] : [];
    case 'file':
      if (!st) throw new ModuleError(`file: ${path} does not exist (use state: touch to create it, or copy)`);
      if (kind === 'directory') throw new ModuleError(`file: ${path} is a directory, not a file`);
      return attributeChanges(path, attrs, s.attrs);
    case 'directory': {
      if (!st) return [transition('mkdir', 'directory', `create directory ${path}`)];
      if (kind !== 'directory') throw new ModuleError(`file: ${path} exists and is a ${kind}, not a directory`);
      const own = attributeChanges(path, attrs, s.attrs);
      if (a.recurse && s.treeMismatches > 0) {
        return [{ action: 'attributes', target: path, summary: `${path}: attributes of ${s.treeMismatches} entries below (recurse)`, data: { recurse: true } }];
      }
      return own;
    }
    case 'touch':
      if (!st) return [transition('create', 'file', `create empty file ${path}`)];
      return [{ action: 'touch', target: path, summary: `update times of ${path}` }, ...attributeChanges(path, attrs, s.attrs)];
    case 'link': {
      if (a.src === undefined) throw new ModuleError('file: state link needs src');
      if (kind === 'link' && s.linkTarget === a.src) return [];
      if (kind === 'directory') throw new ModuleError(`file: ${path} is a directory; will not replace it with a link`);
      if (kind === 'file' && !a.force) throw new ModuleError(`file: ${path} is a regular file; set force: true to replace it with a link`);
      return [{ action: 'link', target: path, summary: `link ${path} -> ${a.src}`, before: stateText(kind, s.linkTarget ? `src: ${s.linkTarget}\n` : ''), after: stateText('link', `src: ${a.src}\n`) }];
    }
  }
}

/** How many entries differ from the wanted attributes (the top directory included). */
export function countTreeMismatches(entries: TreeEntry[], a: Args, ids: { uid?: number | null; gid?: number | null }): number {
  let n = 0;
  for (const e of entries) {
    const modeDiffers = a.mode !== undefined && parseMode(a.mode, e.mode, e.isDir) !== e.mode;
    const ownerDiffers = a.owner !== undefined && ids.uid !== e.uid;
    const groupDiffers = a.group !== undefined && ids.gid !== e.gid;
    if (modeDiffers || ownerDiffers || groupDiffers) n += 1;
  }
  return n;
}

/** Parses `find -printf '%m %U %G %y\n'` output. */
export function parseTree(out: string): TreeEntry[] {
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [mode, uid, gid, type] = l.trim().split(' ');
      return { mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), isDir: type === 'd' };
    });
}

async function gatherFile(host: HostContext, a: Args): Promise<FileState> {
  const path = pathOf(a, 'file');
  const attrs = await gatherAttributes(host, path, a);
  let linkTarget: string | null = null;
  if (attrs.stat?.isSymlink) linkTarget = (await host.run(['readlink', '--', path])).replace(/\n$/, '');
  let treeMismatches = 0;
  const wantsAttrs = a.mode !== undefined || a.owner !== undefined || a.group !== undefined;
  if (a.recurse && attrs.stat?.isDir && wantsAttrs) {
    // Symlinks below are skipped: chmod on them would change their targets.
    const out = await host.run(['find', path, '!', '-type', 'l', '-printf', '%m %U %G %y\\n']);
    treeMismatches = countTreeMismatches(parseTree(out), a, attrs);
  }
  return { attrs, linkTarget, treeMismatches };
}

function isNumericMode(mode: string | number): boolean {
  return typeof mode === 'number' || /^(0o)?[0-7]{1,4}$/.test(mode.trim());
}

async function applyFile(host: HostContext, a: Args, changes: FileChange[]): Promise<void> {
  const path = pathOf(a, 'file');
  const attrs = { mode: a.mode, owner: a.owner, group: a.group };
  for (const c of changes) {
    switch (c.action) {
      case 'delete':
        await host.run(['rm', '-rf', '--', path]);
        break;
      case 'mkdir':
        // With only a numeric mode, one command instead of mkdir then chmod: over ssh every command
        // is a new session on the host (about 60 ms), and directory loops are common.
        if (a.mode !== undefined && isNumericMode(a.mode) && a.owner === undefined && a.group === undefined && !a.recurse) {
          await host.run(['mkdir', '-p', '-m', formatMode(parseMode(a.mode)), '--', path]);
          break;
        }
        await host.run(['mkdir', '-p', '--', path]);
        await applyAttributes(host, path, attrs, { recurse: a.recurse });
        break;
      case 'create':
        await host.run(['touch', '--', path]);
        await applyAttributes(host, path, attrs);
        break;
      case 'touch':
        await host.run(['touch', '--', path]);
        break;
      case 'link':
        // -n: replace a symlink to a directory instead of creating the link inside it.
        await host.run(['ln', '-sfn', '--', a.src ?? '', path]);
        break;
      case 'attributes':
        await applyAttributes(host, path, attrs, { recurse: a.recurse });
        break;
      default:
        unknownChange(c);
    }
  }
}

export default defineModule({
  name: 'file',
  doc:
    'Makes a path a file, directory or symlink, or removes it, and sets its mode, owner and group. ' +
    'Changed when the kind of the path or any attribute differs (with recurse, when anything below ' +
    'differs). state: touch always changes (it updates times), as in Ansible.',
  example: ['- name: Container directory', '  file:', '    path: /srv/osm-lxc/lxc/containers/{{ customer_name }}', '    state: directory', "    mode: '0755'"].join('\n'),
  args,
  gather: gatherFile,
  plan: planFile,
  async apply(host, a, changes) {
    await applyFile(host, a, changes);
  },
  result: (a, s) => ({ path: pathOf(a, 'file'), state: a.state, ...(s.attrs.stat ? { uid: s.attrs.stat.uid, gid: s.attrs.stat.gid } : {}) }),
});
