// user: a local account present (uid, groups, shell, home, comment, password hash) or absent.
// Gathers with getent passwd/group/shadow in one shell call, plans pure, applies useradd/usermod/userdel.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, type HostContext } from '../runner/module.js';
import { wouldRun } from '../runner/kit/index.js';
import { ACCOUNT_NAME, parseGroupLine, runAccountChanges, type AccountChange, type GroupEntry } from './group.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: ACCOUNT_NAME, maxLength: 32, description: 'User name.' }),
    uid: Type.Optional(Type.Integer({ minimum: 0, description: 'Numeric user id.' })),
    group: Type.Optional(Type.String({ description: 'Primary group (name or gid); it must exist.' })),
    groups: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()], { description: "Supplementary groups: a list or a comma-separated string. '' or [] removes all (unless append)." })),
    append: Type.Boolean({ default: false, description: 'Add to groups without removing the user from others.' }),
    shell: Type.Optional(Type.String({ description: 'Login shell.' })),
    home: Type.Optional(Type.String({ description: 'Home directory.' })),
    create_home: Type.Boolean({ default: true, description: 'Create the home directory when the user is created.' }),
    move_home: Type.Boolean({ default: false, description: 'When home changes, move the old home there.' }),
    system: Type.Boolean({ default: false, description: 'Create a system account (uid from the system range, no home unless asked).' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present creates or updates the account; absent removes it.' }),
    remove: Type.Boolean({ default: false, description: 'With state absent: remove the home directory too (userdel -r).' }),
    force: Type.Boolean({ default: false, description: 'With state absent: userdel -f.' }),
    comment: Type.Optional(Type.String({ description: 'GECOS field (full name).' })),
    password: Type.Optional(Type.String({ description: "Password hash as in /etc/shadow (e.g. from `password_hash('sha512')`), never clear text. Secret." })),
    update_password: Type.Union([Type.Literal('always'), Type.Literal('on_create')], { default: 'always', description: 'always sets the hash when it differs; on_create only for new users.' }),
    password_lock: Type.Optional(Type.Boolean({ description: 'Lock (true) or unlock (false) the password.' })),
    non_unique: Type.Boolean({ default: false, description: 'Allow a uid another user has.' }),
    local: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility: accounts are always local here.' })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface UserState {
  user: { name: string; uid: number; gid: number; comment: string; home: string; shell: string } | null;
  /** Password hash from shadow, null when unreadable. */
  hash: string | null;
  /** Every group, to resolve names and membership. */
  groups: GroupEntry[];
}

/** `getent passwd NAME` line. */
export function parsePasswdLine(line: string): UserState['user'] {
  const f = line.trim().split(':');
  if (f.length < 7 || f[0] === '') return null;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f[6] };
}

// One command: passwd entry, a marker, all groups, a marker, the shadow hash.
const GATHER = 'getent passwd "$1"; echo "--groups--"; getent group; echo "--shadow--"; getent shadow "$1" 2>/dev/null | cut -d: -f2';

export function parseUserGather(out: string): UserState {
  const [pw = '', rest = ''] = out.split('--groups--\n');
  const [grp = '', shadow = ''] = rest.split('--shadow--\n');
  const groups = grp.split('\n').map(parseGroupLine).filter((g): g is GroupEntry => g !== null);
  const hash = shadow.trim();
  return { user: parsePasswdLine(pw.split('\n')[0] ?? ''), hash: hash === '' ? null : hash, groups };
}

export function wantedGroups(a: Args): string[] | undefined {
  if (a.groups === undefined) return undefined;
  const list = Array.isArray(a.groups) ? a.groups : a.groups.split(',');
  return list.map((g) => g.trim()).filter((g) => g !== '');
}

function groupGid(groups: GroupEntry[], g: string): number | undefined {
  if (/^\d+$/.test(g)) return Number(g);
  return groups.find((e) => e.name === g)?.gid;
}

