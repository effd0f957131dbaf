// The reporter contract: the executor emits these events, reporters turn them into output.
// Every event passes through the Redactor (redacting-reporter.ts) before any reporter sees it.
import type { HostRecap, Result, SourcePos } from '../types.js';

export interface PlayInfo {
  name: string;
  hosts: string[];
  check: boolean;
  pos?: SourcePos;
}

export interface TaskInfo {
  name: string;
  module: string;
  pos?: SourcePos;
  /** True for handlers (shown as RUNNING HANDLER). */
  handler?: boolean;
}

/** What reporters receive for a finished task on one host: the task's result, and where and how it ran. */
export interface ReportedResult extends Result {
  host: string;
  /** delegate_to: the host the task ran on, for the current host (shown as `[host -> delegate]`, as Ansible does). */
  delegatedTo?: string;
  task: string;
  module: string;
  durationMs: number;
  pos?: SourcePos;
  noLog?: boolean;
  /** The task failed but ignore_errors let the host go on. */
  ignored?: boolean;
  /** The failure was handled by a rescue section. */
  rescued?: boolean;
  handler?: boolean;
  /** Loop tasks: each item's outcome, in order. */
  items?: ItemResult[];
  /** Check mode run: changes are "would" changes. */
  check: boolean;
}

/** One loop item's outcome, shown on its own line like Ansible's `(item=...)`: a slice of the task's result. */
export type ItemResult = Pick<Result, 'status' | 'changes' | 'diff' | 'msg' | 'error'> & { label: string };

export interface RecapInfo {
  hosts: Record<string, HostRecap>;
  check: boolean;
  durationMs: number;
}

export interface Reporter {
  playStart(play: PlayInfo): void;
  /** Every host of the play is done (live rendering of that play can finish). */
  playEnd(): Promise<void>;
  taskStart(host: string, task: TaskInfo): void;
  taskResult(result: ReportedResult): void;
  handlerStart(host: string, task: TaskInfo): void;
  warning(msg: string, pos?: SourcePos): void;
  /** A line only shown at the given -v level (1 = -v). */
  verbose(level: number, host: string | undefined, msg: string): void;
  recap(recap: RecapInfo): void;
  /** Flush files, stop live rendering. */
  close(): Promise<void>;
}

/** Fans every event out to several reporters (terminal + JSON + JUnit). */
export class MultiReporter implements Reporter {
  constructor(private readonly targets: Reporter[]) {}
  playStart(play: PlayInfo): void {
    for (const t of this.targets) t.playStart(play);
  }
  async playEnd(): Promise<void> {
    for (const t of this.targets) await t.playEnd();
  }
  taskStart(host: string, task: TaskInfo): void {
    for (const t of this.targets) t.taskStart(host, task);
  }
  taskResult(result: ReportedResult): void {
    for (const t of this.targets) t.taskResult(result);
  }
  handlerStart(host: string, task: TaskInfo): void {
    for (const t of this.targets) t.handlerStart(host, task);
  }
  warning(msg: string, pos?: SourcePos): void {
    for (const t of this.targets) t.warning(msg, pos);
  }
  verbose(level: number, host: string | undefined, msg: string): void {
    for (const t of this.targets) t.verbose(level, host, msg);
  }
  recap(recap: RecapInfo): void {
    for (const t of this.targets) t.recap(recap);
  }
  async close(): Promise<void> {
    for (const t of this.targets) await t.close();
  }
}

/** A reporter that records events; used by tests and by the JSON/JUnit writers. */
export type ReportEvent =
  | { type: 'playStart'; play: PlayInfo }
  | { type: 'playEnd' }
  | { type: 'taskStart'; host: string; task: TaskInfo }
  | { type: 'taskResult'; result: ReportedResult }
  | { type: 'handlerStart'; host: string; task: TaskInfo }
  | { type: 'warning'; msg: string; pos?: SourcePos }
  | { type: 'verbose'; level: number; host?: string; msg: string }
  | { type: 'recap'; recap: RecapInfo };

export class RecordingReporter implements Reporter {
  readonly events: ReportEvent[] = [];
  playStart(play: PlayInfo): void {
    this.events.push({ type: 'playStart', play });
  }
  async playEnd(): Promise<void> {
    this.events.push({ type: 'playEnd' });
  }
  taskStart(host: string, task: TaskInfo): void {
    this.events.push({ type: 'taskStart', host, task });
  }
  taskResult(result: ReportedResult): void {
    this.events.push({ type: 'taskResult', result });
  }
  handlerStart(host: string, task: TaskInfo): void {
    this.events.push({ type: 'handlerStart', host, task });
  }
  warning(msg: string, pos?: SourcePos): void {
    this.events.push({ type: 'warning', msg, pos });
  }
  verbose(level: number, host: string | undefined, msg: string): void {
    this.events.push({ type: 'verbose', level, host, msg });
  }
  recap(recap: RecapInfo): void {
    this.events.push({ type: 'recap', recap });
  }
  async close(): Promise<void> {}
}
