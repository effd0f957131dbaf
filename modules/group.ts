// group: a local group present (with a gid) or absent. Gathers with `getent group`, applies with
// groupadd/groupmod/groupdel.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange, type HostContext } from '../runner/module.js';
import { wouldRun } from '../runner/kit/index.js';
import type { Change } from '../runner/types.js';

export const ACCOUNT_NAME = '^[a-z_][a-z0-9_.-]*\\$?$';

const args = Type.Object(
  {
    name: Type.String({ pattern: ACCOUNT_NAME, maxLength: 32, description: 'Group name.' }),
    gid: Type.Optional(Type.Integer({ minimum: 0, description: 'Numeric group id to have.' })),
    system: Type.Boolean({ default: false, description: 'Create it as a system group (gid from the system range).' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present creates it (or fixes its gid); absent removes it.' }),
    local: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility: groups are always local here.' })),
    non_unique: Type.Boolean({ default: false, description: 'Allow a gid another group has.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** One `getent group` line: name:x:gid:member,member. */
export function parseGroupLine(line: string): GroupEntry | null {
  const f = line.trim().split(':');
  if (f.length < 3 || f[0] === '') return null;
  return { name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter((m) => m !== '') };
}

/** What group and user plan: each change carries the argv (groupadd/useradd, …mod, …del) that makes it. */
export type AccountChange = Change<'create', string[]> | Change<'modify', string[]> | Change<'delete', string[]>;
export type GroupChange = AccountChange;

/** apply of group and user: runs each change's argv, in order. */
export async function runAccountChanges(host: HostContext, changes: readonly AccountChange[]): Promise<void> {
  for (const c of changes) {
    switch (c.action) {
      case 'create':
      case 'modify':
      case 'delete':
        if (c.data) await host.run(c.data);
        break;
      default:
        unknownChange(c);
    }
  }
}

export function planGroup(a: Args, g: GroupEntry | null): GroupChange[] {
  const run = (action: GroupChange['action'], argv: string[]): GroupChange[] => [{ action, target: a.name, summary: wouldRun(argv), data: argv, before: g ? `gid: ${g.gid}\n` : 'state: absent\n', after: action === 'delete' ? 'state: absent\n' : `gid: ${a.gid ?? (g ? g.gid : '(new)')}\n` }];
  const nonUnique = a.non_unique ? ['-o'] : [];
  if (a.state === 'absent') return g ? run('delete', ['groupdel', a.name]) : [];
  if (!g) return run('create', ['groupadd', ...(a.system ? ['-r'] : []), ...(a.gid !== undefined ? ['-g', String(a.gid), ...nonUnique] : []), a.name]);
  if (a.gid !== undefined && a.gid !== g.gid) return run('modify', ['groupmod', '-g', String(a.gid), ...nonUnique, a.name]);
  return [];
}

export default defineModule({
  name: 'group',
  doc: 'Keeps a local group present with the given gid, or absent. Gathers with `getent group NAME`; uses groupadd, groupmod and groupdel. Changed when the group was created, removed or its gid changed.',
  example: ['- group:', '    name: osm', '    gid: 990', '    system: true'].join('\n'),
  args,
  async gather(host, a) {
    const r = await host.exec({ argv: ['getent', 'group', a.name] });
    return r.exitCode === 0 ? parseGroupLine(r.stdout.split('\n')[0] ?? '') : null;
  },
  plan: planGroup,
  async apply(host, _a, changes) {
    await runAccountChanges(host, changes);
  },
  result: (a, g) => ({ name: a.name, state: a.state, ...(a.state === 'present' ? { gid: a.gid ?? g?.gid, system: a.system } : {}) }),
});
