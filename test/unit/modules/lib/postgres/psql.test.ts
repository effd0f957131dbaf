import { describe, expect, it } from 'vitest';
import {
  parsePsqlBool,
  parsePsqlRows,
  psqlFailureLine,
  psqlArgv,
  psqlScript,
  psqlSetLine,
  redactSecrets,
  runPsql,
} from '../../../../../modules/lib/postgres/psql.js';
import type { ExecOptions, ExecResult } from '../../../../../runner/connection/types.js';
import { ModuleError, type HostContext } from '../../../../../runner/module.js';

const PSQL = ['psql', '-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-t', '-A', '-F', '|'];

describe('psqlArgv', () => {
  it('runs psql as the postgres user, quiet, unaligned, stopping at the first error, script on stdin', () => {
    expect(psqlArgv({ become_user: 'postgres', db: 'postgres' }, { vars: { name: 'alice' } })).toEqual([
      'runuser', '-u', 'postgres', '--', ...PSQL, '-d', 'postgres', '-v', 'name=alice', '-f', '-',
    ]);
  });

  it('takes a port, a single transaction, and no runuser for become_user ""', () => {
    expect(psqlArgv({ become_user: '', port: 5433, db: 'app' }, { singleTransaction: true })).toEqual([...PSQL, '-p', '5433', '-d', 'app', '-1', '-f', '-']);
  });

  it('refuses a variable name psql would not read as one', () => {
    expect(() => psqlArgv({ become_user: 'postgres', db: 'x' }, { vars: { 'a b': 'x' } })).toThrow('invalid psql variable name');
  });
});

describe('psqlSetLine / psqlScript', () => {
  it.each([
    ['SCRAM-SHA-256$4096:c2FsdA==$a+b/c=:d=', "\\set v 'SCRAM-SHA-256$4096:c2FsdA==$a+b/c=:d='"],
    ["it's", "\\set v 'it''s'"],
    ['back\\slash', "\\set v 'back\\\\slash'"],
    ['two\nlines\r', "\\set v 'two\\nlines\\r'"],
    [':name', "\\set v ':name'"],
  ])('%j', (value, want) => {
    expect(psqlSetLine('v', value)).toBe(want);
  });

  it('refuses a NUL byte and a bad name', () => {
    expect(() => psqlSetLine('v', 'a\0b')).toThrow('NUL');
    expect(() => psqlSetLine('v;', 'x')).toThrow('invalid psql variable name');
  });

  it('puts the secret \\set lines before the SQL, one statement a line, ending in a newline', () => {
    expect(psqlScript({ sql: ['SELECT 1;', 'SELECT 2;'], secretVars: { pw: 'x' } })).toBe("\\set pw 'x'\nSELECT 1;\nSELECT 2;\n");
    expect(psqlScript({ sql: ['SELECT 1;'] })).toBe('SELECT 1;\n');
  });
});

describe('parsePsqlRows / parsePsqlBool', () => {
  it('splits unaligned rows, skipping blank lines; the last field keeps any |', () => {
    expect(parsePsqlRows('alice|t|SCRAM-SHA-256$1:a$b:c\n\nbob|f|\n', 3)).toEqual([
      ['alice', 't', 'SCRAM-SHA-256$1:a$b:c'],
      ['bob', 'f', ''],
    ]);
    expect(parsePsqlRows('x|t|a|b\n', 3)).toEqual([['x', 't', 'a|b']]);
    expect(parsePsqlRows('pg_trgm\nhstore\n', 1)).toEqual([['pg_trgm'], ['hstore']]);
    expect(parsePsqlRows('', 3)).toEqual([]);
  });

  it('refuses a row with too few fields', () => {
    expect(() => parsePsqlRows('alice|t\n', 3)).toThrow('unexpected psql output');
  });

  it('reads t and f only', () => {
    expect(parsePsqlBool('t')).toBe(true);
    expect(parsePsqlBool('f')).toBe(false);
    expect(() => parsePsqlBool('true')).toThrow('unexpected psql boolean');
  });

  it('redacts every secret occurrence', () => {
    expect(redactSecrets('a SECRET b SECRET', ['SECRET', ''])).toBe('a <secret> b <secret>');
  });
});

describe('psqlFailureLine', () => {
  it.each([
    ["psql:<stdin>:1: ERROR:  role \"x\" already exists\nLINE 1: CREATE ROLE x\n", 'psql:<stdin>:1: ERROR:  role "x" already exists'],
    ['psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n\tIs the server running locally?\n', 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory'],
    ['runuser: user postgres does not exist\n', 'runuser: user postgres does not exist'],
    ['', ''],
  ])('%j', (stderr, want) => {
    expect(psqlFailureLine(stderr)).toBe(want);
  });
});

describe('runPsql', () => {
  function host(answer: ExecResult, seen: { argv: string[]; opts?: ExecOptions }[]): HostContext {
    return {
      name: 'h',
      exec: async (cmd: { argv: string[] }, opts?: ExecOptions) => {
        seen.push({ argv: cmd.argv, opts });
        return answer;
      },
    } as unknown as HostContext;
  }
  const t = { become_user: 'postgres', db: 'postgres' };

  it('feeds the script on stdin, runs in /, returns stdout', async () => {
    const seen: { argv: string[]; opts?: ExecOptions }[] = [];
    const out = await runPsql(host({ exitCode: 0, stdout: 'x\n', stderr: '', durationMs: 1 }, seen), t, { sql: ['SELECT 1;'], secretVars: { s: 'hush' } });
    expect(out).toBe('x\n');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.opts?.stdin).toBe("\\set s 'hush'\nSELECT 1;\n");
    expect(seen[0]?.opts?.cwd).toBe('/');
    expect(seen[0]?.argv.join(' ')).not.toContain('hush');
  });

  it('fails with the command and rc, the secret values redacted from its output', async () => {
    const r = { exitCode: 3, stdout: 'said hush', stderr: "psql:<stdin>:2: ERROR:  syntax error\nLINE 1: ALTER ROLE x PASSWORD 'hush'", durationMs: 1 };
    const err = await runPsql(host(r, []), t, { sql: ['x'], secretVars: { s: 'hush' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    const e = err as ModuleError;
    expect(e.message).toBe("runuser -u postgres -- psql -X -q -w -v 'ON_ERROR_STOP=1' -t -A -F '|' -d postgres -f - exited with rc 3: psql:<stdin>:2: ERROR:  syntax error");
    expect(e.detail.rc).toBe(3);
    expect(JSON.stringify([e.message, e.detail])).not.toContain('hush');
    expect(e.detail.stderr).toContain("PASSWORD '<secret>'");
  });
});
