// osm-metrics, the per-customer checks an OSM host runs without osm-play: run against fake LXC
// commands (lxc-info, lxc-cgroup, btrfs) but real openssl and curl talking to real TLS servers on
// loopback (an MQTT broker stand-in per port, an HTTPS server standing in for nginx). Its output is
// read by Prometheus's own parser (`promtool check metrics`); the systemd units pass
// `systemd-analyze verify` (which works offline, without systemd as PID 1).
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonReport } from '../../../runner/report/json.js';
import { createTemplater } from '../../../runner/template/index.js';
import { runCli } from '../cli/run-cli.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROLE = join(REPO, 'playbooks/roles/osm_monitoring_agent');
const SCRIPT = join(ROLE, 'files/osm-metrics');
const work = mkdtempSync(join(tmpdir(), 'osm-metrics-'));
const servers: Server[] = [];
const GiB = 1024 ** 3;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0] ?? '', argv.slice(1), { env: { ...process.env, PATH: `${join(work, 'bin')}:${process.env['PATH'] ?? ''}`, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a process that exits before reading its input
    child.stdin.end(input ?? '');
  });
}

function listen<T extends Server | HttpsServer>(server: T): Promise<number> {
  servers.push(server);
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
}

/** A broker stand-in: TLS, answers CONNECT with CONNACK 0 and closes on DISCONNECT; `silent` never answers. */
function broker(key: Buffer, cert: Buffer, silent: boolean): Promise<number> {
  const server = createTlsServer({ key, cert }, (socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      if (silent) return;
      if (d[0] === 0x10) socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      if (d.includes(Buffer.from([0xe0, 0x00]))) socket.end();
    });
  });
  return listen(server);
}

