import { describe, expect, it } from 'vitest';
import { psqlArgv } from '../../../modules/lib/postgres/psql.js';
import { makeScramVerifier, md5Verifier, verifyScram } from '../../../modules/lib/postgres/scram.js';
import postgresqlUser, {
  ABSENT_ROLE,
  GATHER_SQL,
  parseRoleState,
  planPostgresUser,
  type PostgresUserState,
} from '../../../modules/postgresql_user.js';
import type { ExecOptions, ExecResult } from '../../../runner/connection/types.js';
import { ModuleError, type HostContext } from '../../../runner/module.js';
import type { Change } from '../../../runner/types.js';
import { argsFor } from '../../helpers/module-args.js';

const PASSWORD = 'S3cret pass';
const args = argsFor(postgresqlUser);
const a = args({ name: 'alice', password: PASSWORD });
const st = (over: Partial<PostgresUserState>): PostgresUserState => ({ exists: true, canLogin: true, passwordKind: 'scram', passwordMatches: true, ...over });

interface Call {
  argv: string[];
  stdin: string;
  cwd?: string;
}

/** A host answering each exec with the next result (or success), recording argv, stdin and cwd. */
function fakeHost(answers: ((c: Call) => Partial<ExecResult>)[] = []): { host: HostContext; calls: Call[] } {
  const calls: Call[] = [];
  const exec = async (cmd: { argv: string[] }, opts: ExecOptions = {}): Promise<ExecResult> => {
    const call = { argv: cmd.argv, stdin: String(opts.stdin ?? ''), cwd: opts.cwd };
    calls.push(call);
    const answer = answers[calls.length - 1];
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...(answer ? answer(call) : {}) };
  };
  return { host: { name: 'h', exec } as unknown as HostContext, calls };
}

/** The verifier a script sets with `\set verifier '…'`. */
function verifierIn(stdin: string): string {
  const m = /^\\set verifier '([^']*)'$/m.exec(stdin);
  if (!m?.[1]) throw new Error(`no verifier in ${stdin}`);
  return m[1];
}

describe('postgresql_user args', () => {
  it('defaults to present, the postgres OS user and database, and keeps the password secret', () => {
    expect(a).toMatchObject({ name: 'alice', state: 'present', become_user: 'postgres', db: 'postgres' });
    expect(a.port).toBeUndefined();
    expect(postgresqlUser.secretArgs).toEqual(['password']);
  });

  it.each([['Alice'], ['1abc'], ['a-b'], ['a'.repeat(64)], ['x;drop']])('refuses the role name %j', (name) => {
    expect(() => args({ name })).toThrow();
  });

});

describe('parseRoleState', () => {
  it.each([
    ['SCRAM verifier of the password', `alice|t|${makeScramVerifier(PASSWORD)}\n`, PASSWORD, st({})],
    ['SCRAM verifier of another password', `alice|t|${makeScramVerifier('other')}\n`, PASSWORD, st({ passwordMatches: false })],
    ['md5 hash of the password', `alice|t|${md5Verifier(PASSWORD, 'alice')}\n`, PASSWORD, st({ passwordKind: 'md5' })],
    ["md5 hash made for another role's name", `alice|t|${md5Verifier(PASSWORD, 'bob')}\n`, PASSWORD, st({ passwordKind: 'md5', passwordMatches: false })],
    ['no password, no login', 'alice|f|\n', PASSWORD, st({ canLogin: false, passwordKind: 'none', passwordMatches: false })],
    ['no password given', `alice|t|${makeScramVerifier(PASSWORD)}\n`, undefined, st({ passwordMatches: false })],
    ['no row', '', PASSWORD, ABSENT_ROLE],
    ['a row of another role', `bob|t|${makeScramVerifier(PASSWORD)}\n`, PASSWORD, ABSENT_ROLE],
  ])('%s', (_n, stdout, password, want) => {
    expect(parseRoleState(stdout, 'alice', password)).toEqual(want);
  });

  it('fails on output it does not understand', () => {
    expect(() => parseRoleState('alice|yes|x\n', 'alice', PASSWORD)).toThrow('unexpected psql boolean');
  });
});

