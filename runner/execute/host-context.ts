// The HostContext a module sees for one task: the connection with become applied, command helpers
// that turn failures into ModuleError, controller-side file lookup and templating.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ModuleError, type HostContext } from '../module.js';
import { commandError } from '../kit/argv.js';
import type { BecomeOptions, Command, Connection, ExecOptions, ExecResult, StatResult, WriteOptions } from '../connection/types.js';
import type { SourcePos, Vars } from '../types.js';

/** The part of runner/template's Templater a host context needs; injected so either side can change. */
export interface HostTemplater {
  renderString(str: string, vars: Vars, pos?: SourcePos): string;
  /** When the templater has it, template files render through it (includes, line numbers). */
  renderFile?(path: string, vars: Vars): string;
  evaluate(expr: string, vars: Vars, pos?: SourcePos): unknown;
}

export interface MakeHostContextOptions {
  name: string;
  conn: Connection;
  vars: Vars;
  become?: BecomeOptions;
  templater?: HostTemplater;
  /** Controller directories searched in order for `src:` (role dirs first, then the playbook's). */
  searchDirs: { files: string[]; templates: string[] };
  log?(msg: string): void;
  /** The task's `environment:`, for every command (a command's own env wins per variable). */
  env?: Record<string, string>;
  /** The task's `async:` limit, for every command that sets none. */
  timeoutMs?: number;
}

export function makeHostContext(opts: MakeHostContextOptions): HostContext {
  const { conn, become, templater } = opts;
  const withTaskOptions = (o?: ExecOptions): ExecOptions => {
    const out: ExecOptions = { ...o };
    if (opts.env) out.env = { ...opts.env, ...o?.env };
    if (opts.timeoutMs !== undefined && out.timeoutMs === undefined) out.timeoutMs = opts.timeoutMs;
    return out;
  };
  const withBecome = (o?: ExecOptions): ExecOptions => {
    const full = withTaskOptions(o);
    return full.become || !become ? full : { ...full, become };
  };

  const needTemplater = (): HostTemplater => {
    if (!templater) throw new ModuleError('templating is not available in this context');
    return templater;
  };

  return {
    name: opts.name,
    conn,
    vars: opts.vars,
    become,
    exec(cmd: Command, o?: ExecOptions): Promise<ExecResult> {
      return conn.exec(cmd, withBecome(o));
    },
    async run(argv: string[], o?: ExecOptions): Promise<string> {
      const r = await conn.exec({ argv }, withBecome(o));
      if (r.exitCode !== 0) throw commandError(argv, r);
      return r.stdout;
    },
    async readFile(path: string): Promise<string | null> {
      const b = await conn.readFile(path, { become });
      return b === null ? null : b.toString('utf8');
    },
    writeFile(path: string, content: string | Buffer, o?: WriteOptions): Promise<void> {
      return conn.writeFile(path, content, { become, ...o });
    },
    stat(path: string): Promise<StatResult | null> {
      return conn.stat(path, { become });
    },
    findFile(kind: 'files' | 'templates', rel: string): string {
      if (isAbsolute(rel)) return rel;
      const dirs = opts.searchDirs[kind];
      for (const dir of dirs) {
        const candidate = join(dir, rel);
        if (existsSync(candidate)) return candidate;
      }
      throw new ModuleError(`could not find ${kind} '${rel}' (looked in: ${dirs.join(', ') || 'no directories'})`);
    },
    render(template: string, extra?: Vars): string {
      return needTemplater().renderString(template, extra ? { ...opts.vars, ...extra } : opts.vars);
    },
    renderFile(path: string, extra?: Vars): string {
      const t = needTemplater();
      const vars = extra ? { ...opts.vars, ...extra } : opts.vars;
      return t.renderFile ? t.renderFile(path, vars) : t.renderString(readFileSync(path, 'utf8'), vars);
    },
    evaluate(expr: string, extra?: Vars): unknown {
      return needTemplater().evaluate(expr, extra ? { ...opts.vars, ...extra } : opts.vars);
    },
    log(msg: string): void {
      opts.log?.(msg);
    },
  };
}
