// The OSM alert rules, rendered from the role's template with its defaults, checked by Prometheus's
// own tools: `promtool check rules`, and `promtool test rules` with input series and expected alerts
// for every rule (test/fixtures/monitoring/osm-alerts.test.yml). README names every alert.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTemplater } from '../../../runner/template/index.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROLE = join(REPO, 'playbooks/roles/osm_monitoring_server');
const FIXTURE = join(REPO, 'test/fixtures/monitoring/osm-alerts.test.yml');
const work = mkdtempSync(join(tmpdir(), 'osm-alert-rules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function renderRules(overrides: Record<string, unknown> = {}): string {
  const defaults = parse(readFileSync(join(ROLE, 'defaults/main.yaml'), 'utf8')) as Record<string, unknown>;
  return createTemplater().renderFile(join(ROLE, 'templates/osm-alerts.yml.j2'), { ...defaults, ansible_managed: 'Ansible managed', ...overrides });
}

function promtool(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function alertNames(rules: string): string[] {
  const doc = parse(rules) as { groups: { rules: { alert: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort();
}

describe('OSM alert rules', () => {
  const rules = renderRules();
  writeFileSync(join(work, 'osm-alerts.yml'), rules);
  copyFileSync(FIXTURE, join(work, 'osm-alerts.test.yml'));

  it('are valid rules for promtool', () => {
    const r = promtool(['check', 'rules', 'osm-alerts.yml'], work);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('fire and stay quiet as the rule tests expect', () => {
    const r = promtool(['test', 'rules', 'osm-alerts.test.yml'], work);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('a shorter for: makes the rule tests fail (they watch the durations)', () => {
    const dir = mkdtempSync(join(work, 'short-'));
    writeFileSync(join(dir, 'osm-alerts.yml'), renderRules({ osm_alert_customer_down_for: '1m' }));
    copyFileSync(FIXTURE, join(dir, 'osm-alerts.test.yml'));
    const r = promtool(['test', 'rules', 'osm-alerts.test.yml'], dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('alertname: OsmCustomerDown');
  });

  it('every alert has a rule test and a README entry', () => {
    const names = alertNames(rules);
    expect(names).toContain('OsmCustomerDown');
    expect(names.length).toBeGreaterThanOrEqual(5);
    const tests = parse(readFileSync(FIXTURE, 'utf8')) as { tests: { alert_rule_test: { alertname: string }[] }[] };
    const tested = new Set(tests.tests.flatMap((t) => t.alert_rule_test.map((a) => a.alertname)));
    expect([...tested].sort()).toEqual(names);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Monitoring'));
    expect(readme).toContain('## Monitoring');
    for (const n of names) expect(section, `README Monitoring names ${n}`).toContain(`\`${n}\``);
  });

  it('the required alerts have the issue thresholds by default', () => {
    for (const want of [
      /alert: OsmCertificateExpiresSoon\n\s+expr: osm_certificate_expiry_seconds - time\(\) < 14 \* 86400/,
      /alert: OsmBackupTooOld\n\s+expr: >-\n\s+time\(\) - osm_backup_last_success_timestamp_seconds > 26 \* 3600/,
      /alert: OsmDiskAlmostFull\n\s+expr: 1 - osm_btrfs_free_bytes \/ osm_btrfs_size_bytes > 0\.85/,
      /alert: OsmHostDown\n\s+expr: up\{job="osm_hosts"\} == 0/,
    ]) expect(rules).toMatch(want);
  });
});
