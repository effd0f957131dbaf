// Puts the Redactor in front of every reporter, and replaces a no_log task's output wholesale.
import type { SourcePos } from '../types.js';
import type { PlayInfo, RecapInfo, ReportedResult, Reporter, TaskInfo } from './events.js';
import { NO_LOG_MESSAGE, type Redactor } from './redact.js';

/** What a no_log task may still show: its name, host, status and counts, nothing it produced. */
export function hideNoLog(result: ReportedResult): ReportedResult {
  return {
    ...result,
    changes: result.changes.map((c) => ({ action: c.action, target: NO_LOG_MESSAGE, summary: NO_LOG_MESSAGE })),
    diff: result.diff === undefined ? undefined : NO_LOG_MESSAGE,
    msg: result.msg === undefined ? undefined : NO_LOG_MESSAGE,
    error: result.error === undefined ? undefined : NO_LOG_MESSAGE,
    data: { censored: NO_LOG_MESSAGE },
    display: result.display === undefined ? undefined : NO_LOG_MESSAGE,
    items: result.items?.map((i) => ({
      label: NO_LOG_MESSAGE,
      status: i.status,
      changes: [],
      msg: i.msg === undefined ? undefined : NO_LOG_MESSAGE,
      error: i.error === undefined ? undefined : NO_LOG_MESSAGE,
    })),
  };
}

export class RedactingReporter implements Reporter {
  constructor(
    private readonly inner: Reporter,
    private readonly redactor: Redactor,
  ) {}
  playStart(play: PlayInfo): void {
    this.inner.playStart(this.redactor.deep(play));
  }
  playEnd(): Promise<void> {
    return this.inner.playEnd();
  }
  taskStart(host: string, task: TaskInfo): void {
    this.inner.taskStart(host, this.redactor.deep(task));
  }
  taskResult(result: ReportedResult): void {
    const shown = result.noLog ? hideNoLog(result) : result;
    this.inner.taskResult(this.redactor.deep(shown));
  }
  handlerStart(host: string, task: TaskInfo): void {
    this.inner.handlerStart(host, this.redactor.deep(task));
  }
  warning(msg: string, pos?: SourcePos): void {
    this.inner.warning(this.redactor.text(msg), pos);
  }
  verbose(level: number, host: string | undefined, msg: string): void {
    this.inner.verbose(level, host, this.redactor.text(msg));
  }
  recap(recap: RecapInfo): void {
    this.inner.recap(recap);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
