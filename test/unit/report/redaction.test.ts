import { describe, expect, it } from 'vitest';
import { JsonReporter } from '../../../runner/report/json.js';
import { JunitReporter } from '../../../runner/report/junit.js';
import { PlainReporter } from '../../../runner/report/plain.js';
import { Redactor, REDACTED } from '../../../runner/report/redact.js';
import { MultiReporter, type ReportEvent } from '../../../runner/report/events.js';
import { runYaml } from '../execute/harness.js';

describe('Redactor', () => {
  it('replaces every occurrence, longest secret first, in text and deep values', () => {
    const r = new Redactor(['hunter2', 'hunter2-extended']);
    expect(r.text('a hunter2-extended b hunter2')).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(r.deep({ k: ['x hunter2'], hunter2: 1 })).toEqual({ k: [`x ${REDACTED}`], [REDACTED]: 1 });
  });
  it('catches JSON-escaped forms and lines of multi-line secrets, ignores tiny values', () => {
    const r = new Redactor(['pa"ss\\word', 'line-one-secret\nline-two-secret', 'ab']);
    expect(r.text(JSON.stringify({ v: 'pa"ss\\word' }))).not.toContain('ss\\\\word');
    expect(r.text('got line-two-secret')).toBe(`got ${REDACTED}`);
    expect(r.text('ab')).toBe('ab');
  });
});

describe('secrets never reach any output', () => {
  it('secretArgs values, no_log tasks and known secrets are hidden from terminal, diff, JSON, JUnit and errors', async () => {
    const secret = 'S3cr3t-Value-42';
    const param = 'Param-Secret-99';
    const nolog = 'NoLog-Secret-77';
    const r = await runYaml(
      `
- hosts: h1
  tasks:
    - name: uses a secret arg
      probe: { id: "a", change: true, secret: "${secret}" }
    - name: hidden
      probe: { id: "${nolog}", change: true, out: "${nolog}" }
      no_log: true
      register: hid
    - name: echoes the registered no_log value
      probe: { id: echo, out: "{{ hid.out }}" }
    - name: shows a param
      debug: { msg: "param is {{ p }}" }
    - name: fails with the secret in its message
      fail: { msg: "bad ${secret} and {{ p }}" }
`,
      { inventory: 'h1\n', extra: { p: param }, secrets: [param], diff: true },
    );
    const texts: string[] = [];
    const plain = new PlainReporter({ out: (l) => texts.push(l), err: (l) => texts.push(l), verbosity: 4, diff: true });
    let json = '';
    let junit = '';
    const sink = new MultiReporter([plain, new JsonReporter((t) => (json = t)), new JunitReporter((x) => (junit = x))]);
    // The harness already redacted once; replaying the recorded events through fresh reporters shows what each output form got.
    for (const e of r.reporter.events as ReportEvent[]) replayEvent(sink, e);
    await sink.close();
    const all = [...texts, json, junit].join('\n');
    for (const s of [secret, param, nolog]) expect(all).not.toContain(s);
    expect(all).toContain('(output hidden: no_log)');
    expect(all).toContain(REDACTED);
    expect(r.summary.exitCode).toBe(2);
  });
});

function replayEvent(sink: MultiReporter, e: ReportEvent): void {
  switch (e.type) {
    case 'playStart':
      return sink.playStart(e.play);
    case 'taskStart':
      return sink.taskStart(e.host, e.task);
    case 'taskResult':
      return sink.taskResult(e.result);
    case 'handlerStart':
      return sink.handlerStart(e.host, e.task);
    case 'warning':
      return sink.warning(e.msg, e.pos);
    case 'verbose':
      return sink.verbose(e.level, e.host, e.msg);
    case 'recap':
      return sink.recap(e.recap);
    case 'playEnd':
      return;
  }
}
