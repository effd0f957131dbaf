// postgresql_user: a PostgreSQL login role with a password, in the host's (or container's) local
// cluster, through psql as the postgres OS user. The stored verifier is checked against the password
// in node, and a new one is made in node: the password never reaches a command line, the server or
// its log, and the plan shows only whether the password matches.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { parsePsqlBool, parsePsqlRows, PG_NAME, psqlConnectionArgs, runPsql, type PsqlTarget } from './lib/postgres/psql.js';
import { makeScramVerifier, saslprepKeeps, storedPasswordKind, verifyStoredPassword, type StoredPasswordKind } from './lib/postgres/scram.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: PG_NAME, description: 'Role name (lower case letters, digits, _; at most 63).' }),
    password: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The password (secret: never shown, never on a command line). Stored as a SCRAM-SHA-256 verifier made in node. ' +
          'Must be left alone by SASLprep (every ASCII password is). Omitted: the password is not managed.',
      }),
    ),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: the role exists with LOGIN (and the password); absent: DROP ROLE (fails while it owns objects).',
    }),
    db: Type.String({ pattern: PG_NAME, default: 'postgres', description: 'Database psql connects to (roles are cluster-wide).' }),
    ...psqlConnectionArgs,
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface PostgresUserState {
  exists: boolean;
  canLogin: boolean;
  /** What kind of password is stored (none, scram, md5, other). */
  passwordKind: StoredPasswordKind;
  /** The stored verifier accepts the given password (computed in gather: plan stays pure and secret-free). */
  passwordMatches: boolean;
}

export const ABSENT_ROLE: PostgresUserState = { exists: false, canLogin: false, passwordKind: 'none', passwordMatches: false };

/** Reads one role's row of pg_authid; the name goes in as the psql variable `name`. */
export const GATHER_SQL = "SELECT rolname, rolcanlogin, coalesce(rolpassword, '') FROM pg_catalog.pg_authid WHERE rolname = :'name';";

/** The state from gather's psql output (`rolname|t|verifier` or nothing), checking `password` against the verifier. */
export function parseRoleState(stdout: string, name: string, password: string | undefined): PostgresUserState {
  const row = parsePsqlRows(stdout, 3).find((r) => r[0] === name);
  if (!row) return ABSENT_ROLE;
  const stored = row[2] ?? '';
  return {
    exists: true,
    canLogin: parsePsqlBool(row[1] ?? ''),
    passwordKind: storedPasswordKind(stored),
    passwordMatches: password !== undefined && verifyStoredPassword(stored, password, name),
  };
}

/** Role changes: apply turns each into one SQL statement. */
export type PostgresUserChange = Change<'create'> | Change<'password'> | Change<'login'> | Change<'drop'>;

function passwordLine(s: PostgresUserState): string {
  if (s.passwordKind === 'none') return '<none>';
  return s.passwordMatches ? `<password set> (${s.passwordKind})` : `<password differs> (${s.passwordKind})`;
}

/** Pure: what to do. No text holds the password or a verifier, only whether it matches. */
export function planPostgresUser(a: Pick<Args, 'name' | 'state' | 'password'>, s: PostgresUserState): PostgresUserChange[] {
  const target = `role ${a.name}`;
  const describe = (login: boolean, pw: string): string => `role: ${a.name}\nlogin: ${login}\npassword: ${pw}\n`;
  const managed = a.password !== undefined;
  if (a.state === 'absent') {
    return s.exists ? [{ action: 'drop', target, summary: `drop role ${a.name}`, before: describe(s.canLogin, passwordLine(s)), after: '' }] : [];
  }
  if (!s.exists) {
    return [{ action: 'create', target, summary: `create login role ${a.name}${managed ? ' with a password' : ''}`, before: '', after: describe(true, managed ? '<password set> (scram)' : '<none>') }];
  }
  const out: PostgresUserChange[] = [];
  if (managed && !s.passwordMatches) {
    out.push({ action: 'password', target, summary: `set a new password for role ${a.name}`, before: `password: ${passwordLine(s)}\n`, after: 'password: <password set> (scram)\n' });
  } else if (managed && s.passwordKind === 'md5') {
    // Right password, old hash: Debian's pg_hba asks TCP clients for scram-sha-256, which an md5 hash cannot answer.
    out.push({ action: 'password', target, summary: `store role ${a.name}'s password as SCRAM-SHA-256 (it is md5)`, before: `password: ${passwordLine(s)}\n`, after: 'password: <password set> (scram)\n' });
  }
  if (!s.canLogin) out.push({ action: 'login', target, summary: `allow role ${a.name} to log in`, before: 'login: false\n', after: 'login: true\n' });
  return out;
}

