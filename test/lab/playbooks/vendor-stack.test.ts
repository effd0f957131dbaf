// The whole application stack in a customer container (issue 14), on an OS base that has the
// vendors' packages (InfluxDB 2, ChirpStack v4, Grafana) served from OSM_VENDOR_DEBS: create-container
// sets each up through its own API, an uplink sent as a gateway would reaches InfluxDB through
// ChirpStack, and Grafana's datasource answers through the customer's vhost. Without the packages
// this file prints one loud line and runs nothing: the one lab test allowed not to run under CI.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, runArgv } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, DOMAIN, changedCount, changedTasks, mosquitto, pebbleRoot, play, statusRow, type PlayRun } from './helpers.js';
import { customer, purge } from './customers.js';
import { TEST_BASE_PREFIX, removeTestBases } from './test-bases.js';
import { notRunLine, vendorDebs } from './vendor-debs.js';
import { parseKeyValues } from '../../../modules/generated_secret.js';
import { sendVendorUplink } from './vendor-uplink.js';

const STEP_MS = 15 * 60_000;
const VENDOR_BASE = `${TEST_BASE_PREFIX}22-vendor`;
const STACK = ['postgres', 'redis', 'influxdb', 'chirpstack', 'grafana'];
const SECRETS = [
  'password', 'gateway_password', 'chirpstack_mqtt_password', 'postgres_chirpstack_password', 'influxdb_admin_password',
  'influxdb_operator_token', 'chirpstack_admin_password', 'chirpstack_api_secret', 'grafana_admin_password',
  'grafana_viewer_password', 'influxdb_chirpstack_token', 'influxdb_grafana_token',
];

const debs = vendorDebs();
if ('missing' in debs) console.log(notRunLine(debs.missing));

const c = customer('t14-vendor', 18953);
const tmp = mkdtempSync(join(tmpdir(), 't14-vendor-'));
const cafile = join(tmp, 'ca.pem');
const hostsFile = join(tmp, 'hosts');
const create = () => play('create-container', { customer_name: c.name, mqtt_port: String(c.port), os_base: VENDOR_BASE }, ['-e', JSON.stringify({ osm_customer_stack: STACK })]);
const secrets = () => parseKeyValues(readFileSync(join(CREDENTIALS_DIR, `${c.name}.txt`), 'utf8'));

/** A request to a vhost of the customer through the lab's nginx, with full TLS verification. */
async function web(name: string, path: string, extra: string[] = []): Promise<{ status: number; body: string }> {
  const r = await runArgv(['curl', '-sS', '--max-time', '20', '--cacert', cafile, '--resolve', `${name}:443:127.0.0.1`, '-w', '\n%{http_code}', ...extra, `https://${name}${path}`]);
  const at = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(at + 1)), body: r.stdout.slice(0, at) };
}