/** The useradd/usermod options for what differs; [] when nothing does. */
export function userOptions(a: Args, s: UserState): { opts: string[]; what: string[] } {
  const u = s.user;
  const opts: string[] = [];
  const what: string[] = [];
  const add = (o: string[], w: string) => {
    opts.push(...o);
    what.push(w);
  };
  if (a.uid !== undefined && a.uid !== u?.uid) add(['-u', String(a.uid), ...(a.non_unique ? ['-o'] : [])], 'uid');
  if (a.group !== undefined && (!u || groupGid(s.groups, a.group) !== u.gid)) add(['-g', a.group], 'group');
  const want = wantedGroups(a);
  if (want !== undefined) {
    const current = u ? s.groups.filter((g) => g.members.includes(a.name) && g.gid !== u.gid).map((g) => g.name) : [];
    const missing = want.filter((g) => !current.includes(g) && !(u && groupGid(s.groups, g) === u.gid));
    const extra = a.append ? [] : current.filter((g) => !want.includes(g));
    if (missing.length > 0 || extra.length > 0 || (!u && want.length > 0)) add(['-G', want.join(','), ...(a.append && u ? ['-a'] : [])], 'groups');
  }
  if (a.shell !== undefined && a.shell !== u?.shell) add(['-s', a.shell], 'shell');
  if (a.home !== undefined && a.home !== u?.home) add(['-d', a.home, ...(u && a.move_home ? ['-m'] : [])], 'home');
  if (a.comment !== undefined && a.comment !== u?.comment) add(['-c', a.comment], 'comment');
  if (a.password !== undefined && (!u || (a.update_password === 'always' && a.password !== s.hash))) add(['-p', a.password], 'password');
  if (u && a.password_lock !== undefined) {
    const locked = s.hash?.startsWith('!') ?? false;
    if (locked !== a.password_lock) add([a.password_lock ? '-L' : '-U'], a.password_lock ? 'lock' : 'unlock');
  }
  return { opts, what };
}

/** What user plans: each change carries the argv that makes it (as group's). */
export type UserChange = AccountChange;

export function planUser(a: Args, s: UserState): UserChange[] {
  const u = s.user;
  // The summary never shows the password hash.
  const shown = (argv: string[]) => wouldRun(argv.map((v, i) => (argv[i - 1] === '-p' ? '********' : v)));
  const mk = (action: UserChange['action'], argv: string[], before: string, after: string): UserChange[] => [{ action, target: a.name, summary: shown(argv), data: argv, before, after }];
  if (a.state === 'absent') return u ? mk('delete', ['userdel', ...(a.remove ? ['-r'] : []), ...(a.force ? ['-f'] : []), a.name], 'state: present\n', 'state: absent\n') : [];
  const { opts, what } = userOptions(a, s);
  if (!u) {
    const home = a.create_home && !a.system ? ['-m'] : a.create_home && a.home !== undefined ? ['-m'] : ['-M'];
    return mk('create', ['useradd', ...(a.system ? ['-r'] : []), ...home, ...opts, a.name], 'state: absent\n', 'state: present\n');
  }
  if (opts.length === 0) return [];
  return mk('modify', ['usermod', ...opts, a.name], `changed: ${what.join(', ')}\n`, `changed: ${what.join(', ')}\n`);
}

async function gatherUser(host: HostContext, a: Args): Promise<UserState> {
  return parseUserGather((await host.exec({ argv: ['sh', '-c', GATHER, 'user', a.name] })).stdout);
}

export default defineModule({
  name: 'user',
  doc:
    'Keeps a local account present with the given uid, primary group, supplementary groups (append or exact), shell, home, comment and ' +
    'password hash, or absent. Gathers passwd, group and shadow entries in one command; uses useradd, usermod and userdel. ' +
    'Changed when the account was created, removed or any given field differs.',
  example: ['- user:', '    name: osm', '    groups: [adm]', '    append: true', '    shell: /bin/bash'].join('\n'),
  args,
  secretArgs: ['password'],
  gather: gatherUser,
  plan: planUser,
  async apply(host, _a, changes) {
    await runAccountChanges(host, changes);
  },
  result: (a, s) => {
    const u = s.user;
    if (a.state === 'absent') return { name: a.name, state: 'absent' };
    return { name: a.name, state: 'present', uid: a.uid ?? u?.uid, group: u?.gid, home: a.home ?? u?.home, shell: a.shell ?? u?.shell, system: a.system };
  },
});
