// setup-monitoring.yaml end to end on this machine, without the lab: the playbook (local
// connection) writes Prometheus's and Alertmanager's files into a temp dir; the test then starts
// prometheus and prometheus-alertmanager from those files on free loopback ports (as its own
// children, never as services), with a fake OSM host serving an osm.prom text and a webhook
// receiver of its own. A customer down fires OsmCustomerDown for that customer alone, the webhook
// gets it with its bearer token, and it resolves when the customer is back. Then: a rules or
// Alertmanager file that fails its check is never installed, and secrets appear in no output.
import { waitFor } from '../../helpers/wait-for.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, type CliRun } from '../cli/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-setup-monitoring-'));
const etc = join(work, 'etc');
const TOKEN = 'Bearer-Secret-7c41d9';
const SMTP_PASSWORD = 'Smtp-Secret-52aa90';
const servers: Server[] = [];
const children: ChildProcess[] = [];

interface Hook {
  authorization: string | undefined;
  body: { status: string; alerts: { status: string; labels: Record<string, string> }[] };
}
const hooks: Hook[] = [];
const customerUp: Record<string, number> = { acme: 1, beta: 1 };

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await new Promise<number>((done) => s.listen(0, '127.0.0.1', () => done((s.address() as AddressInfo).port)));
  await new Promise((done) => s.close(done));
  return port;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => done(body));
  });
}

/** What osm-metrics writes on a healthy host, with osm_customer_up from customerUp. */
function osmProm(): string {
  const now = Math.floor(Date.now() / 1000);
  const lines = ['# HELP osm_customer_up 1 when the container is running.', '# TYPE osm_customer_up gauge'];
  for (const [c, up] of Object.entries(customerUp)) lines.push(`osm_customer_up{customer="${c}",host="fakehost"} ${up}`);
  lines.push('# HELP osm_customer_mqtt_tls_up MQTT over TLS answers.', '# TYPE osm_customer_mqtt_tls_up gauge');
  for (const c of Object.keys(customerUp)) lines.push(`osm_customer_mqtt_tls_up{customer="${c}",host="fakehost"} 1`);
  lines.push('# HELP osm_metrics_generated_timestamp_seconds When osm-metrics ran.', '# TYPE osm_metrics_generated_timestamp_seconds gauge');
  lines.push(`osm_metrics_generated_timestamp_seconds{host="fakehost"} ${now}`);
  return `${lines.join('\n')}\n`;
}

/** Starts a program of the test's own; it is killed in afterAll. */
function start(argv: string[]): ChildProcess {
  const child = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`${argv[0]} exited ${code}:\n${log}`);
  });
  children.push(child);
  return child;
}


interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
}

let amPort = 0;
let promPort = 0;
let inventory = '';
let extraVars = '';
let firstRun: CliRun;