describe.skipIf('missing' in debs)('the whole application stack, from the vendors\' packages', () => {
  let created: PlayRun;

  beforeAll(async () => {
    if ('missing' in debs) return;
    await ensureLab();
    await purge(c);
    const host = await play('setup-host');
    expect(host.code, host.output).toBe(0);
    await pebbleRoot(cafile);
    writeFileSync(hostsFile, `127.0.0.1 ${c.mqttName}\n`);
    const base = await play('build-os-base', { os_base: VENDOR_BASE, osm_base_local_debs: debs.dir }, [
      '-e', JSON.stringify({ osm_base_packages: ['postgresql', 'redis-server', 'curl', ...debs.packages] }),
    ]);
    expect(base.code, base.output).toBe(0);
    created = await create();
  }, STEP_MS);

  afterAll(async () => {
    await purge(c);
    await removeTestBases();
    rmSync(tmp, { recursive: true, force: true });
  }, STEP_MS);

  it('create-container sets every part up and keeps every secret root-only, printing none', () => {
    expect(created.code, created.output).toBe(0);
    const file = join(CREDENTIALS_DIR, `${c.name}.txt`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const s = secrets();
    const seen = `${created.output}\n${JSON.stringify(created.results)}`;
    for (const k of SECRETS) {
      expect(s[k], k).toMatch(/^\S{16,}$/);
      expect(seen.includes(s[k] ?? '<none>'), `${k} printed`).toBe(false);
    }
  });

  it("Grafana's InfluxDB datasource passes its health check through the customer's vhost", async () => {
    const s = secrets();
    const health = await web(c.webName, '/api/datasources/uid/osm-influxdb/health', ['-u', `admin:${s['grafana_admin_password']}`]);
    expect(health.status, health.body).toBe(200);
    expect((JSON.parse(health.body) as { status: string }).status).toBe('OK');
    // The viewer logs in and cannot change anything.
    const viewer = await web(c.webName, '/api/user', ['-u', `viewer:${s['grafana_viewer_password']}`]);
    expect(viewer.status, viewer.body).toBe(200);
    const edit = await web(c.webName, '/api/folders', ['-u', `viewer:${s['grafana_viewer_password']}`, '-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"title":"x"}']);
    expect(edit.status).toBe(403);
  });

  it('InfluxDB and ChirpStack answer through their vhosts; the read token cannot write', async () => {
    const s = secrets();
    expect((await web(`${c.name}-influx.${DOMAIN}`, '/health')).status).toBe(200);
    expect((await web(`${c.name}-chirpstack.${DOMAIN}`, '/')).status).toBe(200);
    const write = await web(`${c.name}-influx.${DOMAIN}`, `/api/v2/write?org=${c.name}&bucket=osm`, ['-X', 'POST', '-H', `Authorization: Token ${s['influxdb_grafana_token']}`, '--data-binary', 'm v=1']);
    expect([401, 403]).toContain(write.status);
  });

  it('an uplink sent as a gateway would reaches InfluxDB through ChirpStack', async () => {
    const s = secrets();
    const gateway = { user: `${c.name}-gateway`, password: s['gateway_password'] ?? '' };
    const sent = await sendVendorUplink({
      container: c.container,
      adminPassword: s['chirpstack_admin_password'] ?? '',
      publish: (topic, payload) => mosquitto('mosquitto_pub', { name: c.mqttName, port: c.port, cafile, hostsFile }, gateway.user, gateway.password, ['-t', topic, '-m', payload, '-q', '1']),
    });
    // ChirpStack's InfluxDB integration writes the uplink's metadata and payload into the bucket.
    const flux = `from(bucket: "osm") |> range(start: -1h) |> filter(fn: (r) => r.dev_eui == "${sent.devEui}") |> count()`;
    let found = '';
    for (let i = 0; i < 30 && !found.includes(sent.devEui); i++) {
      const q = await web(`${c.name}-influx.${DOMAIN}`, `/api/v2/query?org=${c.name}`, [
        '-X', 'POST', '-H', `Authorization: Token ${s['influxdb_operator_token']}`, '-H', 'Content-Type: application/vnd.flux', '-H', 'Accept: application/csv', '--data-binary', flux,
      ]);
      found = q.body;
      if (!found.includes(sent.devEui)) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(found).toContain(sent.devEui);
  });

  it('status reports every service of the stack active', async () => {
    const status = await play('status');
    expect(status.code, status.output).toBe(0);
    const names = (statusRow(status, c.name)['services'] as { name: string; active: boolean }[]).map((u) => `${u.name.replace(/@.*/, '')}:${u.active}`).sort();
    expect(names).toEqual(['mosquitto', 'postgresql', 'redis-server', 'influxdb', 'chirpstack', 'grafana-server'].map((n) => `${n}:true`).sort());
  });

  it('a second create and provision-customer change nothing and rotate nothing', async () => {
    const before = secrets();
    const again = await create();
    expect(again.code, again.output).toBe(0);
    expect(changedCount(again), changedTasks(again).join('\n')).toBe(0);
    const provision = await play('provision-customer', { customer_name: c.name }, ['-e', JSON.stringify({ osm_customer_stack: STACK })]);
    expect(changedCount(provision), changedTasks(provision).join('\n')).toBe(0);
    expect(secrets()).toEqual(before);
  });
});
