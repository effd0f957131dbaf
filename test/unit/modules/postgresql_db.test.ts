import { describe, expect, it } from 'vitest';
import { psqlArgv } from '../../../modules/lib/postgres/psql.js';
import postgresqlDb, {
  ABSENT_DB,
  applyScripts,
  GATHER_DB_SQL,
  GATHER_EXTENSIONS_SQL,
  parseDbRow,
  parseExtensions,
  planPostgresDb,
  type PostgresDbState,
} from '../../../modules/postgresql_db.js';
import type { ExecOptions, ExecResult } from '../../../runner/connection/types.js';
import type { HostContext } from '../../../runner/module.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(postgresqlDb);
const a = args({ name: 'chirpstack', owner: 'chirpstack', extensions: ['pg_trgm', 'hstore'] });
const st = (over: Partial<PostgresDbState>): PostgresDbState => ({ exists: true, owner: 'chirpstack', encoding: 'UTF8', extensions: ['hstore', 'pg_trgm', 'plpgsql'], ...over });
const on = (db: string, opts: { vars?: Record<string, string>; singleTransaction?: boolean } = {}) => psqlArgv({ become_user: 'postgres', db }, opts);

interface Call {
  argv: string[];
  stdin: string;
}

function fakeHost(answers: Partial<ExecResult>[] = []): { host: HostContext; calls: Call[] } {
  const calls: Call[] = [];
  const exec = async (cmd: { argv: string[] }, opts: ExecOptions = {}): Promise<ExecResult> => {
    calls.push({ argv: cmd.argv, stdin: String(opts.stdin ?? '') });
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...answers[calls.length - 1] };
  };
  return { host: { name: 'h', exec } as unknown as HostContext, calls };
}

describe('postgresql_db args', () => {
  it('defaults to present, UTF8, no extensions, the postgres OS user', () => {
    expect(args({ name: 'x' })).toMatchObject({ name: 'x', state: 'present', encoding: 'UTF8', extensions: [], become_user: 'postgres' });
    expect(args({ name: 'x' }).owner).toBeUndefined();
  });

  it.each([
    [{ name: 'Chirp' }],
    [{ name: '-d' }],
    [{ name: 'a=b' }],
    [{ name: 'x', owner: 'a b' }],
    [{ name: 'x', extensions: ['pg_trgm; DROP'] }],
    [{ name: 'x', encoding: "UTF8'" }],
  ])('refuses %j', (given) => {
    expect(() => args(given)).toThrow();
  });

  it('accepts an extension name with a hyphen', () => {
    expect(args({ name: 'x', extensions: ['uuid-ossp'] }).extensions).toEqual(['uuid-ossp']);
  });

});

describe('parsing', () => {
  it.each([
    ['chirpstack|chirpstack|UTF8\n', { exists: true, owner: 'chirpstack', encoding: 'UTF8', extensions: [] }],
    ['chirpstack|postgres|SQL_ASCII\n', { exists: true, owner: 'postgres', encoding: 'SQL_ASCII', extensions: [] }],
    ['', ABSENT_DB],
    ['other|postgres|UTF8\n', ABSENT_DB],
  ])('%j', (stdout, want) => {
    expect(parseDbRow(stdout, 'chirpstack')).toEqual(want);
  });

  it('reads extension names one a line', () => {
    expect(parseExtensions('hstore\npg_trgm\nplpgsql\n')).toEqual(['hstore', 'pg_trgm', 'plpgsql']);
    expect(parseExtensions('')).toEqual([]);
  });
});