/** The SQL of each change (variables: name, and verifier for create/password). */
export function changeSql(c: PostgresUserChange, withPassword: boolean): string {
  switch (c.action) {
    case 'create':
      return withPassword ? `CREATE ROLE :"name" LOGIN PASSWORD :'verifier';` : `CREATE ROLE :"name" LOGIN;`;
    case 'password':
      return `ALTER ROLE :"name" PASSWORD :'verifier';`;
    case 'login':
      return `ALTER ROLE :"name" LOGIN;`;
    case 'drop':
      return `DROP ROLE IF EXISTS :"name";`;
    default:
      return unknownChange(c);
  }
}

function target(a: Args): PsqlTarget {
  return { become_user: a.become_user, port: a.port, db: a.db };
}

export default defineModule({
  name: 'postgresql_user',
  doc:
    'Keeps a PostgreSQL login role with a password in the local cluster, or drops it. Runs `runuser -u postgres -- psql` ' +
    '(peer authentication over the local socket) with the SQL on stdin and the role name as a psql variable. The stored ' +
    'password (pg_authid.rolpassword: a SCRAM-SHA-256 verifier, or an older md5 hash, which is re-stored as SCRAM since clients asked for scram-sha-256 cannot log in with it) is ' +
    'checked against `password` in node; only a missing role, a password that does not match, or a role without LOGIN ' +
    'is changed. A new password is sent as a SCRAM-SHA-256 verifier made in node (random 16-byte salt, 4096 iterations), ' +
    'through a `\\set` line on stdin: the password is never on a command line, never reaches the server or its log, and ' +
    'plans and diffs only say whether it matches. PostgreSQL SASLprep-normalises passwords before hashing; a password ' +
    'SASLprep would change (some non-ASCII ones) is refused, every ASCII password is fine. Roles are cluster-wide; ' +
    '`state: absent` fails while the role still owns a database or other objects (drop those first).',
  example: `- name: ChirpStack's database role
  postgresql_user:
    name: chirpstack
    password: "{{ chirpstack_db_password }}"`,
  args,
  secretArgs: ['password'],
  async gather(host, a) {
    const out = await runPsql(host, target(a), { sql: [GATHER_SQL], vars: { name: a.name } });
    return parseRoleState(out, a.name, a.password);
  },
  plan(a, s) {
    if (a.state === 'present' && a.password !== undefined && !saslprepKeeps(a.password)) {
      throw new ModuleError(
        `postgresql_user: the password for ${a.name} would be changed by SASLprep (non-ASCII characters that are mapped or not NFKC-normalised); use an NFKC-normalised or ASCII password`,
      );
    }
    return planPostgresUser(a, s);
  },
  async apply(host, a, changes) {
    const withPassword = a.password !== undefined;
    const sql = changes.map((c) => changeSql(c, withPassword));
    const secretVars = changes.some((c) => c.action === 'password' || (c.action === 'create' && withPassword))
      ? { verifier: makeScramVerifier(a.password ?? '') }
      : undefined;
    await runPsql(host, target(a), { sql, vars: { name: a.name }, secretVars, singleTransaction: true });
    return { data: { name: a.name, exists: a.state === 'present' } };
  },
  result(a) {
    return { name: a.name, exists: a.state === 'present' };
  },
});