describe('planPostgresUser', () => {
  const absent = { ...a, state: 'absent' as const };
  const noPassword = { ...a, password: undefined };
  it.each([
    ['present, matching, LOGIN: nothing', a, st({}), []],
    ['present, md5 hash matching: re-stored as SCRAM', a, st({ passwordKind: 'md5' }), ['password']],
    ['password not managed, md5 hash: nothing', noPassword, st({ passwordKind: 'md5' }), []],
    ['missing role', a, ABSENT_ROLE, ['create']],
    ['password differs', a, st({ passwordMatches: false }), ['password']],
    ['no password stored', a, st({ passwordKind: 'none', passwordMatches: false }), ['password']],
    ['no LOGIN', a, st({ canLogin: false }), ['login']],
    ['password differs and no LOGIN', a, st({ canLogin: false, passwordMatches: false }), ['password', 'login']],
    ['password not managed, differs: nothing', noPassword, st({ passwordMatches: false }), []],
    ['password not managed, missing role', noPassword, ABSENT_ROLE, ['create']],
    ['password not managed, no LOGIN', noPassword, st({ canLogin: false, passwordMatches: false }), ['login']],
    ['absent, exists', absent, st({}), ['drop']],
    ['absent, exists without login', absent, st({ canLogin: false }), ['drop']],
    ['absent, missing: nothing', absent, ABSENT_ROLE, []],
  ])('%s', (_n, args, state, want) => {
    expect(planPostgresUser(args, state).map((c) => c.action)).toEqual(want);
  });

  it('says whether the password matches, never what it is', () => {
    const states = [ABSENT_ROLE, st({}), st({ passwordMatches: false, canLogin: false }), st({ passwordKind: 'md5', passwordMatches: false })];
    const changes: Change[] = states.flatMap((s) => [...planPostgresUser(a, s), ...planPostgresUser({ ...a, state: 'absent' }, s)]);
    expect(changes.length).toBeGreaterThan(3);
    const text = JSON.stringify(changes);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('S3cret');
    expect(text).not.toMatch(/SCRAM-SHA-256\$|md5[0-9a-f]{32}/);
    const [pw] = planPostgresUser(a, st({ passwordMatches: false }));
    expect(pw).toMatchObject({ target: 'role alice', before: 'password: <password differs> (scram)\n', after: 'password: <password set> (scram)\n' });
    const [dropMatching] = planPostgresUser({ ...a, state: 'absent' }, st({}));
    expect(dropMatching?.before).toBe('role: alice\nlogin: true\npassword: <password set> (scram)\n');
    const [dropOther] = planPostgresUser({ ...a, state: 'absent' }, st({ passwordKind: 'md5', passwordMatches: false, canLogin: false }));
    expect(dropOther?.before).toBe('role: alice\nlogin: false\npassword: <password differs> (md5)\n');
    const [dropNone] = planPostgresUser({ ...a, state: 'absent' }, st({ passwordKind: 'none', passwordMatches: false }));
    expect(dropNone?.before).toBe('role: alice\nlogin: true\npassword: <none>\n');
    const [create] = planPostgresUser(a, ABSENT_ROLE);
    expect(create).toMatchObject({ summary: 'create login role alice with a password', before: '', after: 'role: alice\nlogin: true\npassword: <password set> (scram)\n' });
  });

  it('refuses, in plan, a password SASLprep would change', () => {
    const mod = postgresqlUser;
    expect(() => mod.plan({ ...a, password: 'caf\u00e9\u00a0bar' }, st({}))).toThrow(ModuleError);
    expect(() => mod.plan({ ...a, password: 'ca\ufb01' }, ABSENT_ROLE)).toThrow('SASLprep');
    expect(mod.plan({ ...a, password: 'café' }, ABSENT_ROLE).map((c) => c.action)).toEqual(['create']);
    expect(mod.plan({ ...a, password: 'ca\ufb01', state: 'absent' }, st({})).map((c) => c.action)).toEqual(['drop']);
  });
});

