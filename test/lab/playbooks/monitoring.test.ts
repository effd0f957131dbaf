// Issue 18, "How it is shown": the monitoring end to end in the lab. setup-host installs the agent
// (osm-metrics and node-exporter's textfile collector), setup-monitoring writes Prometheus's and
// Alertmanager's files, and the lab's own daemons (scripts/lab/monitoring.sh, started by lab-up) run
// them on loopback. With two customers up, the agent reports both healthy; stopping one customer's
// broker inside its container fires OsmCustomerDown for that customer alone in Prometheus and
// Alertmanager, and a webhook receiver of this test gets it; starting the broker again resolves it.
// The whole container stopped fires it again; start-containers (the boot job) resolves it.
// A backup made to fail (the backup host unreachable) raises OsmBackupFailed; a good one clears it.
// The steps share the lab state, so they run in order in this one file.
import { waitFor } from '../../helpers/wait-for.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePromText, type Sample } from '../../../modules/lib/prometheus/text.js';
import { ensureLab, labPaths, runArgv } from '../../helpers/lab.js';
import { backupState, createArgs, purge, restoreBackupState, type BackupState, type Customer } from './customers.js';
import { DOMAIN, inContainer, play, type PlayRun } from './helpers.js';

const STEP_MS = 10 * 60_000;
/** A run may wait for another test's run to release the lab host. */
const LOCK_FLAGS = ['--lock-timeout', '900'];
/** Longer than the lab's customer-down `for:` (10s) plus its scrape, evaluation, osm-metrics and group_wait intervals (5s each). */
const ALERT_WAIT_S = 240;

/** What scripts/lab/monitoring.sh and inventory/lab.yaml fix for the lab's monitoring. */
const mon = {
  dir: join(labPaths.state, 'monitoring'),
  script: join(labPaths.state, 'bin', 'osm-metrics'),
  nodeExporter: 'http://127.0.0.1:19100',
  prometheus: 'http://127.0.0.1:19090',
  alertmanager: 'http://127.0.0.1:19093',
  blackbox: 'http://127.0.0.1:19115',
} as const;

function monitored(name: string, port: number): Customer {
  return { name, container: `${name}-svr`, port, mqttName: `${name}-mqtt.${DOMAIN}`, webName: `${name}.${DOMAIN}` };
}
/** The customer whose broker is stopped, and one that stays up (its alert must stay quiet). */
const watched = monitored('monwatch', 18981);
const steady = monitored('monsteady', 18982);
const ours = [watched, steady];

interface Hook {
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}
const hooks: Hook[] = [];
let hookServer: Server | undefined;
let hookUrl = '';
/** Taken in beforeAll; without it (the lab not ready) there is nothing to put back. */
let before: BackupState | undefined;

function expectOk(run: PlayRun): void {
  expect(run.code, run.output).toBe(0);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => done(body));
  });
}


async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url} answered ${r.status}`);
  return r.json();
}

/** The agent's metrics as Prometheus scrapes them: node-exporter's page, osm-metrics' textfile included. */
async function agentSamples(): Promise<Sample[]> {
  const r = await fetch(`${mon.nodeExporter}/metrics`);
  if (!r.ok) throw new Error(`node-exporter answered ${r.status}`);
  return parsePromText(await r.text(), 'node-exporter /metrics').filter((s) => s.name.startsWith('osm_'));
}

function agentValue(samples: Sample[], name: string, c: Customer): number | undefined {
  return samples.find((s) => s.name === name && s.labels['customer'] === c.name)?.value;
}

/** Each of `list` as the agent reports it: [customer, osm_customer_up, osm_customer_mqtt_tls_up]. */
async function agentHealth(list: Customer[]): Promise<[string, number | undefined, number | undefined][]> {
  const samples = await agentSamples();
  return list.map((c) => [c.name, agentValue(samples, 'osm_customer_up', c), agentValue(samples, 'osm_customer_mqtt_tls_up', c)]);
}

/** Prometheus's instant query, as customer → value. */
async function promQuery(expr: string): Promise<Map<string, number>> {
  const body = (await getJson(`${mon.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return new Map(body.data.result.map((r) => [r.metric['customer'] ?? '?', Number(r.value[1])]));
}

/** Customers of ours with an alert in Prometheus (state pending or firing). */
async function promAlerts(alertname: string): Promise<Map<string, string>> {
  const body = (await getJson(`${mon.prometheus}/api/v1/alerts`)) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
  const out = new Map<string, string>();
  for (const a of body.data.alerts) {
    const c = a.labels['customer'];
    if (a.labels['alertname'] === alertname && c !== undefined && ours.some((o) => o.name === c)) out.set(c, a.state);
  }
  return out;
}