function fakeCommand(name: string, body: string): void {
  const path = join(work, 'bin', name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** `name{labels} value` lines → { 'name{labels}': value } (promtool has checked the syntax). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

let certNotAfter = 0;
let conf = '';
let httpsPort = 0;
const lxc = join(work, 'lxc');

beforeAll(async () => {
  mkdirSync(join(work, 'bin'));
  const keyFile = join(work, 'key.pem');
  const certFile = join(work, 'cert.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '30', '-subj', '/CN=acme-mqtt.osm.test', '-addext', 'subjectAltName=DNS:acme-mqtt.osm.test,DNS:delta-mqtt.osm.test,DNS:epsilon-mqtt.other.test',
  ], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const key = readFileSync(keyFile);
  const cert = readFileSync(certFile);
  certNotAfter = Math.floor(new Date(new X509Certificate(cert).validTo).getTime() / 1000);

  const acmePort = await broker(key, cert, false);
  // beta's port serves a certificate that is not beta's; delta's broker never answers MQTT.
  const betaPort = await broker(key, cert, false);
  const deltaPort = await broker(key, cert, true);
  // gamma's port: free, nobody listens (taken and released).
  const spare = createTlsServer({ key, cert });
  const gammaPort = await listen(spare);
  await new Promise((done) => spare.close(done));
  servers.splice(servers.indexOf(spare), 1);
  const nginx = createHttpsServer({ key, cert }, (req, res) => {
    res.writeHead(String(req.headers.host).startsWith('acme') ? 200 : 502);
    res.end();
  });
  httpsPort = await listen(nginx);

  // epsilon was created with its own domain (create-container -e domain=other.test): its record says so.
  const epsilonPort = await broker(key, cert, false);
  const ports: Record<string, number> = { acme: acmePort, beta: betaPort, gamma: gammaPort, delta: deltaPort, epsilon: epsilonPort };
  for (const [customer, port] of Object.entries(ports)) {
    const dir = join(lxc, 'containers', `${customer}-svr`);
    mkdirSync(dir, { recursive: true });
    const domain = customer === 'epsilon' ? { domain: 'other.test' } : {};
    writeFileSync(join(dir, 'osm-customer.json'), JSON.stringify({ customer, mqtt_port: port, os_base: 'bookworm', ...domain }));
  }
  for (const n of ['0', '1', '2']) mkdirSync(join(lxc, 'containers/acme-svr/.snapshots', n, 'snapshot'), { recursive: true });
  writeFileSync(join(lxc, 'containers/acme-svr/.snapshots/2/info.xml'), '<?xml version="1.0"?>\n<snapshot>\n  <num>2</num>\n  <date>2026-12-04 02:43:10</date>\n</snapshot>\n');
  writeFileSync(join(work, 'backup.log'), [
    '2026-12-03 acme-svr ok snapshot 1',
    '2026-12-04 acme-svr ok snapshot 2',
    '2026-12-03 beta-svr ok snapshot 7',
    '2026-12-04 beta-svr failed snapshot 8',
    '2026-12-04 other-svr ok snapshot 1',
    '',
  ].join('\n'));

  // As the real lxc-info: a line per flag asked for (-s, -p, -i), PID and IPs only while running.
  fakeCommand('lxc-info', [
    'name=$2; shift 2',
    'state=RUNNING; [ "$name" = gamma-svr ] && state=STOPPED',
    'for flag in "$@"; do',
    '  case $flag in',
    '    -s) echo "State:          $state" ;;',
    '    -p) [ $state = RUNNING ] && echo "PID:            4242" ;;',
    '    -i) [ $state = RUNNING ] && printf "IP:             fd42::7\\nIP:             10.0.3.7\\n" ;;',
    '  esac',
    'done',
  ].join('\n'));
  fakeCommand('lxc-cgroup', '[ "$3" = memory.current ] && echo 104857600');
  fakeCommand('btrfs', `[ "$1 $2 $3" = "filesystem usage -b" ] || exit 1\nprintf 'Overall:\\n    Device size:\\t\\t%s\\n    Free (estimated):\\t\\t%s\\t(min: 1)\\n' ${100 * GiB} ${40 * GiB}`);

  conf = join(work, 'metrics.conf');
  writeFileSync(conf, [
    'OSM_HOST=lab', 'OSM_DOMAIN=osm.test', `OSM_LXC_ROOT=${lxc}`, `OSM_BACKUP_LOG=${join(work, 'backup.log')}`,
    'OSM_PROBE_ADDRESS=127.0.0.1', `OSM_HTTPS_PORT=${httpsPort}`, 'OSM_TIMEOUT=3', '',
  ].join('\n'));
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  rmSync(work, { recursive: true, force: true });
});

describe('osm-metrics', () => {
  let out: Run;
  let m: Map<string, number>;
  beforeAll(async () => {
    out = await run(['sh', SCRIPT, '--config', conf]);
    m = samples(out.stdout);
  }, 60_000);
  const c = (customer: string, extra = '') => `{customer="${customer}",host="lab"${extra}}`;

  it('prints text that Prometheus parses without complaint', async () => {
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const check = await run(['promtool', 'check', 'metrics'], {}, out.stdout);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
    for (const name of ['osm_customer_up', 'osm_customer_mqtt_tls_up', 'osm_certificate_expiry_seconds', 'osm_vhost_up', 'osm_backup_last_success_timestamp_seconds', 'osm_snapshots', 'osm_btrfs_free_bytes', 'osm_container_memory_bytes']) {
      expect(out.stdout).toContain(`# TYPE ${name} gauge\n`);
      expect(out.stdout).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
  });

  it('a bad sample is what promtool refuses (the check can fail)', async () => {
    const check = await run(['promtool', 'check', 'metrics'], {}, `${out.stdout}osm_customer_up{customer="x" 1\n`);
    expect(check.code).not.toBe(0);
  });

  it('escapes a label value with a quote, a backslash or a newline (and leaves a plain one as it is)', async () => {
    const hostileConf = join(work, 'metrics-hostile.conf');
    writeFileSync(hostileConf, `${readFileSync(conf, 'utf8')}OSM_HOST='lab"1\\x\ny'\nOSM_CUSTOMERS=acme\n`);
    const hostile = await run(['sh', SCRIPT, '--config', hostileConf]);
    expect(hostile.stdout).toContain('osm_customer_up{customer="acme",host="lab\\"1\\\\x\\ny"} 1\n');
    const check = await run(['promtool', 'check', 'metrics'], {}, hostile.stdout);
    expect(check.stdout + check.stderr).toBe('');
    expect(out.stdout).toContain('osm_customer_up{customer="acme",host="lab"} 1\n');
  }, 60_000);

  it('container running, from lxc-info', () => {
    expect([m.get(`osm_customer_up${c('acme')}`), m.get(`osm_customer_up${c('beta')}`), m.get(`osm_customer_up${c('gamma')}`)]).toEqual([1, 1, 0]);
  });

  it('MQTT over TLS: only a broker answering with its own certificate is up', () => {
    const up = Object.fromEntries(['acme', 'beta', 'gamma', 'delta'].map((x) => [x, m.get(`osm_customer_mqtt_tls_up${c(x)}`)]));
    expect(up).toEqual({ acme: 1, beta: 0, gamma: 0, delta: 0 });
  });

  it("a customer's recorded domain names its MQTT certificate and vhosts, not OSM_DOMAIN", () => {
    expect(m.get(`osm_customer_mqtt_tls_up${c('epsilon')}`)).toBe(1);
    expect(m.get(`osm_certificate_matches_name${c('epsilon', ',name="epsilon-mqtt.other.test"')}`)).toBe(1);
    expect(m.get(`osm_vhost_http_status${c('epsilon', ',vhost="epsilon.other.test"')}`)).toBe(502);
    expect([...m.keys()].filter((k) => k.includes('epsilon') && k.includes('osm.test'))).toEqual([]);
  });

  it("the certificate's notAfter on each answering port", () => {
    expect(m.get(`osm_certificate_expiry_seconds${c('acme', ',name="acme-mqtt.osm.test"')}`)).toBe(certNotAfter);
    expect(m.get(`osm_certificate_expiry_seconds${c('delta', ',name="delta-mqtt.osm.test"')}`)).toBe(certNotAfter);
    expect([...m.keys()].filter((k) => k.startsWith('osm_certificate_expiry_seconds{customer="gamma"'))).toEqual([]);
  });

  it('each vhost through nginx by name, with its status', () => {
    for (const suffix of ['', '-influx', '-chirpstack', '-mqtt']) {
      expect(m.get(`osm_vhost_up${c('acme', `,vhost="acme${suffix}.osm.test"`)}`)).toBe(1);
      expect(m.get(`osm_vhost_http_status${c('acme', `,vhost="acme${suffix}.osm.test"`)}`)).toBe(200);
      expect(m.get(`osm_vhost_http_status${c('beta', `,vhost="beta${suffix}.osm.test"`)}`)).toBe(502);
    }
  });

  it('backups: the snapshot time of the newest ok line, the day when snapper has no record, none when never', () => {
    expect(m.get(`osm_backup_last_success_timestamp_seconds${c('acme')}`)).toBe(Date.UTC(2026, 11, 4, 2, 43, 10) / 1000);
    expect(m.get(`osm_backup_last_run_success${c('acme')}`)).toBe(1);
    expect(m.get(`osm_backup_last_success_timestamp_seconds${c('beta')}`)).toBe(Date.UTC(2026, 11, 3) / 1000);
    expect(m.get(`osm_backup_last_run_success${c('beta')}`)).toBe(0);
    expect([...m.keys()].filter((k) => k.includes('customer="gamma"') && k.startsWith('osm_backup'))).toEqual([]);
  });

  it('snapshots, memory of running containers, btrfs free', () => {
    expect(m.get(`osm_snapshots${c('acme')}`)).toBe(2);
    expect(m.get(`osm_snapshots${c('beta')}`)).toBe(0);
    expect(m.get(`osm_container_memory_bytes${c('acme')}`)).toBe(104857600);
    expect(m.has(`osm_container_memory_bytes${c('gamma')}`)).toBe(false);
    expect(m.get(`osm_btrfs_free_bytes{host="lab",path="${lxc}"}`)).toBe(40 * GiB);
    expect(m.get(`osm_btrfs_size_bytes{host="lab",path="${lxc}"}`)).toBe(100 * GiB);
  });

  it('OSM_CUSTOMERS checks only the customers it names', async () => {
    const only = await run(['env', 'OSM_CUSTOMERS=acme gamma', 'sh', SCRIPT, '--config', conf]);
    const names = new Set([...only.stdout.matchAll(/customer="([^"]+)"/g)].map((x) => x[1]));
    expect([...names].sort()).toEqual(['acme', 'gamma']);
    expect(new Set([...out.stdout.matchAll(/customer="([^"]+)"/g)].map((x) => x[1])).size).toBeGreaterThan(2);
  });

  it('--textfile replaces osm.prom whole, leaving no temp file', async () => {
    const dir = join(work, 'textfile');
    mkdirSync(dir);
    writeFileSync(join(dir, 'osm.prom'), 'old\n');
    const r = await run(['sh', SCRIPT, '--config', conf, '--textfile', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['osm.prom']);
    const written = readFileSync(join(dir, 'osm.prom'), 'utf8');
    const stable = (t: string) => t.replace(/^osm_metrics_generated_timestamp_seconds.*$/m, '');
    expect(stable(written)).toBe(stable(out.stdout));
  });

  it('refuses an unknown argument and a missing domain, naming them', async () => {
    const bad = await run(['sh', SCRIPT, '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument '--bogus'");
    const noDomain = join(work, 'no-domain.conf');
    writeFileSync(noDomain, `OSM_LXC_ROOT=${lxc}\n`);
    const r = await run(['sh', SCRIPT, '--config', noDomain]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('OSM_DOMAIN is not set');
  });
});

describe('osm-metrics systemd units', () => {
  const render = (name: string, overrides: Record<string, unknown> = {}) => {
    const defaults = parse(readFileSync(join(ROLE, 'defaults/main.yaml'), 'utf8')) as Record<string, unknown>;
    return createTemplater().renderFile(join(ROLE, 'templates', name), { ...defaults, osm_metrics_script: SCRIPT, ansible_managed: 'Ansible managed', ...overrides });
  };
  const verify = async (overrides: Record<string, unknown>) => {
    const dir = mkdtempSync(join(work, 'units-'));
    for (const unit of ['service', 'timer']) writeFileSync(join(dir, `osm-metrics.${unit}`), render(`osm-metrics.${unit}.j2`, overrides));
    return run(['systemd-analyze', 'verify', '--man=no', join(dir, 'osm-metrics.service'), join(dir, 'osm-metrics.timer')]);
  };

  it('pass systemd-analyze verify with the role defaults', async () => {
    const r = await verify({});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(render('osm-metrics.service.j2')).toContain(`ExecStart=${SCRIPT} --config /etc/osm-play/metrics.conf --textfile /var/lib/prometheus/node-exporter\n`);
  });

  it('a bad interval is reported by systemd-analyze (the check can fail)', async () => {
    const r = await verify({ osm_metrics_interval: 'every minute' });
    expect(r.stderr).toContain('osm-metrics.timer');
  });
});

describe('status.yaml runs the same checks', () => {
  it('reports what osm-metrics measures, and fails for the unhealthy customers', async () => {
    const inventory = join(work, 'status-inventory.yaml');
    writeFileSync(inventory, [
      'osm_hosts:',
      '  hosts:',
      '    lab:',
      '      ansible_connection: local',
      '      osm_domain: osm.test',
      `      osm_lxc_root: ${lxc}`,
      `      osm_backup_log: ${join(work, 'backup.log')}`,
      `      osm_https_port: ${httpsPort}`,
      '',
    ].join('\n'));
    const report = join(work, 'status.json');
    const r = await runCli(['-i', inventory, join(REPO, 'playbooks/status.yaml'), '--json', report], { env: { PATH: `${join(work, 'bin')}:${process.env['PATH'] ?? ''}` } });
    expect(r.stdout).toContain('unhealthy on lab: beta, delta, gamma');
    expect(r.code).toBe(2);
    const doc = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
    const status = doc.plays.flatMap((p) => p.results).find((x) => x.module === 'osm_status');
    const customers = (status?.data['customers'] ?? []) as { customer: string; state: string; ip: string | null; healthy: boolean; problems: string[]; mqtt: unknown; last_backup: unknown; newest_snapshot: unknown }[];
    const byName = Object.fromEntries(customers.map((x) => [x.customer, x]));
    expect(byName['acme']).toMatchObject({
      state: 'running', ip: '10.0.3.7', healthy: true, problems: [],
      mqtt: { tls: true, connack: 0, certificate_matches: true, name: 'acme-mqtt.osm.test' },
      last_backup: { day: '2026-12-04', result: 'ok' }, newest_snapshot: '2026-12-04 02:43:10',
    });
    expect(byName['beta']?.problems).toContain(`MQTT port ${JSON.parse(readFileSync(join(lxc, 'containers/beta-svr/osm-customer.json'), 'utf8')).mqtt_port}: the certificate is not for beta-mqtt.osm.test`);
    expect(byName['gamma']).toMatchObject({ state: 'stopped', ip: null, healthy: false });
    expect(byName['delta']?.problems.join('; ')).toContain('broker did not answer');
  }, 120_000);

  it('customers: judges only those named (create-container\'s served check), a missing one unhealthy', async () => {
    const playbook = join(work, 'served.yaml');
    const statusTask = (customers: string[]) => [
      '    - osm_status:',
      '        domain: osm.test',
      `        lxc_root: ${lxc}`,
      `        https_port: ${httpsPort}`,
      `        customers: ${JSON.stringify(customers)}`,
      '      register: s',
    ];
    writeFileSync(playbook, [
      '- hosts: localhost',
      '  gather_facts: false',
      '  tasks:',
      ...statusTask(['acme']),
      '    - assert:',
      '        that: ["s.healthy", "s.customers | map(attribute=\'customer\') | list == [\'acme\']"]',
      ...statusTask(['acme', 'nobody']),
      '    - assert:',
      '        that: ["not s.healthy", "s.unhealthy == [\'nobody\']", "s.customers[1].state == \'missing\'"]',
      '',
    ].join('\n'));
    const r = await runCli([playbook], { env: { PATH: `${join(work, 'bin')}:${process.env['PATH'] ?? ''}` } });
    expect(r.stdout + r.stderr).toContain('ok=4');
    expect(r.code).toBe(0);
  }, 120_000);
});