async function activeAlerts(): Promise<AmAlert[]> {
  const r = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false`);
  if (!r.ok) throw new Error(`alertmanager answered ${r.status}`);
  return (await r.json()) as AmAlert[];
}

const customersDown = async (): Promise<string[]> =>
  (await activeAlerts()).filter((a) => a.labels['alertname'] === 'OsmCustomerDown').map((a) => a.labels['customer'] ?? '?').sort();

beforeAll(async () => {
  const lxc = join(work, 'lxc');
  for (const [customer, port] of [['acme', 18883], ['beta', 18884]] as const) {
    const dir = join(lxc, 'containers', `${customer}-svr`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'osm-customer.json'), JSON.stringify({ customer, mqtt_port: port, os_base: 'bookworm' }));
    writeFileSync(join(dir, 'lxc.container.conf'), '');
  }
  const targetPort = await listen(
    createServer((req, res) => {
      res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(req.url === '/metrics' ? osmProm() : '');
    }),
  );
  const hookPort = await listen(
    createServer((req, res) => {
      void readBody(req).then((body) => {
        hooks.push({ authorization: req.headers.authorization, body: JSON.parse(body) as Hook['body'] });
        res.end('ok');
      });
    }),
  );
  amPort = await freePort();
  promPort = await freePort();

  inventory = join(work, 'inventory.yaml');
  writeFileSync(inventory, `all:
  vars:
    ansible_connection: local
  children:
    osm_hosts:
      hosts:
        fakehost:
          osm_metrics_address: 127.0.0.1
          osm_node_exporter_port: ${targetPort}
      vars:
        osm_domain: osm.test
        osm_lxc_root: ${lxc}
        osm_nginx_dir: ${join(work, 'nginx')}
        osm_dnsmasq_conf: ${join(work, 'dnsmasq.conf')}
        osm_hosts_file: ${join(work, 'hosts')}
    monitoring:
      hosts:
        monhost:
          osm_monitoring_install_packages: false
          osm_monitoring_services: false
          osm_monitoring_config_group: root
          osm_prometheus_dir: ${etc}
          osm_prometheus_self_address: 127.0.0.1:${promPort}
          osm_alertmanager_address: 127.0.0.1:${amPort}
          # Nothing listens there: the public probes fail, which must not raise OsmCustomerDown.
          osm_blackbox_address: 127.0.0.1:9
          osm_prometheus_scrape_interval: 1s
          osm_prometheus_evaluation_interval: 1s
          osm_alert_customer_down_for: 2s
          osm_alert_group_wait: 1s
          osm_alert_group_interval: 1s
          osm_alert_repeat_interval: 1h
          osm_alert_email_to: [ops@osm.test]
          osm_alert_smtp_smarthost: 127.0.0.1:25
          osm_alert_smtp_from: alerts@osm.test
          osm_alert_smtp_username: alerts
`);
  extraVars = JSON.stringify({
    osm_alert_smtp_password: SMTP_PASSWORD,
    osm_alert_webhooks: [{ url: `http://127.0.0.1:${hookPort}/hook`, bearer_token: TOKEN }],
  });
  firstRun = await runCli(['-i', inventory, join(REPO, 'playbooks/setup-monitoring.yaml'), '-e', extraVars, '--diff', '-vv']);
}, 300_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const gone = new Promise((done) => c.once('exit', done));
      c.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
  }
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('setup-monitoring.yaml', () => {
  it('writes every file, checked, with the secrets only in alertmanager.yml (0640)', () => {
    expect(firstRun.stderr).toBe('');
    expect(firstRun.code, firstRun.stdout).toBe(0);
    for (const out of [firstRun.stdout, firstRun.stderr]) {
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(SMTP_PASSWORD);
    }
    const am = readFileSync(join(etc, 'alertmanager.yml'), 'utf8');
    expect(am).toContain(TOKEN);
    expect(am).toContain(SMTP_PASSWORD);
    expect(statSync(join(etc, 'alertmanager.yml')).mode & 0o777).toBe(0o640);
    const prom = readFileSync(join(etc, 'prometheus.yml'), 'utf8');
    expect(prom).toContain('host: "fakehost"');
    expect(readFileSync(join(etc, 'osm-targets/https.yml'), 'utf8')).toContain('"https://beta-chirpstack.osm.test/"');
    expect(readFileSync(join(etc, 'osm-targets/mqtt.yml'), 'utf8')).toContain('["acme-mqtt.osm.test:18883"]');
  });

  it('a second run changes nothing', async () => {
    const r = await runCli(['-i', inventory, join(REPO, 'playbooks/setup-monitoring.yaml'), '-e', extraVars]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/monhost\s*: ok=\d+\s+changed=0 /);
  }, 120_000);

  it('a customer down fires OsmCustomerDown for it alone, the webhook gets it, and it resolves', async () => {
    start(['prometheus-alertmanager', `--config.file=${join(etc, 'alertmanager.yml')}`, `--storage.path=${join(work, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=']);
    start(['prometheus', `--config.file=${join(etc, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`]);
    // Prometheus scrapes the fake host: both customers up, nothing fires.
    await waitFor('prometheus has scraped the OSM host', 60, async () => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('osm_customer_up')}`);
      const body = (await r.json()) as { data: { result: unknown[] } };
      return body.data.result.length === 2 ? true : undefined;
    });
    expect(await customersDown()).toEqual([]);

    customerUp['acme'] = 0;
    await waitFor('Alertmanager lists OsmCustomerDown', 60, async () => ((await customersDown()).length > 0 ? true : undefined));
    expect(await customersDown()).toEqual(['acme']);
    const firing = await waitFor('the webhook gets OsmCustomerDown', 30, async () =>
      hooks.find((h) => h.body.alerts.some((a) => a.status === 'firing' && a.labels['alertname'] === 'OsmCustomerDown')),
    );
    expect(firing.authorization).toBe(`Bearer ${TOKEN}`);
    const hooked = firing.body.alerts.filter((a) => a.labels['alertname'] === 'OsmCustomerDown');
    expect(hooked.map((a) => [a.labels['customer'], a.labels['host'], a.status])).toEqual([['acme', 'fakehost', 'firing']]);

    customerUp['acme'] = 1;
    await waitFor('OsmCustomerDown resolves in Alertmanager', 60, async () => ((await customersDown()).length === 0 ? true : undefined));
    const resolved = await waitFor('the webhook gets the resolution', 30, async () =>
      hooks.find((h) => h.body.alerts.some((a) => a.status === 'resolved' && a.labels['alertname'] === 'OsmCustomerDown')),
    );
    expect(resolved.body.alerts.filter((a) => a.labels['alertname'] === 'OsmCustomerDown').map((a) => a.labels['customer'])).toEqual(['acme']);
    expect(hooks.every((h) => h.body.alerts.every((a) => a.labels['alertname'] !== 'OsmCustomerDown' || a.labels['customer'] === 'acme'))).toBe(true);
  }, 240_000);

  it('rules that fail promtool are never installed: the old file stays and the run fails at that task', async () => {
    const before = readFileSync(join(etc, 'osm-alerts.yml'), 'utf8');
    const r = await runCli(['-i', inventory, join(REPO, 'playbooks/setup-monitoring.yaml'), '-e', extraVars, '-e', 'osm_alert_customer_down_for=soon']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/failed: \[monhost\] OSM alert rules/);
    expect(readFileSync(join(etc, 'osm-alerts.yml'), 'utf8')).toBe(before);
  }, 120_000);

  it('an Alertmanager file that fails amtool is never installed, and its failure shows no secret', async () => {
    const before = readFileSync(join(etc, 'alertmanager.yml'), 'utf8');
    const bad = JSON.stringify({ osm_alert_smtp_password: SMTP_PASSWORD, osm_alert_webhooks: [{ url: 'not a url', bearer_token: TOKEN }] });
    const r = await runCli(['-i', inventory, join(REPO, 'playbooks/setup-monitoring.yaml'), '-e', bad, '--diff', '-vvv']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/failed: \[monhost\] Alertmanager receivers/);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(SMTP_PASSWORD);
    }
    expect(readFileSync(join(etc, 'alertmanager.yml'), 'utf8')).toBe(before);
  }, 120_000);
});
