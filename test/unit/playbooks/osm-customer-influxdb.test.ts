// The osm_customer_influxdb role: its config.toml template rendered with the role's defaults and read by
// a real TOML parser (smol-toml), holding only keys InfluxDB OSS 2.7 documents
// (https://docs.influxdata.com/influxdb/v2/reference/config-options/, and the flags of
// cmd/influxd/launcher/cmd.go); its tasks loaded and checked against the modules they use, as
// --syntax-check does, and wired as the lead expects (registered names, no_log, secrets).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import assertModule from '../../../modules/assert.js';
import influxdbDbrp from '../../../modules/influxdb_dbrp.js';
import influxdbSetup from '../../../modules/influxdb_setup.js';
import influxdbToken from '../../../modules/influxdb_token.js';
import service from '../../../modules/service.js';
import serviceSettings from '../../../modules/service_settings.js';
import stat from '../../../modules/stat.js';
import template from '../../../modules/template.js';
import uri from '../../../modules/uri.js';
import waitFor from '../../../modules/wait_for.js';
import { formatDiagnostic } from '../../../runner/load/errors.js';
import { ModuleRegistry } from '../../../runner/load/modules.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { validatePlaybook } from '../../../runner/load/validate.js';
import { createTemplater } from '../../../runner/template/index.js';

