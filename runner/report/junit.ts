// `--junit FILE`: one testcase per task and host, as CI systems expect; failures carry the message.
import { writeFileSync } from 'node:fs';
import type { PlayInfo, RecapInfo, ReportedResult, Reporter } from './events.js';

interface Suite {
  name: string;
  cases: ReportedResult[];
}

export function xmlEscape(s: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
  return clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function junitXml(suites: Suite[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.cases);
  const count = (pred: (r: ReportedResult) => boolean, list: ReportedResult[]) => list.filter(pred).length;
  const isFailure = (r: ReportedResult) => r.status === 'failed' && !r.ignored && !r.rescued;
  const isError = (r: ReportedResult) => r.status === 'unreachable';
  lines.push(`<testsuites tests="${all.length}" failures="${count(isFailure, all)}" errors="${count(isError, all)}">`);
  for (const s of suites) {
    const time = (s.cases.reduce((t, r) => t + r.durationMs, 0) / 1000).toFixed(3);
    lines.push(
      `  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${count(isFailure, s.cases)}" errors="${count(isError, s.cases)}" skipped="${count((r) => r.status === 'skipped', s.cases)}" time="${time}">`,
    );
    for (const r of s.cases) {
      const where = r.pos ? `${r.pos.file}:${r.pos.line}` : r.module;
      lines.push(`    <testcase classname="${xmlEscape(r.host)}" name="${xmlEscape(`[${r.host}] ${r.task}`)}" file="${xmlEscape(where)}" time="${(r.durationMs / 1000).toFixed(3)}">`);
      const msg = r.error ?? r.msg ?? '';
      if (isFailure(r)) lines.push(`      <failure message="${xmlEscape(msg)}">${xmlEscape(msg)}</failure>`);
      else if (isError(r)) lines.push(`      <error message="${xmlEscape(msg)}">${xmlEscape(msg)}</error>`);
      else if (r.status === 'skipped') lines.push('      <skipped/>');
      const out = r.changes.map((c) => c.summary).join('\n');
      if (out) lines.push(`      <system-out>${xmlEscape(out)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

export class JunitReporter implements Reporter {
  private readonly suites: Suite[] = [];
  constructor(private readonly write: (xml: string) => void) {}

  static toFile(path: string): JunitReporter {
    return new JunitReporter((x) => writeFileSync(path, x));
  }

  playStart(play: PlayInfo): void {
    this.suites.push({ name: play.name, cases: [] });
  }
  async playEnd(): Promise<void> {}
  taskStart(): void {}
  handlerStart(): void {}
  taskResult(r: ReportedResult): void {
    this.suites[this.suites.length - 1]?.cases.push(r);
  }
  warning(): void {}
  verbose(): void {}
  recap(_recap: RecapInfo): void {}
  async close(): Promise<void> {
    this.write(junitXml(this.suites));
  }
}
