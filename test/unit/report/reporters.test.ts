import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../runner/report/exit-code.js';
import { JsonReporter, type JsonReport } from '../../../runner/report/json.js';
import { JunitReporter } from '../../../runner/report/junit.js';
import { PlainReporter } from '../../../runner/report/plain.js';
import { replay } from './events-fixture.js';
import type { HostRecap } from '../../../runner/types.js';

describe('plain reporter', () => {
  it('prints one line per host and task, item lines, debug output, diffs and the recap', async () => {
    const out: string[] = [];
    const err: string[] = [];
    await replay(new PlainReporter({ out: (l) => out.push(l), err: (l) => err.push(l), verbosity: 0, diff: true }));
    expect(out).toContain('changed: [web1] Install config');
    expect(out).toContain('ok: [web2] Install config');
    expect(out).toContain('failed: [web1] Check <thing> & "quote": boom <bad>');
    expect(out).toContain('skipping: [web2] Optional');
    expect(out).toContain('changed: [web2] => (item=b)');
    expect(out).toContain('ok: [web2] Show => hello there');
    expect(out).toContain('+b');
    expect(out.some((l) => /^web1 : ok=1\s+changed=1\s+unreachable=0\s+failed=1/.test(l))).toBe(true);
    expect(err).toEqual(['[WARNING]: something odd']);
  });

  it('shows would-be changes in check mode', () => {
    const out: string[] = [];
    const r = new PlainReporter({ out: (l) => out.push(l), err: () => {}, verbosity: 0, diff: false });
    r.taskResult({ host: 'h', task: 't', module: 'command', status: 'changed', changes: [{ action: 'run', target: 'ls', summary: 'would run: ls -l' }, { action: 'write', target: '/x', summary: 'write /x' }], data: {}, durationMs: 1, check: true });
    expect(out).toEqual(['changed: [h] t', '  would run: ls -l', '  would write /x']);
  });
});

describe('JSON reporter', () => {
  it('writes one document with plays, results and stats', async () => {
    let text = '';
    await replay(new JsonReporter((t) => (text = t)));
    const doc = JSON.parse(text) as JsonReport;
    expect(doc.version).toBe(1);
    expect(doc.plays[0]?.results).toHaveLength(6);
    expect(doc.stats['web1']?.failed).toBe(1);
    expect(doc.warnings).toEqual(['something odd']);
  });
});

describe('JUnit reporter', () => {
  it('writes escaped testcases with failures and skips', async () => {
    let xml = '';
    await replay(new JunitReporter((x) => (xml = x)));
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<testsuites tests="6" failures="1" errors="0">');
    expect(xml).toContain('name="[web1] Check &lt;thing&gt; &amp; &quot;quote&quot;"');
    expect(xml).toContain('<failure message="boom &lt;bad&gt;">');
    expect(xml).toContain('<skipped/>');
  });
});

describe('exit codes', () => {
  const recap = (p: Partial<HostRecap>): HostRecap => ({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0, ...p });
  it.each([
    [{ a: recap({ ok: 3 }) }, 0],
    [{ a: recap({ ok: 1, ignored: 1, rescued: 1 }) }, 0],
    [{ a: recap({ failed: 1 }), b: recap({ ok: 1 }) }, 2],
    [{ a: recap({ unreachable: 1 }) }, 4],
    [{ a: recap({ failed: 1 }), b: recap({ unreachable: 1 }) }, 4],
  ])('%j → %i', (hosts, code) => {
    expect(exitCodeFor(hosts)).toBe(code);
  });
});
