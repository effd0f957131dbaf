// `--json [FILE]`: one machine-readable document per run, written when the run ends.
import { writeFileSync } from 'node:fs';
import type { SourcePos } from '../types.js';
import type { PlayInfo, RecapInfo, ReportedResult, Reporter, TaskInfo } from './events.js';

export interface JsonReport {
  version: 1;
  check: boolean;
  plays: { name: string; hosts: string[]; results: ReportedResult[] }[];
  warnings: string[];
  stats: RecapInfo['hosts'];
  durationMs: number;
}

export class JsonReporter implements Reporter {
  readonly report: JsonReport = { version: 1, check: false, plays: [], warnings: [], stats: {}, durationMs: 0 };

  /** `write` receives the whole document once, at close. */
  constructor(private readonly write: (text: string) => void) {}

  static toFile(path: string): JsonReporter {
    return new JsonReporter((t) => writeFileSync(path, t));
  }

  playStart(play: PlayInfo): void {
    this.report.check = play.check;
    this.report.plays.push({ name: play.name, hosts: play.hosts, results: [] });
  }
  async playEnd(): Promise<void> {}
  taskStart(_host: string, _task: TaskInfo): void {}
  handlerStart(_host: string, _task: TaskInfo): void {}
  taskResult(r: ReportedResult): void {
    const play = this.report.plays[this.report.plays.length - 1];
    play?.results.push(r);
  }
  warning(msg: string, pos?: SourcePos): void {
    this.report.warnings.push(pos ? `${pos.file}:${pos.line}:${pos.col}: ${msg}` : msg);
  }
  verbose(): void {}
  recap(recap: RecapInfo): void {
    this.report.stats = recap.hosts;
    this.report.durationMs = recap.durationMs;
    this.report.check = recap.check;
  }
  async close(): Promise<void> {
    this.write(JSON.stringify(this.report, null, 2) + '\n');
  }
}
