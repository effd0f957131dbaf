// Plain line output for pipes and CI: one line per host and task, stable and grep-friendly.
import type { SourcePos } from '../types.js';
import type { PlayInfo, RecapInfo, ReportedResult, Reporter, TaskInfo } from './events.js';
import { banner, changeLines, displayText, formatPos, itemLine, recapLines, resultLine } from './format.js';

export interface PlainOptions {
  out: (line: string) => void;
  err: (line: string) => void;
  verbosity: number;
  diff: boolean;
}

export class PlainReporter implements Reporter {
  constructor(private readonly o: PlainOptions) {}

  playStart(play: PlayInfo): void {
    this.o.out('');
    this.o.out(banner(`PLAY [${play.name}]${play.check ? ' (check mode)' : ''}`));
  }

  async playEnd(): Promise<void> {}

  taskStart(host: string, task: TaskInfo): void {
    if (this.o.verbosity >= 2) this.o.out(`start: [${host}] ${task.name} (${task.module}${task.pos ? ` at ${formatPos(task.pos)}` : ''})`);
  }

  handlerStart(host: string, task: TaskInfo): void {
    this.o.out(`handler: [${host}] ${task.name}`);
  }

  taskResult(r: ReportedResult): void {
    if (r.items && r.items.length > 0) {
      for (const item of r.items) this.o.out(itemLine(r.host, item));
      // The task line after its items carries the overall status.
    }
    const line = resultLine(r);
    this.o.out(r.display !== undefined ? `${line} => ${displayText(r.display)}` : line);
    if (r.check || this.o.verbosity >= 1) for (const l of changeLines(r.changes, r.check)) this.o.out(l);
    if (this.o.diff) {
      const diffs = r.items?.length ? r.items.map((i) => i.diff).filter((d): d is string => !!d) : r.diff ? [r.diff] : [];
      for (const d of diffs) for (const l of d.replace(/\n$/, '').split('\n')) this.o.out(l);
    }
    if (this.o.verbosity >= 1 && r.msg && r.status !== 'failed' && r.display === undefined) this.o.out(`  msg: ${r.msg}`);
  }

  warning(msg: string, pos?: SourcePos): void {
    this.o.err(`[WARNING]: ${pos ? `${formatPos(pos)}: ` : ''}${msg}`);
  }

  verbose(level: number, host: string | undefined, msg: string): void {
    if (level <= this.o.verbosity) this.o.out(host ? `  [${host}] ${msg}` : `  ${msg}`);
  }

  recap(recap: RecapInfo): void {
    this.o.out('');
    this.o.out(banner(`PLAY RECAP${recap.check ? ' (check mode: nothing was changed)' : ''}`));
    for (const l of recapLines(recap.hosts)) this.o.out(l);
  }

  async close(): Promise<void> {}
}
