// btrfs_subvolume: a btrfs subvolume (or snapshot) present or absent; absent also removes the
// subvolumes nested in it (snapper's .snapshots), deepest first.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { nestedSubvolumes, parseShowId, parseShowPath, parseSubvolumeList } from './lib/btrfs/output.js';
import { parseProbe, PROBE_SCRIPT } from './lib/btrfs/probe.js';

const args = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'Absolute path of the subvolume.' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present creates it (or the snapshot); absent deletes it and every subvolume nested in it.',
    }),
    snapshot_of: Type.Optional(
      Type.String({ pattern: '^/', description: 'Create the subvolume as a snapshot of this subvolume (only when it does not exist yet).' }),
    ),
    readonly: Type.Optional(
      Type.Boolean({ description: 'Make the subvolume read-only (true) or writable (false); unset leaves it as it is.' }),
    ),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface SubvolumeState {
  exists: boolean;
  /** Filesystem type of the path, or of its nearest existing parent. */
  fsType: string;
  readonly?: boolean;
  /** Nested subvolumes, deepest first (gathered only for state absent). */
  nested: string[];
}

/** Normalised, without a trailing slash (btrfs and our change targets compare paths as text). */
function cleanPath(p: string): string {
  return posix.normalize(p).replace(/(.)\/+$/, '$1');
}

/** Inode 256 is the root directory of every btrfs subvolume. */
const SUBVOLUME_INODE = '256';

async function gatherSubvolume(host: HostContext, a: Pick<Args, 'path' | 'state'>): Promise<SubvolumeState> {
  const path = cleanPath(a.path);
  const wantNested = a.state === 'absent';
  const r = await host.exec({ argv: ['/bin/sh', '-c', PROBE_SCRIPT, 'sh', path, wantNested ? 'nested' : ''] });
  if (r.exitCode !== 0) throw new ModuleError(`inspecting ${path} failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  const probe = parseProbe(r.stdout);
  if (probe.fsType !== 'btrfs') {
    throw new ModuleError(`${path}: filesystem is ${probe.fsType}, not btrfs (stat -f -c %T ${probe.existing}); subvolumes need btrfs`);
  }
  if (probe.existing !== path) return { exists: false, fsType: probe.fsType, nested: [] };
  if (probe.inode !== SUBVOLUME_INODE) throw new ModuleError(`${path} exists but is a plain directory or file, not a btrfs subvolume`);
  const state: SubvolumeState = { exists: true, fsType: probe.fsType, readonly: probe.readonly ?? false, nested: [] };
  if (wantNested) {
    try {
      state.nested = nestedSubvolumes(path, parseShowId(probe.show ?? ''), parseShowPath(probe.show ?? ''), parseSubvolumeList(probe.list ?? ''));
    } catch (e) {
      throw new ModuleError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return state;
}

/** What btrfs_subvolume plans: apply() handles exactly these. */
export type SubvolumeChange = Change<'delete'> | Change<'snapshot'> | Change<'create'> | Change<'set-readonly', boolean>;

export function planSubvolume(a: Pick<Args, 'path' | 'state' | 'snapshot_of' | 'readonly'>, s: SubvolumeState): SubvolumeChange[] {
  const path = cleanPath(a.path);
  if (a.state === 'absent') {
    if (!s.exists) return [];
    return [
      ...s.nested.map((n): SubvolumeChange => ({ action: 'delete', target: n, summary: `delete nested subvolume ${n}` })),
      { action: 'delete', target: path, summary: `delete subvolume ${path}` },
    ];
  }
  if (!s.exists) {
    if (a.snapshot_of) {
      const ro = a.readonly ? 'read-only ' : '';
      return [{ action: 'snapshot', target: path, summary: `create ${ro}snapshot ${path} of ${a.snapshot_of}` }];
    }
    const changes: SubvolumeChange[] = [{ action: 'create', target: path, summary: `create subvolume ${path}` }];
    if (a.readonly) changes.push({ action: 'set-readonly', target: path, summary: `make ${path} read-only`, data: true });
    return changes;
  }
  if (a.readonly !== undefined && a.readonly !== s.readonly) {
    return [{ action: 'set-readonly', target: path, summary: `make ${path} ${a.readonly ? 'read-only' : 'writable'}`, data: a.readonly }];
  }
  return [];
}

export default defineModule({
  name: 'btrfs_subvolume',
  doc:
    'Ensures a btrfs subvolume exists (created empty, or as a snapshot of another subvolume) or is gone. ' +
    'It is changed when it creates or deletes a subvolume or flips its read-only flag. absent deletes the ' +
    'subvolumes nested inside it first, deepest first (e.g. snapper\'s .snapshots). It fails clearly when the ' +
    "path is not on btrfs, or exists as a plain directory.",
  example: [
    '- name: Customer storage',
    '  btrfs_subvolume:',
    '    path: /srv/osm-lxc/lxc/containers/acme-svr',
    '- name: Read-only copy',
    '  btrfs_subvolume:',
    '    path: /srv/osm-lxc/lxc/deleted/acme-svr-final',
    '    snapshot_of: /srv/osm-lxc/lxc/containers/acme-svr',
    '    readonly: true',
  ].join('\n'),
  args,
  gather: (host, a) => gatherSubvolume(host, a),
  plan: (a, s) => planSubvolume(a, s),
  async apply(host, a, changes) {
    const deletes = changes.filter((c) => c.action === 'delete').map((c) => c.target);
    if (deletes.length) await host.run(['btrfs', 'subvolume', 'delete', ...deletes]);
    for (const c of changes) {
      switch (c.action) {
        case 'delete':
          break; // all at once, above
        case 'create':
          await host.run(['btrfs', 'subvolume', 'create', c.target]);
          break;
        case 'snapshot':
          // planned only with snapshot_of
          if (a.snapshot_of) await host.run(['btrfs', 'subvolume', 'snapshot', ...(a.readonly ? ['-r'] : []), a.snapshot_of, c.target]);
          break;
        case 'set-readonly':
          await host.run(['btrfs', 'property', 'set', '-ts', c.target, 'ro', c.data === true ? 'true' : 'false']);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s, changes) => {
    const absent = a.state === 'absent';
    const ro = changes.find((c) => c.action === 'set-readonly')?.data;
    return {
      path: cleanPath(a.path),
      exists: !absent,
      readonly: absent ? false : typeof ro === 'boolean' ? ro : (s.readonly ?? Boolean(a.snapshot_of && a.readonly)),
    };
  },
});
