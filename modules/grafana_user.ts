// grafana_user: a Grafana (11.3) user with a password and a role in the main organisation, kept through
// the HTTP API with the server admin's basic authentication. Whether a password is right is learned by
// logging in with it (GET /api/user): Grafana never shows a stored password. The admin's own password is
// the exception: when it does not log in, the API is closed to us, and Grafana's CLI resets it.
// API: https://grafana.com/docs/grafana/v11.3/developers/http_api/user/ , .../http_api/admin/ , .../http_api/org/
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import {
  addToOrg,
  createUser,
  DEFAULT_GRAFANA_URL,
  deleteUser,
  lookupUser,
  orgRoleOf,
  passwordWorks,
  setOrgRole,
  setUserPassword,
  type GrafanaTarget,
} from './lib/grafana/api.js';
import { cliCanSet, GRAFANA_CLI, GRAFANA_OS_USER, resetAdminPassword } from './lib/grafana/cli.js';
import { MAIN_ORG_ID, ORG_ROLES, type OrgRole } from './lib/grafana/users.js';

const DEFAULT_ROLE: OrgRole = 'Viewer';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', default: DEFAULT_GRAFANA_URL, description: 'Where Grafana answers, as seen from the host the task runs on.' }),
    admin_user: Type.String({ minLength: 1, default: 'admin', description: "Login of the Grafana server admin the API calls are made as ([security] admin_user)." }),
    admin_password: Type.String({ minLength: 1, description: "The server admin's password (secret: never shown, sent to curl on stdin)." }),
    login: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 100, description: 'Login of the user to keep. When it is admin_user, the admin\'s own password is kept (see password).' }),
    password: Type.Optional(
      Type.String({
        minLength: 4,
        description:
          "The user's password (secret). Needed for state present; for admin_user it defaults to admin_password and must equal it. " +
          'Grafana refuses passwords under 4 characters.',
      }),
    ),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Display name given when the user is created (default: the login).' })),
    email: Type.Optional(Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', description: 'E-mail address given when the user is created (default: <login>@localhost).' })),
    role: Type.Optional(
      Type.Union(
        ORG_ROLES.map((r) => Type.Literal(r)),
        { description: `Role in the main organisation (id ${MAIN_ORG_ID}); default ${DEFAULT_ROLE}. Not managed for admin_user, who stays its Admin.` },
      ),
    ),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: the user exists with the password and role; absent: the user is deleted.' }),
    cli: Type.String({
      pattern: '^/',
      default: GRAFANA_CLI,
      description: "The package's grafana-cli wrapper, used only to reset admin_user's password when it does not log in.",
    }),
    cli_user: Type.String({
      pattern: '^[a-z_][a-z0-9_-]*$|^$',
      default: GRAFANA_OS_USER,
      description: "OS user grafana-cli runs as (runuser), so the files it touches stay the server's; empty: the task's own user.",
    }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

/** What gather learned. For admin_user only passwordWorks is looked at (the API is closed without it). */
export interface GrafanaUserState {
  exists: boolean;
  id: number | null;
  disabled: boolean;
  /** The password given logs in (false when none is given or the user does not exist). */
  passwordWorks: boolean;
  /** Role in the main organisation; null when not a member. */
  role: string | null;
}

export const ABSENT_USER: GrafanaUserState = { exists: false, id: null, disabled: false, passwordWorks: false, role: null };

interface RoleData {
  /** The user is not in the main organisation: add it rather than change its role. */
  add: boolean;
}

export type GrafanaUserChange = Change<'create'> | Change<'password'> | Change<'role', RoleData> | Change<'delete'> | Change<'reset-admin-password'>;

export function isAdminLogin(a: Pick<Args, 'login' | 'admin_user'>): boolean {
  return a.login === a.admin_user;
}

/** The password to keep: admin_user's defaults to admin_password. */
export function wantedPassword(a: Pick<Args, 'login' | 'admin_user' | 'password' | 'admin_password'>): string | undefined {
  return isAdminLogin(a) ? (a.password ?? a.admin_password) : a.password;
}

function target(a: Args): GrafanaTarget {
  return { url: a.url, admin: { name: a.admin_user, password: a.admin_password } };
}

/** Arguments that cannot be planned for, refused before any call. */
export function checkArgs(a: Args): void {
  if (isAdminLogin(a)) {
    if (a.state === 'absent') throw new ModuleError(`grafana_user: ${a.login} is the server admin (admin_user) and cannot be deleted`);
    if (a.password !== undefined && a.password !== a.admin_password) {
      throw new ModuleError(`grafana_user: ${a.login} is admin_user, whose password is admin_password: give the same value (or leave password out)`);
    }
    if (a.role !== undefined) throw new ModuleError(`grafana_user: the role of ${a.login} (admin_user) is not managed: it stays Admin of the main organisation`);
    if (!cliCanSet(a.admin_password)) throw new ModuleError(`grafana_user: the password of ${a.login} holds a line break, which grafana-cli cannot read from stdin`);
    return;
  }
  if (a.state === 'present' && a.password === undefined) throw new ModuleError(`grafana_user: password is needed to keep user ${a.login}`);
}

async function gatherAdmin(host: HostContext, a: Args): Promise<GrafanaUserState> {
  const works = await passwordWorks(host, a.url, { name: a.login, password: wantedPassword(a) ?? '' });
  // Without a working password nothing else can be read; the admin exists (Grafana made it at its first start).
  return { exists: true, id: null, disabled: false, passwordWorks: works, role: 'Admin' };
}

async function gatherUser(host: HostContext, a: Args): Promise<GrafanaUserState> {
  const t = target(a);
  const user = await lookupUser(host, t, a.login);
  if (!user) return ABSENT_USER;
  if (a.state === 'absent') return { ...ABSENT_USER, exists: true, id: user.id, disabled: user.isDisabled };
  const role = await orgRoleOf(host, t, user.id);
  // A disabled user cannot log in whatever its password; plan refuses it, so no login is tried.
  const works = !user.isDisabled && a.password !== undefined && (await passwordWorks(host, a.url, { name: a.login, password: a.password }));
  return { exists: true, id: user.id, disabled: user.isDisabled, passwordWorks: works, role };
}

const roleLine = (role: string | null): string => `role: ${role ?? `<not in organisation ${MAIN_ORG_ID}>`}\n`;

/** Pure: what to do. No text holds a password, only whether it logs in. */
export function planGrafanaUser(a: Args, s: GrafanaUserState): GrafanaUserChange[] {
  const target = `Grafana user ${a.login}`;
  if (isAdminLogin(a)) {
    if (s.passwordWorks) return [];
    return [
      {
        action: 'reset-admin-password',
        target,
        summary: `reset the password of ${a.login} with grafana-cli: the one given does not log in`,
        before: 'password: <password differs>\n',
        after: 'password: <password set>\n',
      },
    ];
  }
  if (a.state === 'absent') {
    return s.exists ? [{ action: 'delete', target, summary: `delete Grafana user ${a.login}`, before: `login: ${a.login}\n`, after: '' }] : [];
  }
  const role = a.role ?? DEFAULT_ROLE;
  if (!s.exists) {
    return [{ action: 'create', target, summary: `create Grafana user ${a.login} (${role}) with a password`, before: '', after: `login: ${a.login}\n${roleLine(role)}password: <password set>\n` }];
  }
  if (s.disabled) {
    throw new ModuleError(`grafana_user: Grafana user ${a.login} is disabled and cannot log in; enable it (Administration > Users) or delete it, grafana_user does not re-enable users`);
  }
  const out: GrafanaUserChange[] = [];
  if (!s.passwordWorks) out.push({ action: 'password', target, summary: `set a new password for Grafana user ${a.login}`, before: 'password: <password differs>\n', after: 'password: <password set>\n' });
  if (s.role !== role) {
    const add = s.role === null;
    out.push({
      action: 'role',
      target,
      summary: add ? `add Grafana user ${a.login} to organisation ${MAIN_ORG_ID} as ${role}` : `make Grafana user ${a.login} ${role} (was ${s.role})`,
      before: roleLine(s.role),
      after: roleLine(role),
      data: { add },
    });
  }
  return out;
}

function userId(a: Args, s: GrafanaUserState): number {
  if (s.id === null) throw new ModuleError(`grafana_user: no id known for Grafana user ${a.login}`);
  return s.id;
}

async function applyChange(host: HostContext, a: Args, s: GrafanaUserState, c: GrafanaUserChange): Promise<void> {
  const t = target(a);
  const role = a.role ?? DEFAULT_ROLE;
  const password = wantedPassword(a) ?? '';
  switch (c.action) {
    case 'create': {
      const id = await createUser(host, t, { login: a.login, name: a.name ?? a.login, email: a.email ?? `${a.login}@localhost`, password });
      // New users get auto_assign_org_role, whatever the server is configured with: set the one asked for.
      await setOrgRole(host, t, id, role);
      return;
    }
    case 'password':
      return setUserPassword(host, t, userId(a, s), password);
    case 'role':
      return c.data?.add ? addToOrg(host, t, a.login, role) : setOrgRole(host, t, userId(a, s), role);
    case 'delete':
      return deleteUser(host, t, userId(a, s));
    case 'reset-admin-password':
      await resetAdminPassword(host, a.cli, a.cli_user, password);
      // The CLI resets user id 1 in the database the wrapper's config names: prove it was this login, in this server's database.
      if (!(await passwordWorks(host, a.url, { name: a.login, password }))) {
        throw new ModuleError(`grafana-cli reset the admin password (user id 1), but ${a.login} still cannot log in at ${a.url}: is ${a.login} user id 1, and does ${a.cli} use the server's database?`);
      }
      return;
    default:
      return unknownChange(c);
  }
}

export default defineModule({
  name: 'grafana_user',
  doc:
    'Keeps a Grafana 11 user with a password and a role (Viewer, Editor or Admin) in the main organisation (id 1), or deletes it, ' +
    "through Grafana's HTTP API (curl on the host, configured on stdin) as the server admin (admin_user, admin_password). " +
    'The user is looked up by login (GET /api/users/lookup), its role read from GET /api/users/:id/orgs, and its password checked by ' +
    'logging in with it (GET /api/user): only a missing user (POST /api/admin/users), a password that does not log in ' +
    '(PUT /api/admin/users/:id/password) or another role (PATCH /api/orgs/1/users/:id, or POST /api/orgs/1/users when not a member) is changed. ' +
    "When login is admin_user, the admin's own password is kept: if it does not log in, the API cannot be used, and " +
    '`grafana-cli admin reset-admin-password --password-from-stdin`, run as the grafana user, resets it (user id 1), then the login is tried again. ' +
    'Passwords are never on a command line and never in plans, diffs or errors. A wrong password tried counts as one failed login for ' +
    "Grafana's brute-force protection (5 in 5 minutes block the login, which the module reports). A disabled user is refused, not re-enabled.",
  example: `- name: Grafana's read-only user
  grafana_user:
    admin_password: "{{ grafana_admin_password }}"
    login: viewer
    password: "{{ grafana_viewer_password }}"
    role: Viewer`,
  args,
  secretArgs: ['admin_password', 'password'],
  async gather(host, a) {
    checkArgs(a);
    return isAdminLogin(a) ? gatherAdmin(host, a) : gatherUser(host, a);
  },
  plan: planGrafanaUser,
  async apply(host, a, changes, s) {
    // In order: a created user gets its role right after, in the same change.
    for (const c of changes) await applyChange(host, a, s, c);
    return { data: { login: a.login, exists: a.state === 'present' } };
  },
  result(a) {
    return { login: a.login, exists: a.state === 'present' };
  },
});