/** Customers of ours with an active alert of this name in Alertmanager. */
async function alertmanagerActive(alertname: string): Promise<string[]> {
  const alerts = (await getJson(`${mon.alertmanager}/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false`)) as {
    labels: Record<string, string>;
  }[];
  return alerts
    .filter((a) => a.labels['alertname'] === alertname)
    .map((a) => a.labels['customer'] ?? '?')
    .filter((c) => ours.some((o) => o.name === c))
    .sort();
}

const alertmanagerDown = (): Promise<string[]> => alertmanagerActive('OsmCustomerDown');

/** Webhook notifications of the alert (OsmCustomerDown unless named) for customer c with the given status. */
function hooksFor(c: Customer, status: 'firing' | 'resolved', alertname = 'OsmCustomerDown'): number {
  return hooks.filter((h) => h.alerts.some((a) => a.status === status && a.labels['alertname'] === alertname && a.labels['customer'] === c.name)).length;
}

/** Prometheus, Alertmanager and the blackbox exporter read their files again (no systemd in the lab). */
async function reloadMonitoring(): Promise<void> {
  for (const base of [mon.prometheus, mon.alertmanager, mon.blackbox]) {
    const r = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(r.status, `${base}/-/reload: ${await r.text()}`).toBe(200);
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

describe('monitoring end to end in the lab (issue 18)', () => {
  beforeAll(async () => {
    await ensureLab();
    const down = [];
    for (const url of [`${mon.nodeExporter}/metrics`, `${mon.prometheus}/-/ready`, `${mon.alertmanager}/-/ready`, `${mon.blackbox}/metrics`]) {
      if (!(await ready(url))) down.push(url);
    }
    if (down.length > 0) {
      throw new Error(`the lab's monitoring daemons do not answer (${down.join(', ')}): scripts/lab-up must run monitoring_up from scripts/lab/monitoring.sh`);
    }
    // Leftovers of an interrupted earlier run would make the first create a re-run.
    for (const c of ours) await purge(c);
    before = await backupState(ours);
    hookServer = createServer((req, res) => {
      void readBody(req).then((body) => {
        hooks.push(JSON.parse(body) as Hook);
        res.end('ok');
      });
    });
    const server = hookServer;
    const port = await new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
    hookUrl = `http://127.0.0.1:${port}/osm-alerts`;
  }, STEP_MS);

  afterAll(async () => {
    try {
      if (before === undefined) return;
      for (const c of ours) await purge(c);
      await restoreBackupState(ours, before);
      // Alertmanager is left without this test's webhook, which is about to go away.
      if (await ready(`${mon.alertmanager}/-/ready`)) {
        await play('setup-monitoring', {}, LOCK_FLAGS);
        await fetch(`${mon.alertmanager}/-/reload`, { method: 'POST' }).catch(() => undefined);
      }
    } finally {
      const server = hookServer;
      if (server) {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
    }
  }, 2 * STEP_MS);

  it('1. setup-host installs the agent: osm-metrics and its settings', { timeout: STEP_MS }, async () => {
    expectOk(await play('setup-host', {}, LOCK_FLAGS));
    expect(existsSync(mon.script)).toBe(true);
    expect(existsSync(join(mon.dir, 'metrics.conf'))).toBe(true);
  });

  it('2. create-container makes two customers', { timeout: 2 * STEP_MS }, async () => {
    for (const c of ours) expectOk(await play('create-container', createArgs(c), LOCK_FLAGS));
  });

  it('3. setup-monitoring writes files Prometheus and Alertmanager load: the lab host is a target', { timeout: STEP_MS }, async () => {
    const run = await play('setup-monitoring', {}, [...LOCK_FLAGS, '-e', JSON.stringify({ osm_alert_webhooks: [{ url: hookUrl }] })]);
    expectOk(run);
    await reloadMonitoring();
    // Service discovery hands new targets to the scrapers a few seconds after a reload.
    const lab = await waitFor('the lab host among the targets', ALERT_WAIT_S, async () => {
      const targets = (await getJson(`${mon.prometheus}/api/v1/targets?state=active`)) as {
        data: { activeTargets: { labels: Record<string, string> }[] };
      };
      const found = targets.data.activeTargets.filter((t) => t.labels['job'] === 'osm_hosts');
      return found.length > 0 ? found : undefined;
    });
    // Every OSM host of the inventory is a target: lab2 too (its agent is not run by the lab, so it shows down).
    expect(Object.fromEntries(lab.map((t) => [t.labels['host'], t.labels['instance']]))).toEqual({ lab: '127.0.0.1:19100', lab2: '10.98.0.2:19100' });
    const rules = (await getJson(`${mon.prometheus}/api/v1/rules?type=alert`)) as { data: { groups: { rules: { name: string; duration: number }[] }[] } };
    const down = rules.data.groups.flatMap((g) => g.rules).find((r) => r.name === 'OsmCustomerDown');
    expect(down?.duration).toBe(10);
  });

  it("4. the agent's metrics show both customers' services up (every metric present and healthy), and Prometheus has them", { timeout: STEP_MS }, async () => {
    // The broker and the certificate come up with create-container; osm-metrics runs every 5 s.
    const healthy = ours.map((c): [string, number, number] => [c.name, 1, 1]);
    const last = await waitFor('both customers up in the agent metrics', ALERT_WAIT_S, async () => {
      const h = await agentHealth(ours);
      return JSON.stringify(h) === JSON.stringify(healthy) ? h : undefined;
    });
    expect(last).toEqual(healthy);
    const inProm = await waitFor('both customers up in Prometheus', ALERT_WAIT_S, async () => {
      const m = await promQuery(`osm_customer_mqtt_tls_up{customer=~"${ours.map((c) => c.name).join('|')}"}`);
      return m.get(watched.name) === 1 && m.get(steady.name) === 1 ? m : undefined;
    });
    expect([...inProm.entries()].sort()).toEqual(ours.map((c) => [c.name, 1]).sort());
    expect(await alertmanagerDown()).toEqual([]);

    // Every per-customer metric is there and healthy, and the host's disk is reported.
    const samples = await agentSamples();
    const now = Date.now() / 1000;
    for (const c of ours) {
      const of = (name: string): Sample[] => samples.filter((x) => x.name === name && x.labels['customer'] === c.name && x.labels['host'] === 'lab');
      expect(of('osm_certificate_expiry_seconds')[0]?.value, c.name).toBeGreaterThan(now);
      expect(of('osm_certificate_matches_name').map((x) => x.value), c.name).toEqual([1]);
      expect(of('osm_customer_mqtt_port').map((x) => x.value), c.name).toEqual([c.port]);
      const vhosts = of('osm_vhost_up').map((x) => [x.labels['vhost'], x.value]).sort();
      expect(vhosts, c.name).toEqual(['', '-chirpstack', '-influx', '-mqtt'].map((suffix) => [`${c.name}${suffix}.${DOMAIN}`, 1]).sort());
      expect(of('osm_snapshots'), c.name).toHaveLength(1);
      expect(of('osm_container_memory_bytes')[0]?.value, c.name).toBeGreaterThan(0);
      expect(of('osm_customer_created_timestamp_seconds')[0]?.value, c.name).toBeLessThanOrEqual(now);
    }
    const disk = samples.filter((x) => x.name === 'osm_btrfs_free_bytes' && x.labels['host'] === 'lab');
    expect(disk.map((x) => x.labels['path'])).toEqual(['/srv/osm-lxc/lxc']);
    expect(disk[0]?.value).toBeGreaterThan(0);
  });

  it("5. one customer's broker stopped: OsmCustomerDown fires for it alone, and the webhook gets it", { timeout: STEP_MS }, async () => {
    await inContainer(watched.container, ['systemctl', 'stop', 'mosquitto']);
    const agent = await waitFor(`${watched.name}'s MQTT down in the agent metrics`, ALERT_WAIT_S, async () => {
      const h = await agentHealth(ours);
      return h[0]?.[2] === 0 ? h : undefined;
    });
    // The container still runs; only its broker is gone. The other customer stays healthy.
    expect(agent).toEqual([[watched.name, 1, 0], [steady.name, 1, 1]]);

    const firing = await waitFor('OsmCustomerDown in Alertmanager', ALERT_WAIT_S, async () => {
      const down = await alertmanagerDown();
      return down.length > 0 ? down : undefined;
    });
    expect(firing).toEqual([watched.name]);
    expect(await promAlerts('OsmCustomerDown')).toEqual(new Map([[watched.name, 'firing']]));
    await waitFor('the webhook notified of the firing alert', ALERT_WAIT_S, async () => (hooksFor(watched, 'firing') > 0 ? true : undefined));
    expect(hooksFor(steady, 'firing')).toBe(0);
  });

  it('6. the broker started again: the alert resolves and the webhook is told', { timeout: STEP_MS }, async () => {
    await inContainer(watched.container, ['systemctl', 'start', 'mosquitto']);
    await waitFor(`${watched.name}'s MQTT up again in the agent metrics`, ALERT_WAIT_S, async () => {
      const h = await agentHealth([watched]);
      return h[0]?.[2] === 1 ? true : undefined;
    });
    await waitFor('OsmCustomerDown gone from Alertmanager', ALERT_WAIT_S, async () => ((await alertmanagerDown()).length === 0 ? true : undefined));
    expect(await promAlerts('OsmCustomerDown')).toEqual(new Map());
    await waitFor('the webhook notified of the resolution', ALERT_WAIT_S, async () => (hooksFor(watched, 'resolved') > 0 ? true : undefined));
    expect(hooksFor(steady, 'firing')).toBe(0);
  });

  it('7. the whole container stopped: OsmCustomerDown fires again for it alone; start-containers brings it back and it resolves', { timeout: STEP_MS }, async () => {
    const fired = hooksFor(watched, 'firing');
    const resolved = hooksFor(watched, 'resolved');
    const stop = await runArgv(['lxc-stop', '-n', watched.container, '-t', '30'], { timeoutMs: 60_000 });
    expect(stop.exitCode, stop.stderr).toBe(0);
    const agent = await waitFor(`${watched.name}'s container down in the agent metrics`, ALERT_WAIT_S, async () => {
      const h = await agentHealth(ours);
      return h[0]?.[1] === 0 ? h : undefined;
    });
    expect(agent).toEqual([[watched.name, 0, 0], [steady.name, 1, 1]]);
    const firing = await waitFor('OsmCustomerDown in Alertmanager', ALERT_WAIT_S, async () => {
      const down = await alertmanagerDown();
      return down.length > 0 ? down : undefined;
    });
    expect(firing).toEqual([watched.name]);
    await waitFor('the webhook notified of the firing alert', ALERT_WAIT_S, async () => (hooksFor(watched, 'firing') > fired ? true : undefined));

    expectOk(await play('start-containers', {}, LOCK_FLAGS));
    await waitFor(`${watched.name} up again in the agent metrics`, ALERT_WAIT_S, async () => {
      const h = await agentHealth([watched]);
      return h[0]?.[1] === 1 && h[0][2] === 1 ? true : undefined;
    });
    await waitFor('OsmCustomerDown gone from Alertmanager', ALERT_WAIT_S, async () => ((await alertmanagerDown()).length === 0 ? true : undefined));
    await waitFor('the webhook notified of the resolution', ALERT_WAIT_S, async () => (hooksFor(watched, 'resolved') > resolved ? true : undefined));
    expect(hooksFor(steady, 'firing')).toBe(0);
  });

  it('8. a backup made to fail (the backup host unreachable) raises OsmBackupFailed for the customers', { timeout: STEP_MS }, async () => {
    // Port 1 on loopback: nothing listens, so every rsync to the backup host fails and is logged.
    const run = await play('backup', { osm_backup_target_port: '1' }, LOCK_FLAGS);
    expect(run.code, run.output).not.toBe(0);
    const failed = await waitFor('failed backups in the agent metrics', ALERT_WAIT_S, async () => {
      const samples = await agentSamples();
      const v = ours.map((c) => agentValue(samples, 'osm_backup_last_run_success', c));
      return v.every((x) => x === 0) ? v : undefined;
    });
    expect(failed).toEqual([0, 0]);
    const alerting = await waitFor('OsmBackupFailed in Alertmanager for both customers', ALERT_WAIT_S, async () => {
      const active = await alertmanagerActive('OsmBackupFailed');
      return active.length === ours.length ? active : undefined;
    });
    expect(alerting).toEqual(ours.map((c) => c.name).sort());
    await waitFor('the webhook notified of OsmBackupFailed', ALERT_WAIT_S, async () =>
      ours.every((c) => hooksFor(c, 'firing', 'OsmBackupFailed') > 0) ? true : undefined,
    );
  });

  it('9. a good backup clears OsmBackupFailed', { timeout: STEP_MS }, async () => {
    expectOk(await play('backup', {}, LOCK_FLAGS));
    const good = await waitFor('good backups in the agent metrics', ALERT_WAIT_S, async () => {
      const samples = await agentSamples();
      const v = ours.map((c) => agentValue(samples, 'osm_backup_last_run_success', c));
      return v.every((x) => x === 1) ? v : undefined;
    });
    expect(good).toEqual([1, 1]);
    await waitFor('OsmBackupFailed gone from Alertmanager', ALERT_WAIT_S, async () =>
      (await alertmanagerActive('OsmBackupFailed')).length === 0 ? true : undefined,
    );
    expect(await alertmanagerActive('OsmBackupTooOld')).toEqual([]);
  });
});