describe('postgresql_user gather', () => {
  it('reads pg_authid through psql as postgres, the SQL on stdin and the name a variable; the password nowhere', async () => {
    const stored = makeScramVerifier(PASSWORD);
    const { host, calls } = fakeHost([() => ({ stdout: `alice|t|${stored}\n` })]);
    expect(await postgresqlUser.gather(host, a)).toEqual(st({}));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.argv).toEqual(psqlArgv({ become_user: 'postgres', db: 'postgres' }, { vars: { name: 'alice' } }));
    expect(calls[0]?.argv.slice(0, 5)).toEqual(['runuser', '-u', 'postgres', '--', 'psql']);
    expect(calls[0]?.stdin).toBe(`${GATHER_SQL}\n`);
    expect(calls[0]?.stdin).toContain(":'name'");
    expect(calls[0]?.cwd).toBe('/');
    expect(JSON.stringify(calls)).not.toContain(PASSWORD);
  });

  it('passes port, db and become_user on', async () => {
    const { host, calls } = fakeHost();
    await postgresqlUser.gather(host, args({ name: 'alice', port: 5433, db: 'app', become_user: '' }));
    expect(calls[0]?.argv).toEqual(['psql', '-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-t', '-A', '-F', '|', '-p', '5433', '-d', 'app', '-v', 'name=alice', '-f', '-']);
  });

  it('fails when psql fails', async () => {
    const { host } = fakeHost([() => ({ exitCode: 2, stderr: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed\n' })]);
    await expect(postgresqlUser.gather(host, a)).rejects.toThrow('exited with rc 2: psql: error: connection to server');
  });
});

describe('postgresql_user apply', () => {
  async function applied(args: typeof a, state: PostgresUserState): Promise<Call> {
    const { host, calls } = fakeHost();
    await postgresqlUser.apply(host, args, postgresqlUser.plan(args, state), state);
    expect(calls).toHaveLength(1);
    return calls[0] as Call;
  }

  it('creates the role with a SCRAM verifier made in node, set on stdin; the password is in neither argv nor stdin', async () => {
    const call = await applied(a, ABSENT_ROLE);
    expect(call.argv).toEqual(psqlArgv({ become_user: 'postgres', db: 'postgres' }, { vars: { name: 'alice' }, singleTransaction: true }));
    const verifier = verifierIn(call.stdin);
    expect(verifyScram(verifier, PASSWORD)).toBe(true);
    expect(call.stdin).toBe(`\\set verifier '${verifier}'\nCREATE ROLE :"name" LOGIN PASSWORD :'verifier';\n`);
    expect(JSON.stringify(call)).not.toContain(PASSWORD);
    expect(call.argv.join(' ')).not.toContain(verifier);
    expect(call.argv.join(' ')).not.toContain('SCRAM');
  });

  it('sets a new password and LOGIN in one transaction', async () => {
    const call = await applied(a, st({ passwordMatches: false, canLogin: false }));
    expect(call.argv).toContain('-1');
    const verifier = verifierIn(call.stdin);
    expect(verifyScram(verifier, PASSWORD)).toBe(true);
    expect(call.stdin.split('\n').slice(1)).toEqual([`ALTER ROLE :"name" PASSWORD :'verifier';`, 'ALTER ROLE :"name" LOGIN;', '']);
  });

  it('without a password: no verifier at all', async () => {
    const create = await applied({ ...a, password: undefined }, ABSENT_ROLE);
    expect(create.stdin).toBe('CREATE ROLE :"name" LOGIN;\n');
    const login = await applied({ ...a, password: undefined }, st({ canLogin: false }));
    expect(login.stdin).toBe('ALTER ROLE :"name" LOGIN;\n');
  });

  it('drops the role', async () => {
    const call = await applied({ ...a, state: 'absent' }, st({}));
    expect(call.stdin).toBe('DROP ROLE IF EXISTS :"name";\n');
    expect(call.argv).toContain('name=alice');
  });

  it('keeps the verifier out of the error when psql fails', async () => {
    const { host } = fakeHost([(c) => ({ exitCode: 3, stderr: `psql:<stdin>:2: ERROR:  boom\nLINE 1: CREATE ROLE "alice" LOGIN PASSWORD '${verifierIn(c.stdin)}'\n` })]);
    const err = await postgresqlUser.apply(host, a, postgresqlUser.plan(a, ABSENT_ROLE), ABSENT_ROLE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    const e = err as ModuleError;
    expect(e.message).toContain('rc 3: psql:<stdin>:2: ERROR:  boom');
    expect(e.detail.stderr).toContain("PASSWORD '<secret>'");
    expect(JSON.stringify([e.message, e.detail])).not.toMatch(/SCRAM-SHA-256\$|S3cret/);
  });

  it('refuses a change it has no step for, running nothing', async () => {
    const { host, calls } = fakeHost();
    const typo = { action: 'strat', target: 'x', summary: 'typo' } as unknown as Parameters<typeof postgresqlUser.apply>[2][number];
    await expect(postgresqlUser.apply(host, a, [typo], ABSENT_ROLE)).rejects.toThrow("no apply step for change 'strat' of x");
    expect(calls).toEqual([]);
  });

  it('registers the name and whether the role exists afterwards', () => {
    expect(postgresqlUser.result?.(a, ABSENT_ROLE, [])).toEqual({ name: 'alice', exists: true });
    expect(postgresqlUser.result?.({ ...a, state: 'absent' }, st({}), [])).toEqual({ name: 'alice', exists: false });
  });
});
