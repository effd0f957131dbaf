// Live progress on a TTY: one listr2 line per host showing its current task. The lines a plain
// reporter would print for failures, diffs, check-mode changes and debug output are printed
// under the progress once the play ends, so nothing is lost and the screen stays readable.
import { Listr } from 'listr2';
import type { SourcePos } from '../types.js';
import type { PlayInfo, RecapInfo, ReportedResult, Reporter, TaskInfo } from './events.js';
import { PlainReporter } from './plain.js';

interface HostLine {
  title: string;
  current: string;
  counts: { ok: number; changed: number; failed: number; skipped: number };
  unreachable: boolean;
  failed: boolean;
  done: () => void;
  setTitle?: (t: string) => void;
}

export interface LiveOptions {
  out: (line: string) => void;
  err: (line: string) => void;
  verbosity: number;
  diff: boolean;
}

export class LiveReporter implements Reporter {
  private hosts = new Map<string, HostLine>();
  private running: Promise<void> | undefined;
  private pending: string[] = [];
  private readonly plain: PlainReporter;

  constructor(private readonly o: LiveOptions) {
    // Detail lines are formatted exactly like the plain reporter's, then held until the play ends.
    this.plain = new PlainReporter({ ...o, out: (l) => this.pending.push(l), err: (l) => this.pending.push(l) });
  }

  playStart(play: PlayInfo): void {
    this.o.out(`PLAY [${play.name}]${play.check ? ' (check mode)' : ''}`);
    this.hosts = new Map();
    const tasks = play.hosts.map((h) => {
      let done = () => {};
      const finished = new Promise<void>((resolve) => (done = resolve));
      const line: HostLine = { title: h, current: '', counts: { ok: 0, changed: 0, failed: 0, skipped: 0 }, unreachable: false, failed: false, done };
      this.hosts.set(h, line);
      return {
        title: h,
        task: async (_ctx: unknown, task: { title: string | undefined }) => {
          line.setTitle = (t) => (task.title = t);
          await finished;
          task.title = summaryTitle(h, line);
          if (line.failed || line.unreachable) throw new Error(summaryTitle(h, line));
        },
      };
    });
    const list = new Listr(tasks, { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: true } });
    this.running = list.run().then(
      () => undefined,
      () => undefined,
    );
  }

  async playEnd(): Promise<void> {
    for (const line of this.hosts.values()) line.done();
    await this.flush();
  }

  taskStart(host: string, task: TaskInfo): void {
    const line = this.hosts.get(host);
    if (!line) return;
    line.current = task.name;
    line.setTitle?.(`${host}: ${task.name}`);
    this.plain.taskStart(host, task);
  }

  handlerStart(host: string, task: TaskInfo): void {
    this.taskStart(host, { ...task, name: `handler ${task.name}` });
  }

  taskResult(r: ReportedResult): void {
    const line = this.hosts.get(r.host);
    if (line) {
      if (r.status === 'unreachable') line.unreachable = true;
      else if (r.status === 'failed' && !r.ignored && !r.rescued) line.failed = true;
      if (r.status !== 'unreachable') line.counts[r.status === 'failed' && r.ignored ? 'ok' : r.status]++;
      line.setTitle?.(summaryTitle(r.host, line));
    }
    // Only what needs a reader's eye goes below the progress: failures, changes, debug output, diffs.
    if (r.status !== 'ok' && r.status !== 'skipped') this.plain.taskResult(r);
    else if (r.display !== undefined || this.o.verbosity >= 1) this.plain.taskResult(r);
  }

  warning(msg: string, pos?: SourcePos): void {
    this.plain.warning(msg, pos);
  }

  verbose(level: number, host: string | undefined, msg: string): void {
    this.plain.verbose(level, host, msg);
  }

  recap(recap: RecapInfo): void {
    this.plain.recap(recap);
  }

  async close(): Promise<void> {
    await this.playEnd();
  }

  /** Waits for the progress display to finish, then prints the held lines. */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    this.running = undefined;
    for (const l of this.pending.splice(0)) this.o.out(l);
  }
}

function summaryTitle(host: string, l: HostLine): string {
  const c = l.counts;
  const state = l.unreachable ? 'UNREACHABLE' : l.failed ? 'FAILED' : 'done';
  return `${host}: ${state} ok=${c.ok + c.changed} changed=${c.changed} failed=${c.failed} skipped=${c.skipped}`;
}
