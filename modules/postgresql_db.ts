// postgresql_db: a PostgreSQL database with an owner and extensions, in the host's (or container's)
// local cluster, through psql as the postgres OS user. Names reach the SQL as psql variables.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { parsePsqlRows, PG_EXTENSION, PG_NAME, psqlConnectionArgs, runPsql, type PsqlTarget } from './lib/postgres/psql.js';

/** The database psql connects to for CREATE/ALTER/DROP DATABASE and for reading pg_database. */
export const MAINTENANCE_DB = 'postgres';

const args = Type.Object(
  {
    name: Type.String({ pattern: PG_NAME, description: 'Database name (lower case letters, digits, _; at most 63).' }),
    owner: Type.Optional(Type.String({ pattern: PG_NAME, description: 'Owning role (must exist: create it with postgresql_user first). Omitted: the owner is not managed (a new database belongs to the role psql runs as, postgres).' })),
    extensions: Type.Array(Type.String({ pattern: PG_EXTENSION }), {
      default: [],
      description: 'Extensions to have in the database (CREATE EXTENSION IF NOT EXISTS … CASCADE, in this order). Others are never dropped.',
    }),
    encoding: Type.String({ pattern: '^[A-Za-z0-9_]{1,32}$', default: 'UTF8', description: "Encoding for a new database (TEMPLATE template0). An existing database's encoding is never changed; it is registered as `encoding`." }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: the database exists (owner, extensions); absent: DROP DATABASE (fails while sessions are connected to it).',
    }),
    ...psqlConnectionArgs,
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface PostgresDbState {
  exists: boolean;
  owner: string | null;
  encoding: string | null;
  /** Installed extensions; read only when the database exists and extensions are wanted. */
  extensions: string[];
}

export const ABSENT_DB: PostgresDbState = { exists: false, owner: null, encoding: null, extensions: [] };

/** Reads the database's row; the name goes in as the psql variable `name`. */
export const GATHER_DB_SQL =
  "SELECT datname, pg_catalog.pg_get_userbyid(datdba), pg_catalog.pg_encoding_to_char(encoding) FROM pg_catalog.pg_database WHERE datname = :'name';";
/** Run in the database itself. */
export const GATHER_EXTENSIONS_SQL = 'SELECT extname FROM pg_catalog.pg_extension ORDER BY extname;';

/** The state from the pg_database query's output (`name|owner|encoding` or nothing). */
export function parseDbRow(stdout: string, name: string): PostgresDbState {
  const row = parsePsqlRows(stdout, 3).find((r) => r[0] === name);
  return row ? { exists: true, owner: row[1] ?? null, encoding: row[2] ?? null, extensions: [] } : ABSENT_DB;
}

/** Extension names, one a line. */
export function parseExtensions(stdout: string): string[] {
  return parsePsqlRows(stdout, 1).map((r) => r[0] ?? '');
}

/** Database changes. `extension` carries the extension's name. */
export type PostgresDbChange = Change<'create'> | Change<'owner'> | Change<'extension', string> | Change<'drop'>;

/** Pure: what to do. */
export function planPostgresDb(a: Pick<Args, 'name' | 'owner' | 'extensions' | 'encoding' | 'state'>, s: PostgresDbState): PostgresDbChange[] {
  const target = `database ${a.name}`;
  if (a.state === 'absent') {
    return s.exists ? [{ action: 'drop', target, summary: `drop database ${a.name}`, before: `database: ${a.name}\nowner: ${s.owner ?? ''}\n`, after: '' }] : [];
  }
  const out: PostgresDbChange[] = [];
  if (!s.exists) {
    const owner = a.owner === undefined ? '' : ` owned by ${a.owner}`;
    out.push({
      action: 'create',
      target,
      summary: `create database ${a.name}${owner} (${a.encoding})`,
      before: '',
      after: `database: ${a.name}\nowner: ${a.owner ?? '<the psql user>'}\nencoding: ${a.encoding}\n`,
    });
  } else if (a.owner !== undefined && a.owner !== s.owner) {
    out.push({ action: 'owner', target, summary: `change the owner of database ${a.name} to ${a.owner}`, before: `owner: ${s.owner ?? ''}\n`, after: `owner: ${a.owner}\n` });
  }
  const installed = new Set(s.exists ? s.extensions : []);
  for (const ext of new Set(a.extensions)) {
    if (installed.has(ext)) continue;
    out.push({ action: 'extension', target, summary: `create extension ${ext} in database ${a.name}`, before: '', after: `extension: ${ext}\n`, data: ext });
  }
  return out;
}

/**
 * The two psql scripts of apply: statements on the maintenance database (each in its own transaction:
 * CREATE DATABASE cannot run in one) and statements in the database itself, with their variables.
 */
export function applyScripts(a: Pick<Args, 'name' | 'owner' | 'encoding'>, changes: readonly PostgresDbChange[]): {
  cluster: { sql: string[]; vars: Record<string, string> };
  inDb: { sql: string[]; vars: Record<string, string> };
} {
  const clusterVars: Record<string, string> = { name: a.name, encoding: a.encoding };
  if (a.owner !== undefined) clusterVars.owner = a.owner;
  const cluster: string[] = [];
  const inDb: string[] = [];
  const dbVars: Record<string, string> = {};
  for (const c of changes) {
    switch (c.action) {
      case 'create':
        cluster.push(`CREATE DATABASE :"name"${a.owner === undefined ? '' : ' OWNER :"owner"'} ENCODING :'encoding' TEMPLATE template0;`);
        break;
      case 'owner':
        cluster.push('ALTER DATABASE :"name" OWNER TO :"owner";');
        break;
      case 'drop':
        cluster.push('DROP DATABASE IF EXISTS :"name";');
        break;
      case 'extension': {
        const v = `ext${inDb.length}`;
        dbVars[v] = c.data ?? '';
        inDb.push(`CREATE EXTENSION IF NOT EXISTS :"${v}" CASCADE;`);
        break;
      }
      default:
        unknownChange(c);
    }
  }
  return { cluster: { sql: cluster, vars: clusterVars }, inDb: { sql: inDb, vars: dbVars } };
}

function psqlTarget(a: Args, db: string): PsqlTarget {
  return { become_user: a.become_user, port: a.port, db };
}

export default defineModule({
  name: 'postgresql_db',
  doc:
    'Keeps a PostgreSQL database in the local cluster, with its owner and extensions, or drops it. Runs ' +
    '`runuser -u postgres -- psql` (peer authentication over the local socket) with the SQL on stdin and every name as a ' +
    'psql variable. Gathers the database from pg_database (and, when it exists and extensions are asked for, pg_extension ' +
    'in it). A missing database is created WITH OWNER, ENCODING and TEMPLATE template0; a different owner is changed ' +
    'with ALTER DATABASE … OWNER TO; each missing extension is created with CREATE EXTENSION IF NOT EXISTS … CASCADE ' +
    "(its files must be installed: pg_trgm and hstore come with Debian's postgresql package). Extensions not listed " +
    "are left alone, and an existing database's encoding is never changed. `state: absent` drops the database, which " +
    'fails while sessions are connected to it.',
  example: `- name: ChirpStack's database
  postgresql_db:
    name: chirpstack
    owner: chirpstack
    extensions: [pg_trgm, hstore]`,
  args,
  async gather(host, a) {
    const s = parseDbRow(await runPsql(host, psqlTarget(a, MAINTENANCE_DB), { sql: [GATHER_DB_SQL], vars: { name: a.name } }), a.name);
    if (!s.exists || a.state !== 'present' || a.extensions.length === 0) return s;
    return { ...s, extensions: parseExtensions(await runPsql(host, psqlTarget(a, a.name), { sql: [GATHER_EXTENSIONS_SQL] })) };
  },
  plan: planPostgresDb,
  async apply(host, a, changes) {
    const { cluster, inDb } = applyScripts(a, changes);
    if (cluster.sql.length > 0) await runPsql(host, psqlTarget(a, MAINTENANCE_DB), cluster);
    if (inDb.sql.length > 0) await runPsql(host, psqlTarget(a, a.name), { ...inDb, singleTransaction: true });
  },
  result(a, s) {
    return {
      name: a.name,
      exists: a.state === 'present',
      owner: a.state === 'present' ? (a.owner ?? s.owner) : null,
      encoding: a.state === 'present' ? (s.encoding ?? a.encoding) : null,
    };
  },
});