const REPO = resolve(import.meta.dirname, '../../..');
const ROLE = join(REPO, 'playbooks/roles/osm_customer_influxdb');
const work = mkdtempSync(join(tmpdir(), 'osm-influxdb-role-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const defaults = parseYaml(readFileSync(join(ROLE, 'defaults/main.yaml'), 'utf8')) as Record<string, unknown>;

function renderConfig(): string {
  return createTemplater().renderFile(join(ROLE, 'templates/config.toml.j2'), { ...defaults, ansible_managed: 'Ansible managed' });
}

// influxd's options (config-options page of the v2 docs, the launcher's flags); a key outside this
// list is ignored by influxd, so a typo would pass silently.
const DOCUMENTED_KEYS = new Set([
  'assets-path', 'bolt-path', 'e2e-testing', 'engine-path', 'feature-flags', 'flux-log-enabled', 'hardening-enabled',
  'http-bind-address', 'http-idle-timeout', 'http-read-header-timeout', 'http-read-timeout', 'http-write-timeout',
  'influxql-max-select-buckets', 'influxql-max-select-point', 'influxql-max-select-series', 'instance-id', 'log-level',
  'metrics-disabled', 'nats-max-payload-bytes', 'nats-port', 'no-tasks', 'pprof-disabled', 'query-concurrency',
  'query-initial-memory-bytes', 'query-max-memory-bytes', 'query-memory-bytes', 'query-queue-size', 'reporting-disabled',
  'secret-store', 'session-length', 'session-renew-disabled', 'sqlite-path', 'storage-cache-max-memory-size',
  'storage-cache-snapshot-memory-size', 'storage-cache-snapshot-write-cold-duration', 'storage-compact-full-write-cold-duration',
  'storage-compact-throughput-burst', 'storage-max-concurrent-compactions', 'storage-max-index-log-file-size',
  'storage-no-validate-field-size', 'storage-retention-check-interval', 'storage-series-file-max-concurrent-snapshot-compactions',
  'storage-series-id-set-cache-size', 'storage-shard-precreator-advance-period', 'storage-shard-precreator-check-interval',
  'storage-tsm-use-madv-willneed', 'storage-validate-keys', 'storage-wal-fsync-delay', 'storage-wal-max-concurrent-writes',
  'storage-wal-max-write-delay', 'storage-write-timeout', 'store', 'strong-passwords', 'testing-always-allow-setup',
  'tls-cert', 'tls-key', 'tls-min-version', 'tls-strict', 'tracing-type', 'ui-disabled', 'vault-addr', 'vault-cacert',
  'vault-capath', 'vault-client-cert', 'vault-client-key', 'vault-client-timeout', 'vault-max-retries', 'vault-skip-verify',
  'vault-tls-server-name', 'vault-token',
]);

describe('config.toml of osm_customer_influxdb', () => {
  const config = parseToml(renderConfig());

  it('is TOML with only options influxd documents', () => {
    expect(Object.keys(config).length).toBeGreaterThan(0);
    for (const key of Object.keys(config)) expect(DOCUMENTED_KEYS, key).toContain(key);
  });

  it('keeps the Debian package data paths (its post-install script writes these), so a rewrite never moves the data', () => {
    expect(config['bolt-path']).toBe('/var/lib/influxdb/influxd.bolt');
    expect(config['engine-path']).toBe('/var/lib/influxdb/engine');
  });

  it('sends no telemetry, and leaves the listen address at its default :8086 (all interfaces, for nginx on the host)', () => {
    expect(config['reporting-disabled']).toBe(true);
    expect(config).not.toHaveProperty('http-bind-address');
  });
});

describe('osm_customer_influxdb tasks', () => {
  const tasks = parseYaml(readFileSync(join(ROLE, 'tasks/main.yaml'), 'utf8')) as Record<string, unknown>[];
  const using = (mod: string) => tasks.filter((t) => mod in t);

  it('load and validate against the modules they use, as --syntax-check does', async () => {
    const site = join(work, 'site.yml');
    writeFileSync(site, '- hosts: all\n  tasks:\n    - import_role:\n        name: osm_customer_influxdb\n');
    const pb = await loadPlaybook(site, { rolesPath: [join(REPO, 'playbooks/roles')] });
    const registry = new ModuleRegistry([stat, assertModule, template, serviceSettings, service, waitFor, uri, influxdbSetup, influxdbToken, influxdbDbrp]);
    expect(validatePlaybook(pb, registry).map((d) => formatDiagnostic(d))).toEqual([]);
    expect(pb.plays[0]?.tasks.length).toBeGreaterThan(0);
  });

  it('set up with the secrets the lead provides, org = customer, bucket and retention from the defaults', () => {
    expect(defaults).toEqual({ osm_influxdb_bucket: 'osm', osm_influxdb_retention: '0' });
    expect(using('influxdb_setup')[0]).toMatchObject({
      register: 'influx_setup',
      influxdb_setup: {
        org: '{{ customer_name }}',
        bucket: '{{ osm_influxdb_bucket }}',
        retention_seconds: '{{ osm_influxdb_retention }}',
        username: 'admin',
        password: '{{ mqtt_secret.values.influxdb_admin_password }}',
        token: '{{ mqtt_secret.values.influxdb_operator_token }}',
      },
    });
  });

  it('register the two tokens under no_log: ChirpStack writes the bucket, Grafana reads it', () => {
    const tokens = using('influxdb_token');
    expect(tokens.map((t) => [t['register'], t['no_log'], (t['influxdb_token'] as { description: string }).description, (t['influxdb_token'] as { permissions: unknown }).permissions])).toEqual([
      ['influx_chirpstack_token', true, 'chirpstack', [{ action: 'write', bucket: '{{ osm_influxdb_bucket }}' }]],
      ['influx_grafana_token', true, 'grafana', [{ action: 'read', bucket: '{{ osm_influxdb_bucket }}' }]],
    ]);
  });

  it('map the bucket for v1 clients as the database of the same name, retention policy autogen', () => {
    expect(using('influxdb_dbrp')[0]?.['influxdb_dbrp']).toMatchObject({ bucket: '{{ osm_influxdb_bucket }}', database: '{{ osm_influxdb_bucket }}', retention_policy: 'autogen' });
  });

  it('skip the tokens and the mapping only in check mode before the setup (no organization to read yet)', () => {
    const t = createTemplater();
    const conditions = [...using('influxdb_token'), ...using('influxdb_dbrp')].map((task) => String(task['when']));
    expect(conditions).toHaveLength(3);
    for (const when of conditions) {
      expect(t.evaluate(when, { ansible_check_mode: false, influx_setup: { org_id: null } })).toBeTruthy();
      expect(t.evaluate(when, { ansible_check_mode: true, influx_setup: { org_id: '1a2b3c4d5e6f7081' } })).toBeTruthy();
      expect(t.evaluate(when, { ansible_check_mode: true, influx_setup: { org_id: null } })).toBeFalsy();
    }
  });

  it('wait for /health to say 200, also through attempts where nothing answered (no status)', () => {
    const t = createTemplater();
    const [health] = using('uri');
    expect(health?.['uri']).toEqual({ url: 'http://127.0.0.1:8086/health' });
    const until = String(health?.['until']);
    expect(t.evaluate(until, { influx_health: { failed: true, msg: 'curl: (7) Failed to connect' } })).toBe(false);
    expect(t.evaluate(until, { influx_health: { status: 503 } })).toBe(false);
    expect(t.evaluate(until, { influx_health: { status: 200 } })).toBe(true);
  });

  it('restart influxd when its settings change, before it is set up', () => {
    const names = tasks.map((t) => Object.keys(t).find((k) => !['name', 'register', 'when', 'no_log', 'until', 'retries', 'delay'].includes(k)));
    expect(names.indexOf('service_settings')).toBeGreaterThan(names.indexOf('template'));
    expect(names.indexOf('influxdb_setup')).toBeGreaterThan(names.indexOf('uri'));
    expect(using('service_settings')[0]).toMatchObject({ service_settings: { name: 'influxdb', files: ['/etc/influxdb/config.toml'] } });
    expect(using('template')[0]).toMatchObject({ template: { src: 'config.toml.j2', dest: '/etc/influxdb/config.toml' } });
  });
});
