// The realistic fixture end to end: --check changes nothing and predicts the real run, the real run
// converges, the second run reports 0 changed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../../runner/report/json.js';
import { FIXTURES, runCli, treeDigest } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-cli-real-'));
const root = join(work, 'root');
mkdirSync(root);
const site = join(FIXTURES, 'realistic/site.yml');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function changedTasks(report: JsonReport): string[] {
  return report.plays
    .flatMap((p) => p.results)
    .filter((r) => r.status === 'changed')
    .map((r) => `${r.task} :: ${r.changes.map((c) => c.target).sort().join(', ')}`)
    .sort();
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonReport;

describe('realistic playbook (roles, loops, handlers, block/rescue)', () => {
  it('--check changes nothing, and the real run then does exactly what it said; a second run changes nothing', async () => {
    const before = treeDigest(root);
    const check = await runCli([site, '-e', `root=${root}`, '--check', '--diff', '--json', join(work, 'check.json')]);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(treeDigest(root)).toBe(before);
    expect(check.stdout).toContain('would run: touch');
    expect(check.stdout).toContain('PLAY RECAP (check mode');
    const checkReport = readJson(join(work, 'check.json'));

    const real = await runCli([site, '-e', `root=${root}`, '--json', join(work, 'real.json')]);
    expect(real.code).toBe(0);
    const realReport = readJson(join(work, 'real.json'));
    expect(changedTasks(realReport)).toEqual(changedTasks(checkReport));
    expect(changedTasks(realReport).length).toBeGreaterThan(8);
    expect(realReport.stats['localhost']?.changed).toBe(checkReport.stats['localhost']?.changed);
    expect(realReport.stats['localhost']).toMatchObject({ failed: 0, rescued: 1 });
    expect(readFileSync(join(root, 'app/rescued.txt'), 'utf8')).toBe('rescued from Simulated outage: simulated outage\n');
    expect(readFileSync(join(root, 'app/app.conf'), 'utf8')).toBe('# managed by osm-play\nport=8080\nmode=production\nuser=alice\nuser=bob\n');
    expect(readFileSync(join(root, 'app/restarted'), 'utf8')).toBe('restarted on port 8080\n');
    expect(readFileSync(join(root, 'app/reloaded'), 'utf8')).toBe('reloaded\n');

    const again = await runCli([site, '-e', `root=${root}`, '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as JsonReport;
    expect(report.stats['localhost']).toMatchObject({ changed: 0, failed: 0, rescued: 1 });
    expect(report.plays[0]?.results.some((x) => x.handler)).toBe(false);
    // With the JSON document on stdout, the human-readable lines went to stderr.
    expect(again.stderr).toContain('PLAY RECAP');
  }, 180_000);
});