describe('planPostgresDb', () => {
  const absent = { ...a, state: 'absent' as const };
  it.each([
    ['all there: nothing', a, st({}), []],
    ['missing: create, then each extension', a, ABSENT_DB, ['create', 'extension', 'extension']],
    ['other owner', a, st({ owner: 'postgres' }), ['owner']],
    ['owner not managed', { ...a, owner: undefined }, st({ owner: 'postgres' }), []],
    ['one extension missing', a, st({ extensions: ['plpgsql', 'hstore'] }), ['extension']],
    ['other owner and no extensions', a, st({ owner: 'postgres', extensions: ['plpgsql'] }), ['owner', 'extension', 'extension']],
    ['no extensions wanted', { ...a, extensions: [] }, st({ extensions: [] }), []],
    ['other encoding is left alone', { ...a, encoding: 'LATIN1' }, st({}), []],
    ['absent, exists', absent, st({}), ['drop']],
    ['absent, missing: nothing', absent, ABSENT_DB, []],
  ])('%s', (_n, args, state, want) => {
    expect(planPostgresDb(args, state).map((c) => c.action)).toEqual(want);
  });

  it('creates each missing extension once, in the order given', () => {
    const changes = planPostgresDb({ ...a, extensions: ['pg_trgm', 'uuid-ossp', 'pg_trgm'] }, st({ extensions: ['plpgsql'] }));
    expect(changes.map((c) => c.data)).toEqual(['pg_trgm', 'uuid-ossp']);
    expect(changes[1]?.summary).toBe('create extension uuid-ossp in database chirpstack');
  });

  it('describes the database in its diffs', () => {
    const [create] = planPostgresDb(a, ABSENT_DB);
    expect(create).toMatchObject({ target: 'database chirpstack', summary: 'create database chirpstack owned by chirpstack (UTF8)', before: '', after: 'database: chirpstack\nowner: chirpstack\nencoding: UTF8\n' });
    const [owner] = planPostgresDb(a, st({ owner: 'postgres' }));
    expect(owner).toMatchObject({ before: 'owner: postgres\n', after: 'owner: chirpstack\n' });
    const [drop] = planPostgresDb({ ...a, state: 'absent' }, st({}));
    expect(drop).toMatchObject({ summary: 'drop database chirpstack', before: 'database: chirpstack\nowner: chirpstack\n', after: '' });
  });
});

describe('applyScripts', () => {
  it('creates with OWNER, ENCODING and TEMPLATE template0, extensions in the database, every name a variable', () => {
    const s = applyScripts(a, planPostgresDb({ ...a, extensions: ['pg_trgm', 'uuid-ossp'] }, ABSENT_DB));
    expect(s.cluster).toEqual({
      sql: [`CREATE DATABASE :"name" OWNER :"owner" ENCODING :'encoding' TEMPLATE template0;`],
      vars: { name: 'chirpstack', encoding: 'UTF8', owner: 'chirpstack' },
    });
    expect(s.inDb).toEqual({
      sql: ['CREATE EXTENSION IF NOT EXISTS :"ext0" CASCADE;', 'CREATE EXTENSION IF NOT EXISTS :"ext1" CASCADE;'],
      vars: { ext0: 'pg_trgm', ext1: 'uuid-ossp' },
    });
  });

  it('creates without OWNER when no owner is given', () => {
    expect(applyScripts({ ...a, owner: undefined }, planPostgresDb({ ...a, owner: undefined }, ABSENT_DB)).cluster.sql).toEqual([
      `CREATE DATABASE :"name" ENCODING :'encoding' TEMPLATE template0;`,
    ]);
  });

  it('changes the owner and drops', () => {
    expect(applyScripts(a, planPostgresDb(a, st({ owner: 'postgres' }))).cluster.sql).toEqual(['ALTER DATABASE :"name" OWNER TO :"owner";']);
    expect(applyScripts(a, planPostgresDb({ ...a, state: 'absent' }, st({})))).toEqual({
      cluster: { sql: ['DROP DATABASE IF EXISTS :"name";'], vars: { name: 'chirpstack', encoding: 'UTF8', owner: 'chirpstack' } },
      inDb: { sql: [], vars: {} },
    });
  });

  it('refuses a change it has no step for', () => {
    const typo = { action: 'strat', target: 'x', summary: 'typo' } as unknown as Parameters<typeof applyScripts>[1][number];
    expect(() => applyScripts(a, [typo])).toThrow("no apply step for change 'strat' of x");
  });
});

