// snapper_snapshot: take a snapshot with a description (idempotent by description), delete
// snapshots, or look one up (`number: latest`) for restore playbooks.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import type { Change, Vars } from '../runner/types.js';
import { parseSnapshotList, type SnapperSnapshot } from './lib/snapper/output.js';
import { listSnapshots, SNAPPER_CONFIG_NAME, snapperArgv } from './lib/snapper/run.js';

const args = Type.Object(
  {
    config: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'The snapper config (OSM: the container name).' }),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Description of the snapshot to create, find or delete.' })),
    number: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('latest')], {
        description: 'Look up (state present) or delete (state absent) this snapshot; `latest` is the highest number (of those with description, if given).',
      }),
    ),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: create a snapshot with description (or, with number, only look it up); absent: delete the snapshots matching number or description.',
    }),
    cleanup: Type.Optional(
      Type.Union([Type.Literal('number'), Type.Literal('timeline'), Type.Literal('empty-pre-post')], {
        description: 'Cleanup algorithm recorded on a new snapshot, so snapper\'s cleanup may remove it later.',
      }),
    ),
    unique_description: Type.Boolean({
      default: true,
      description: 'true: a snapshot with this description already existing means ok (its number is returned). false: always create one (always changed).',
    }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface SnapshotsState {
  snapshots: SnapperSnapshot[];
}

/** The snapshots a lookup or delete means: by number (or latest) and/or description. */
export function selectSnapshots(a: Args, all: SnapperSnapshot[]): SnapperSnapshot[] {
  let picked = a.description === undefined ? all : all.filter((s) => s.description === a.description);
  if (a.number === 'latest') picked = picked.length ? [picked.reduce((x, y) => (y.number > x.number ? y : x))] : [];
  else if (a.number !== undefined) picked = picked.filter((s) => s.number === a.number);
  return picked;
}

function checkArgs(a: Args): void {
  if (new RegExp(SNAPPER_CONFIG_NAME).test(a.config) === false) throw new ModuleError(`snapper config name '${a.config}' is not allowed`);
  const absent = a.state === 'absent';
  if (absent && a.number === undefined && a.description === undefined) throw new ModuleError('state absent needs number or description');
  if (!absent && a.number === undefined && a.description === undefined) throw new ModuleError('state present needs description (to create) or number (to look up)');
}

export type SnapshotChange = Change<'delete', number[]> | Change<'create'>;

export function planSnapshot(a: Args, s: SnapshotsState): SnapshotChange[] {
  const picked = selectSnapshots(a, s.snapshots);
  if (a.state === 'absent') {
    if (!picked.length) return [];
    const numbers = picked.map((p) => p.number);
    return [{ action: 'delete', target: a.config, summary: `delete snapshot${numbers.length > 1 ? 's' : ''} ${numbers.join(' ')} of ${a.config}`, data: numbers }];
  }
  if (a.number !== undefined) {
    if (!picked.length) throw new ModuleError(`snapper config ${a.config}: no snapshot ${a.number}${a.description ? ` described '${a.description}'` : ''}`);
    return [];
  }
  if (a.unique_description && picked.length) return [];
  return [{ action: 'create', target: a.config, summary: `create snapshot '${a.description ?? ''}' of ${a.config}` }];
}

function describe(list: SnapperSnapshot[]): Vars[] {
  return list.map((s) => ({ number: s.number, date: s.date, description: s.description, cleanup: s.cleanup }));
}

export default defineModule({
  name: 'snapper_snapshot',
  doc:
    'Creates a snapper snapshot with a description and returns its number (`snapper --no-dbus create -p`). ' +
    'With unique_description (default) it is idempotent: a snapshot with the same description already there ' +
    'is ok and its number is returned; with unique_description false every run creates one (changed). ' +
    'With `number` (an integer or `latest`) and no creation it only looks the snapshot up, for restore ' +
    'playbooks; state absent deletes the matching snapshots. Registers `number`, `snapshot` and `snapshots` ' +
    '(number, date, description, cleanup of each).',
  example: [
    '- name: Snapshot before the upgrade',
    '  snapper_snapshot:',
    '    config: "{{ customer_name }}-svr"',
    '    description: "before upgrade {{ release }}"',
    '    cleanup: number',
    '  register: snap',
    '- name: Latest snapshot to restore from',
    '  snapper_snapshot: { config: "{{ customer_name }}-svr", number: latest }',
    '  register: latest',
  ].join('\n'),
  args,
  async gather(host, a): Promise<SnapshotsState> {
    checkArgs(a);
    // One call: `list` itself says when the config does not exist.
    const r = await host.exec({ argv: snapperArgv(a.config, '--jsonout', 'list') });
    if (r.exitCode !== 0) {
      if (/not found/i.test(r.stderr + r.stdout)) throw new ModuleError(`snapper config ${a.config} does not exist`);
      throw new ModuleError(`snapper -c ${a.config} list failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
    }
    return { snapshots: parseSnapshotList(r.stdout, a.config) };
  },
  plan: (a, s) => planSnapshot(a, s),
  async apply(host, a, changes) {
    // The plan is one change: it decides the whole apply.
    for (const c of changes) {
      switch (c.action) {
        case 'delete':
          await host.run(snapperArgv(a.config, 'delete', ...(c.data ?? []).map(String)));
          return { data: { snapshots: describe(await listSnapshots(host, a.config)) } };
        case 'create': {
          const cleanup = a.cleanup ? ['--cleanup-algorithm', a.cleanup] : [];
          const out = await host.run(snapperArgv(a.config, 'create', '--description', a.description ?? '', ...cleanup, '--print-number'));
          const number = Number(out.trim());
          if (!Number.isInteger(number)) throw new ModuleError(`snapper create printed no number: ${out.trim()}`);
          const snapshots = await listSnapshots(host, a.config);
          return { data: { number, snapshot: describe(snapshots.filter((s) => s.number === number))[0] ?? null, snapshots: describe(snapshots) } };
        }
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => {
    const picked = selectSnapshots(a.state === 'absent' ? a : { ...a, number: a.number ?? 'latest' }, s.snapshots);
    const hit = picked[0];
    return { number: hit?.number ?? null, snapshot: hit ? describe([hit])[0] : null, snapshots: describe(s.snapshots) };
  },
});
