// --profile-tasks: where the runner spends its time, per task and host. Module phases are timed by
// wrapping the module's gather/plan/apply; remote commands are counted by wrapping the connection a
// task's host context uses. A host runs one task at a time, so its counter belongs to that task.
import type { AnyModule } from '../module.js';
import type { Connection } from '../connection/types.js';
import type { SourcePos } from '../types.js';

type Phase = 'gather' | 'plan' | 'apply';

export interface ProfileRow {
  task: string;
  host: string;
  gatherMs: number;
  planMs: number;
  applyMs: number;
  /** exec calls plus file reads, writes and stats: each is at least one round trip to the host. */
  commands: number;
}

export class TaskProfiler {
  private readonly rows = new Map<string, ProfileRow>();
  private readonly commandsOf = new Map<string, number>();

  /** Counts the remote operations made through `conn` for `host`. */
  countCommands(host: string, conn: Connection): Connection {
    const bump = (): void => void this.commandsOf.set(host, (this.commandsOf.get(host) ?? 0) + 1);
    return new Proxy(conn, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop === 'exec' || prop === 'readFile' || prop === 'writeFile' || prop === 'stat') {
          return (...args: unknown[]) => {
            bump();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  }

  /** Runs one module call with its phases timed and its commands counted into the task's row. */
  async measure<T>(mod: AnyModule, pos: SourcePos, host: string, run: (timed: AnyModule) => Promise<T>): Promise<T> {
    const key = `${pos.file}:${pos.line}:${pos.col}\0${host}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { task: `${mod.name} (${shortFile(pos.file)}:${pos.line})`, host, gatherMs: 0, planMs: 0, applyMs: 0, commands: 0 };
      this.rows.set(key, row);
    }
    const r = row;
    // plan is synchronous and must stay so; gather and apply return promises.
    const timed = (phase: Phase, fn: (...a: unknown[]) => unknown) =>
      (...args: unknown[]): unknown => {
        const t0 = performance.now();
        const done = (): void => void (r[`${phase}Ms`] += performance.now() - t0);
        const out = fn.apply(mod, args);
        if (out instanceof Promise) return out.finally(done);
        done();
        return out;
      };
    const wrapped = {
      ...mod,
      gather: timed('gather', mod.gather as (...a: unknown[]) => unknown),
      plan: timed('plan', mod.plan as (...a: unknown[]) => unknown),
      apply: timed('apply', mod.apply as (...a: unknown[]) => unknown),
    } as unknown as AnyModule;
    const before = this.commandsOf.get(host) ?? 0;
    try {
      return await run(wrapped);
    } finally {
      r.commands += (this.commandsOf.get(host) ?? 0) - before;
    }
  }

  report(): ProfileRow[] {
    return [...this.rows.values()];
  }
}

function shortFile(file: string): string {
  const parts = file.split('/');
  return parts.slice(-2).join('/');
}

/** The summary printed after the recap: slowest first, as profile_tasks does, then totals per host. */
export function formatProfile(rows: ProfileRow[]): string {
  if (rows.length === 0) return '';
  const total = (r: ProfileRow) => r.gatherMs + r.planMs + r.applyMs;
  const sorted = [...rows].sort((a, b) => total(b) - total(a));
  const ms = (n: number) => n.toFixed(1).padStart(8);
  const taskW = Math.max(11, ...rows.map((r) => r.task.length));
  const hostW = Math.max(4, ...rows.map((r) => r.host.length));
  const head = `${'TASK'.padEnd(taskW)}  ${'HOST'.padEnd(hostW)}  ${'gather'.padStart(8)}  ${'plan'.padStart(8)}  ${'apply'.padStart(8)}  ${'total'.padStart(8)}  cmds`;
  const line = (r: ProfileRow) =>
    `${r.task.padEnd(taskW)}  ${r.host.padEnd(hostW)}  ${ms(r.gatherMs)}  ${ms(r.planMs)}  ${ms(r.applyMs)}  ${ms(total(r))}  ${String(r.commands).padStart(4)}`;
  const byHost = new Map<string, ProfileRow>();
  for (const r of rows) {
    const h = byHost.get(r.host) ?? { task: '(all tasks)', host: r.host, gatherMs: 0, planMs: 0, applyMs: 0, commands: 0 };
    h.gatherMs += r.gatherMs;
    h.planMs += r.planMs;
    h.applyMs += r.applyMs;
    h.commands += r.commands;
    byHost.set(r.host, h);
  }
  return [
    '\nTASK PROFILE (ms of module work; cmds = remote commands and file operations) ' + '*'.repeat(10),
    head,
    ...sorted.map(line),
    ...[...byHost.values()].map(line),
    '',
  ].join('\n');
}