describe('postgresql_db gather', () => {
  it('reads pg_database on the postgres database, then pg_extension in the database itself', async () => {
    const { host, calls } = fakeHost([{ stdout: 'chirpstack|chirpstack|UTF8\n' }, { stdout: 'hstore\nplpgsql\n' }]);
    expect(await postgresqlDb.gather(host, a)).toEqual(st({ extensions: ['hstore', 'plpgsql'] }));
    expect(calls).toEqual([
      { argv: on('postgres', { vars: { name: 'chirpstack' } }), stdin: `${GATHER_DB_SQL}\n` },
      { argv: on('chirpstack'), stdin: `${GATHER_EXTENSIONS_SQL}\n` },
    ]);
  });

  it('does not look for extensions in a database that does not exist, or when none are wanted', async () => {
    const missing = fakeHost([{ stdout: '' }]);
    expect(await postgresqlDb.gather(missing.host, a)).toEqual(ABSENT_DB);
    expect(missing.calls).toHaveLength(1);
    const none = fakeHost([{ stdout: 'chirpstack|chirpstack|UTF8\n' }]);
    expect(await postgresqlDb.gather(none.host, { ...a, extensions: [] })).toEqual(st({ extensions: [] }));
    expect(none.calls).toHaveLength(1);
    const absent = fakeHost([{ stdout: 'chirpstack|chirpstack|UTF8\n' }]);
    await postgresqlDb.gather(absent.host, { ...a, state: 'absent' });
    expect(absent.calls).toHaveLength(1);
  });
});

describe('postgresql_db apply', () => {
  it('runs CREATE DATABASE outside a transaction on postgres, then the extensions in one transaction in the database', async () => {
    const { host, calls } = fakeHost();
    await postgresqlDb.apply(host, a, postgresqlDb.plan(a, ABSENT_DB), ABSENT_DB);
    expect(calls).toEqual([
      {
        argv: on('postgres', { vars: { name: 'chirpstack', encoding: 'UTF8', owner: 'chirpstack' } }),
        stdin: `CREATE DATABASE :"name" OWNER :"owner" ENCODING :'encoding' TEMPLATE template0;\n`,
      },
      {
        argv: on('chirpstack', { vars: { ext0: 'pg_trgm', ext1: 'hstore' }, singleTransaction: true }),
        stdin: 'CREATE EXTENSION IF NOT EXISTS :"ext0" CASCADE;\nCREATE EXTENSION IF NOT EXISTS :"ext1" CASCADE;\n',
      },
    ]);
    expect(calls[0]?.argv).not.toContain('-1');
  });

  it('only touches the database it needs', async () => {
    const ext = fakeHost();
    await postgresqlDb.apply(ext.host, a, postgresqlDb.plan(a, st({ extensions: ['hstore'] })), st({}));
    expect(ext.calls.map((c) => c.argv[c.argv.indexOf('-d') + 1])).toEqual(['chirpstack']);
    const drop = fakeHost();
    await postgresqlDb.apply(drop.host, { ...a, state: 'absent' }, postgresqlDb.plan({ ...a, state: 'absent' }, st({})), st({}));
    expect(drop.calls.map((c) => c.argv[c.argv.indexOf('-d') + 1])).toEqual(['postgres']);
  });

  it('stops at the first failing psql', async () => {
    const { host, calls } = fakeHost([{ exitCode: 3, stderr: 'psql:<stdin>:1: ERROR:  role "chirpstack" does not exist\n' }]);
    await expect(postgresqlDb.apply(host, a, postgresqlDb.plan(a, ABSENT_DB), ABSENT_DB)).rejects.toThrow('rc 3: psql:<stdin>:1: ERROR:  role "chirpstack" does not exist');
    expect(calls).toHaveLength(1);
  });

  it('registers name, exists, owner and encoding', () => {
    expect(postgresqlDb.result?.(a, ABSENT_DB, [])).toEqual({ name: 'chirpstack', exists: true, owner: 'chirpstack', encoding: 'UTF8' });
    expect(postgresqlDb.result?.({ ...a, owner: undefined }, st({ owner: 'postgres', encoding: 'SQL_ASCII' }), [])).toEqual({ name: 'chirpstack', exists: true, owner: 'postgres', encoding: 'SQL_ASCII' });
    expect(postgresqlDb.result?.({ ...a, state: 'absent' }, st({}), [])).toEqual({ name: 'chirpstack', exists: false, owner: null, encoding: null });
  });
});
