// A fixed event sequence for reporter tests.
import type { Reporter, ReportedResult } from '../../../runner/report/events.js';

const base = { module: 'probe', changes: [], data: {}, durationMs: 5, check: false };

export const RESULTS: ReportedResult[] = [
  { ...base, host: 'web1', task: 'Install config', status: 'changed', changes: [{ action: 'write', target: '/etc/x.conf', summary: 'write /etc/x.conf', before: 'a\n', after: 'b\n' }], diff: '--- before\n+++ after\n-a\n+b\n', pos: { file: 'site.yml', line: 4, col: 7 } },
  { ...base, host: 'web2', task: 'Install config', status: 'ok' },
  { ...base, host: 'web1', task: 'Check <thing> & "quote"', status: 'failed', error: 'boom <bad>', msg: 'boom <bad>' },
  { ...base, host: 'web2', task: 'Optional', status: 'skipped' },
  { ...base, host: 'web2', task: 'Loop', status: 'changed', items: [{ label: 'a', status: 'ok', changes: [] }, { label: 'b', status: 'changed', changes: [] }] },
  { ...base, host: 'web2', task: 'Show', status: 'ok', display: 'hello there' },
];

export function replay(r: Reporter): Promise<void> {
  r.playStart({ name: 'Site', hosts: ['web1', 'web2'], check: false });
  for (const res of RESULTS) {
    r.taskStart(res.host, { name: res.task, module: res.module });
    r.taskResult(res);
  }
  r.warning('something odd');
  return r.playEnd().then(() => {
    r.recap({
      hosts: {
        web1: { ok: 1, changed: 1, failed: 1, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 },
        web2: { ok: 3, changed: 1, failed: 0, skipped: 1, unreachable: 0, rescued: 0, ignored: 0 },
      },
      check: false,
      durationMs: 42,
    });
    return r.close();
  });
}
