// psql as the postgresql_* modules run it: the SQL goes on stdin, never in argv. Values reach the SQL
// as psql variables (:'name' a quoted literal, :"name" a quoted identifier), so no module quotes SQL
// itself. Plain values are `-v name=value` options (visible in `ps`: names only, never a secret); secret
// values are `\set` lines at the top of the script on stdin. (`psql -c` would not interpolate variables.)
import { Type } from '@sinclair/typebox';
import { argvSummary } from '../../../runner/kit/index.js';
import { ModuleError, type HostContext } from '../../../runner/module.js';

/**
 * A role or database name: lower case, at most 63 bytes (NAMEDATALEN). It also keeps `-d NAME` from
 * reading as a psql option or a conninfo string (no `-` first, no `=`).
 */
export const PG_NAME = '^[a-z_][a-z0-9_]{0,62}$';
/** An extension name (uuid-ossp has a hyphen). */
export const PG_EXTENSION = '^[a-z_][a-z0-9_-]{0,62}$';

/** The arguments every postgresql_* module has: how psql reaches the local cluster. */
export const psqlConnectionArgs = {
  become_user: Type.String({
    default: 'postgres',
    pattern: '^$|^[a-z_][a-z0-9_-]{0,31}$',
    description:
      "OS user psql runs as, through `runuser -u USER --` (needs root: lxc-attach, or the task's `become: true`); " +
      "it connects over the local socket with peer authentication. '' runs psql as the connection's own user, with no runuser. " +
      "(Not the task keyword `become_user`: leave that at root.)",
  }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "The cluster's port (`psql -p`); on Debian it also picks the cluster. Default: psql's (5432)." })),
};

export interface PsqlTarget {
  /** OS user for runuser; '' for none. */
  become_user: string;
  port?: number;
  /** The database to connect to. */
  db: string;
}

export interface PsqlQuery {
  /** SQL statements (and psql meta-commands), one per line or several: they go on stdin in order. */
  sql: string[];
  /** Plain variables, passed as `-v name=value`: visible in `ps`, so never a secret. */
  vars?: Record<string, string>;
  /** Secret variables, set by `\set` lines on stdin. */
  secretVars?: Record<string, string>;
  /** psql -1: the whole script in one transaction (not for CREATE/DROP DATABASE). */
  singleTransaction?: boolean;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkVarName(name: string): void {
  if (!VAR_NAME.test(name)) throw new Error(`invalid psql variable name: ${JSON.stringify(name)}`);
}

/**
 * The argv: [runuser -u USER --] psql, no psqlrc, quiet, never a password prompt, stop at the first
 * error (rc 3), unaligned rows with `|` between fields and no header, the script read from stdin.
 */
export function psqlArgv(t: PsqlTarget, q: Pick<PsqlQuery, 'vars' | 'singleTransaction'> = {}): string[] {
  const argv = t.become_user === '' ? [] : ['runuser', '-u', t.become_user, '--'];
  argv.push('psql', '-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-t', '-A', '-F', '|');
  if (t.port !== undefined) argv.push('-p', String(t.port));
  argv.push('-d', t.db);
  if (q.singleTransaction) argv.push('-1');
  for (const [k, v] of Object.entries(q.vars ?? {})) {
    checkVarName(k);
    argv.push('-v', `${k}=${v}`);
  }
  argv.push('-f', '-');
  return argv;
}

/** A `\set NAME 'VALUE'` line; inside psql's single quotes `''` is a quote and backslash escapes apply. */
export function psqlSetLine(name: string, value: string): string {
  checkVarName(name);
  if (value.includes('\0')) throw new Error(`psql variable ${name}: a NUL byte cannot be passed`);
  const quoted = value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `\\set ${name} '${quoted}'`;
}

/** The script fed on stdin: the secret `\set` lines, then the SQL. */
export function psqlScript(q: Pick<PsqlQuery, 'sql' | 'secretVars'>): string {
  const lines = Object.entries(q.secretVars ?? {}).map(([k, v]) => psqlSetLine(k, v));
  return `${[...lines, ...q.sql].join('\n')}\n`;
}

/**
 * Rows of `psql -t -A -F '|'` output with `fields` fields each: blank lines skipped, the last field
 * takes the rest of the line (so only it may hold a `|`). A row with too few fields is an error.
 */
export function parsePsqlRows(stdout: string, fields: number): string[][] {
  const rows: string[][] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split('|');
    if (parts.length < fields) throw new Error(`unexpected psql output (want ${fields} fields): ${JSON.stringify(line)}`);
    rows.push([...parts.slice(0, fields - 1), parts.slice(fields - 1).join('|')]);
  }
  return rows;
}

/** psql's boolean output: t or f. */
export function parsePsqlBool(text: string): boolean {
  if (text === 't') return true;
  if (text === 'f') return false;
  throw new Error(`unexpected psql boolean: ${JSON.stringify(text)}`);
}

/** Every secret value in a text replaced by a marker (for psql errors that quote a statement). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s !== '').reduce((t, s) => t.split(s).join('<secret>'), text);
}

/**
 * The line that says why psql failed: the first server ERROR/FATAL line or psql's own `psql: error:`
 * (the server's LINE/context lines come after it), else the last line; '' when there is no output.
 */
export function psqlFailureLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => /\b(ERROR|FATAL|PANIC):|^psql: error:/.test(l)) ?? lines[lines.length - 1] ?? '';
}

/**
 * Runs a script through psql on the host and returns stdout. Runs in `/` (as the postgres user psql
 * could not enter root's home). Throws a ModuleError naming the command, its rc and psql's error line
 * when psql fails, with every secret variable's value redacted from its output.
 */
export async function runPsql(host: HostContext, t: PsqlTarget, q: PsqlQuery): Promise<string> {
  const argv = psqlArgv(t, q);
  const r = await host.exec({ argv }, { stdin: psqlScript(q), cwd: '/' });
  if (r.exitCode !== 0) {
    const secrets = Object.values(q.secretVars ?? {});
    const stdout = redactSecrets(r.stdout, secrets);
    const stderr = redactSecrets(r.stderr, secrets);
    const why = psqlFailureLine(stderr) || psqlFailureLine(stdout) || 'no output';
    throw new ModuleError(`${argvSummary(argv)} exited with rc ${r.exitCode}: ${why}`, { rc: r.exitCode, stdout, stderr, argv });
  }
  return r.stdout;
}
