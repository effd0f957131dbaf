// Issue 6, "How it is shown": the OSM playbooks end to end on the lab host, run with the CLI as an
// operator would. The steps share the lab state, so they run in order in this one file.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths, runArgv } from '../../helpers/lab.js';
import { acme, backupState, createArgs, customers, exists, finalCopies, globex, purge, restoreBackupState, type BackupState, type Customer } from './customers.js';
import { BACKUP_DIR, BACKUP_LOG, changedCount, DOMAIN, changedTasks, inContainer, mqttRoundTrip, mosquitto, pebbleRoot, play, readCredentials, type MqttTarget, type PlayRun } from './helpers.js';
import { hostTraces, tracesDiffIgnoringNewcomers } from './host-traces.js';
import { containerSystemd, cronJob, mosquittoPid, runCronJob, runUnitCommand } from './host-jobs.js';

const STEP_MS = 10 * 60_000;
// Where setup-host puts the host jobs in the lab (inventory/lab.yaml: osm_systemd_dir; osm_cron_dir is /etc/cron.d).
const BOOT_UNIT = '/var/lib/osm-lab/systemd/osm-containers.service';
const BACKUP_CRON = '/etc/cron.d/osm-backup';
const today = (): string => new Date().toISOString().slice(0, 10);
const tmp = mkdtempSync(join(tmpdir(), 'osm-lifecycle-'));
const cafile = join(tmp, 'pebble-root.pem');
const hostsFile = join(tmp, 'hosts');
const marker = `/root/osm-lifecycle-${randomBytes(4).toString('hex')}`;
const markerText = `restored ${randomBytes(8).toString('hex')}`;
let before: BackupState = { finalCopies: [], backupDirs: [], backupSnapshots: [], log: null };
let tracesBeforeGlobex: string[] = [];

const target = (c: Customer): MqttTarget => ({ name: c.mqttName, port: c.port, cafile, hostsFile });

function expectOk(run: PlayRun): void {
  expect(run.code, run.output).toBe(0);
}

async function expectSecondRunUnchanged(name: string, extra: Record<string, string> = {}): Promise<void> {
  const again = await play(name, extra);
  expectOk(again);
  expect(changedTasks(again), again.output).toEqual([]);
  expect(changedCount(again)).toBe(0);
}

/** The customers osm_status reported, by name. */
function statusOf(run: PlayRun): Map<string, { healthy: boolean; state: string }> {
  const out = new Map<string, { healthy: boolean; state: string }>();
  const result = run.results.find((r) => r.module === 'osm_status');
  const list = result?.data['customers'];
  for (const c of Array.isArray(list) ? list : []) {
    if (typeof c === 'object' && c !== null && 'customer' in c) {
      const rec = c as Record<string, unknown>;
      out.set(String(rec['customer']), { healthy: rec['healthy'] === true, state: String(rec['state']) });
    }
  }
  return out;
}

/**
 * status.yaml exits 0 exactly when every customer is healthy. In CI ours are the only customers;
 * on a shared machine another lab test's customer may be down, which must then fail the run.
 */
function expectStatusExit(run: PlayRun, status: Map<string, { healthy: boolean }>): void {
  expect(status.size, run.output).toBeGreaterThan(0);
  const allHealthy = [...status.values()].every((s) => s.healthy);
  expect(run.code === 0, run.output).toBe(allHealthy);
}

/** The broker restarts with its container (restore) or settings (create): give it a few seconds. */
async function expectMqttServes(c: Customer, payload: string): Promise<void> {
  const { user, password } = readCredentials(c.name);
  let last = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const { pub, sub } = await mqttRoundTrip(target(c), user, password, `osm-lifecycle/${c.name}`, payload);
    if (pub.exitCode === 0 && sub?.exitCode === 0) {
      expect(sub.stdout.trim()).toBe(payload);
      return;
    }
    last = `${pub.stderr}${sub?.stderr ?? ''}`;
    await new Promise((r) => setTimeout(r, 1500));
  }
  throw new Error(`MQTT over TLS to ${c.mqttName}:${c.port} failed: ${last}`);
}

async function httpsBody(c: Customer): Promise<string> {
  const r = await runArgv(['curl', '-sS', '--max-time', '10', '--cacert', cafile, '--resolve', `${c.webName}:443:127.0.0.1`, `https://${c.webName}/`]);
  if (r.exitCode !== 0) throw new Error(`curl https://${c.webName}/ failed: ${r.stderr}`);
  return r.stdout;
}

describe('OSM playbooks end to end in the lab (issue 6)', () => {
  beforeAll(async () => {
    await ensureLab();
    // Leftovers of an interrupted earlier run would make the first create a re-run.
    for (const c of customers) await purge(c);
    before = await backupState(customers);
    await pebbleRoot(cafile);
    writeFileSync(hostsFile, `127.0.0.1 ${customers.map((c) => c.mqttName).join(' ')}\n`);
  });

  afterAll(async () => {
    try {
      for (const c of customers) await purge(c);
      await restoreBackupState(customers, before);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('1. setup-host prepares the host; a second run changes nothing', { timeout: STEP_MS }, async () => {
    expectOk(await play('setup-host'));
    await expectSecondRunUnchanged('setup-host');
  });

  it('2. create-container makes acme and globex; each second run reports 0 changed', { timeout: 2 * STEP_MS }, async () => {
    for (const c of customers) {
      if (c === globex) tracesBeforeGlobex = await hostTraces();
      const first = await play('create-container', createArgs(c));
      expectOk(first);
      // The broker is provisioned inside the container: delegated tasks show `[host -> container]`, as in Ansible.
      expect(first.stdout, `${c.container} provisioned through the lxc connection\n${first.output}`).toMatch(new RegExp(`^changed: \\[\\S+ -> ${c.container}\\] Broker user`, 'm'));
      expect(first.stdout).not.toContain(readCredentials(c.name).password);
      await expectSecondRunUnchanged('create-container', createArgs(c));
    }
  });

  it('3. MQTT over TLS through nginx reaches each customer\'s own broker; wrong credentials are refused', { timeout: STEP_MS }, async () => {
    for (const c of customers) await expectMqttServes(c, `hello ${c.name}`);
    const a = readCredentials(acme.name);
    const g = readCredentials(globex.name);
    const wrong = await mosquitto('mosquitto_pub', target(acme), a.user, `${a.password}x`, ['-t', 'osm-lifecycle/acme', '-m', 'no']);
    expect(wrong.exitCode, 'wrong password').not.toBe(0);
    expect(wrong.stderr + wrong.stdout).toMatch(/not authori[sz]ed/i);
    const other = await mosquitto('mosquitto_pub', target(acme), g.user, g.password, ['-t', 'osm-lifecycle/acme', '-m', 'no']);
    expect(other.exitCode, "globex's credentials on acme's port").not.toBe(0);
    const reverse = await mosquitto('mosquitto_pub', target(globex), a.user, a.password, ['-t', 'osm-lifecycle/globex', '-m', 'no']);
    expect(reverse.exitCode, "acme's credentials on globex's port").not.toBe(0);
  });

  it('3a. each container boots Debian with systemd: running, mosquitto active, its own machine-id', { timeout: STEP_MS }, async () => {
    const ids = new Set<string>();
    for (const c of customers) {
      const sd = await containerSystemd(c.container);
      expect(sd, c.container).toMatchObject({ pid1: 'systemd', system: 'running', mosquitto: 'active' });
      expect(sd.machineId, c.container).toMatch(/^[0-9a-f]{32}$/);
      ids.add(sd.machineId);
    }
    expect(ids.size).toBe(customers.length);
  });

  it('3b. the broker restarts under systemd exactly when its settings differ from those it started with', { timeout: STEP_MS }, async () => {
    const started = await mosquittoPid(acme.container);
    expect(started).toBeGreaterThan(0);
    // An edit behind our back, never loaded: the file is put back, the broker keeps running as it is.
    await inContainer(acme.container, ['/bin/sh', '-c', 'echo "max_connections 1" >> /etc/mosquitto/conf.d/10-osm.conf']);
    const putBack = await play('create-container', createArgs(acme));
    expectOk(putBack);
    expect(changedTasks(putBack), putBack.output).toEqual(['lab: Broker settings']);
    expect(await mosquittoPid(acme.container)).toBe(started);
    expect((await inContainer(acme.container, ['cat', '/etc/mosquitto/conf.d/10-osm.conf'])).stdout).not.toContain('max_connections 1');
    // What a run killed between writing new settings and the restart leaves: the broker started
    // with other settings than its files hold now. The next run restarts it.
    await inContainer(acme.container, ['/bin/sh', '-c', 'echo "0000  /etc/mosquitto/osm.acl" > /var/lib/osm-play/service-settings/mosquitto.sha256']);
    const restart = await play('create-container', createArgs(acme));
    expectOk(restart);
    expect(changedTasks(restart), restart.output).toEqual(['lab: The broker runs with these settings']);
    const after = await mosquittoPid(acme.container);
    expect(after, 'a new mosquitto process under systemd').toBeGreaterThan(0);
    expect(after).not.toBe(started);
    await expectMqttServes(acme, 'after the restart');
    await expectSecondRunUnchanged('create-container', createArgs(acme));
  });

  it('3c. a web name whose service does not answer gets 502 with a page naming the customer\'s service, not nginx\'s own', { timeout: STEP_MS }, async () => {
    // Nothing listens on these ports in the container yet (Grafana on :3000 only from test 4 on).
    const services: [string, string][] = [['', 'Grafana'], ['-influx', 'InfluxDB'], ['-chirpstack', 'ChirpStack']];
    for (const [suffix, service] of services) {
      const name = `${acme.name}${suffix}.${DOMAIN}`;
      const r = await runArgv(['curl', '-sS', '--max-time', '10', '--cacert', cafile, '--resolve', `${name}:443:127.0.0.1`, '-w', '\n%{http_code}', `https://${name}/`]);
      expect(r.exitCode, r.stderr).toBe(0);
      const status = r.stdout.slice(r.stdout.lastIndexOf('\n') + 1);
      expect(status, name).toBe('502');
      expect(r.stdout, name).toContain(`<h1>${service} of ${acme.name} is not answering</h1>`);
      expect(r.stdout, name).toContain(`${acme.container}`);
      expect(r.stdout, name).not.toContain('<center>nginx</center>');
    }
  });

  it('4. https://acme.<domain> reaches :3000 inside acme\'s container, not globex\'s', { timeout: STEP_MS }, async () => {
    for (const c of customers) {
      // busybox httpd in the container's /run (tmpfs): it goes when the container stops.
      await inContainer(c.container, ['/bin/sh', '-c', 'mkdir -p /run/osm-www && echo "served by $1" > /run/osm-www/index.html', 'sh', c.name]);
      await inContainer(c.container, ['/bin/sh', '-c', 'busybox httpd -p 3000 -h /run/osm-www </dev/null >/dev/null 2>&1']);
    }
    expect((await httpsBody(acme)).trim()).toBe('served by acme');
    expect((await httpsBody(globex)).trim()).toBe('served by globex');
  });

  it('5. status is healthy and shows both customers', { timeout: STEP_MS }, async () => {
    const run = await play('status');
    const status = statusOf(run);
    expectStatusExit(run, status);
    for (const c of customers) expect(status.get(c.name), run.output).toEqual({ healthy: true, state: 'running' });
  });

  it("6. backup puts acme's files on the backup host", { timeout: STEP_MS }, async () => {
    await inContainer(acme.container, ['/bin/sh', '-c', 'echo "$1" > "$2" && sync', 'sh', markerText, marker]);
    const run = await play('backup');
    expectOk(run);
    const copy = join(BACKUP_DIR, acme.container);
    expect(existsSync(join(copy, 'lxc.container.conf'))).toBe(true);
    expect(readFileSync(join(copy, 'rootfs-layer', marker), 'utf8').trim()).toBe(markerText);
    expect(existsSync(join(copy, 'rootfs-layer/etc/mosquitto/conf.d/10-osm.conf'))).toBe(true);
  });

  it('6a. the nightly cron line, run as cron runs it, backs up every customer; a customer that fails is named', { timeout: STEP_MS }, async () => {
    const job = cronJob(BACKUP_CRON);
    const good = await runCronJob(job);
    expect(good.exitCode, good.stdout + good.stderr).toBe(0);
    const log = readFileSync(BACKUP_LOG, 'utf8');
    for (const c of customers) {
      expect(existsSync(join(BACKUP_DIR, c.container, 'rootfs-layer/etc/mosquitto/osm.passwd')), c.container).toBe(true);
      expect(log, c.container).toMatch(new RegExp(`^${today()} ${c.container} ok snapshot \\d+$`, 'm'));
    }
    expect(log).toMatch(/osm-backup: done$/m);
    // globex's snapper config gone: its snapshot cannot be made, acme's backup still is.
    const config = `/etc/snapper/configs/${globex.container}`;
    renameSync(config, `${config}.away`);
    try {
      const bad = await runCronJob(job);
      expect(bad.exitCode, bad.stdout + bad.stderr).not.toBe(0);
      const after = readFileSync(BACKUP_LOG, 'utf8');
      expect(after).toMatch(new RegExp(`osm-backup: ${globex.container}: FAILED`));
      expect(after).toMatch(new RegExp(`osm-backup: backup failed for: ${globex.container}$`, 'm'));
      expect(after).toMatch(new RegExp(`^${today()} ${acme.container} ok snapshot \\d+$`, 'm'));
    } finally {
      renameSync(`${config}.away`, config);
    }
  });

  it("7. a file deleted inside acme's container comes back after restore-snapshot", { timeout: STEP_MS }, async () => {
    await inContainer(acme.container, ['rm', '-f', marker]);
    expect((await runArgv(['lxc-attach', '-n', acme.container, '--clear-env', '--', 'test', '-e', marker])).exitCode).not.toBe(0);
    const run = await play('restore-snapshot', { customer_name: acme.name, snapshot: 'latest' });
    expectOk(run);
    expect((await inContainer(acme.container, ['cat', marker])).stdout.trim()).toBe(markerText);
    await expectMqttServes(acme, 'after restore');
  });

  it('7a. the boot unit verifies, and its command, run as systemd runs it, brings every stopped customer back', { timeout: STEP_MS }, async () => {
    const verify = await runArgv(['systemd-analyze', 'verify', BOOT_UNIT]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    for (const c of customers) {
      const stop = await runArgv(['lxc-stop', '-n', c.container, '-t', '30'], { timeoutMs: 60_000 });
      expect(stop.exitCode, stop.stderr).toBe(0);
    }
    const boot = await runUnitCommand(BOOT_UNIT, 'ExecStart');
    expect(boot.exitCode, boot.stdout + boot.stderr).toBe(0);
    for (const c of customers) {
      expect((await runArgv(['lxc-info', '-n', c.container, '-s'])).stdout, c.container).toMatch(/RUNNING/);
      await expectMqttServes(c, `after boot ${c.name}`);
    }
  });

  it('8. delete-container globex keeps a final copy, leaves acme working and no trace of globex', { timeout: STEP_MS }, async () => {
    const run = await play('delete-container', { customer_name: globex.name });
    expectOk(run);
    const copies = finalCopies([globex]).filter((n) => !before.finalCopies.includes(n));
    expect(copies, run.output).toHaveLength(1);
    const copy = join(labPaths.deleted, copies[0] ?? '');
    expect((await runArgv(['btrfs', 'property', 'get', '-ts', copy, 'ro'])).stdout.trim()).toBe('ro=true');
    expect(existsSync(join(copy, 'rootfs-layer/etc/mosquitto/osm.passwd'))).toBe(true);
    expect(exists(globex)).toBe(false);
    expect((await runArgv(['lxc-info', '-n', globex.container, '-s'])).stdout).not.toMatch(/RUNNING/);
    await expectMqttServes(acme, 'after globex left');
    expect(tracesDiffIgnoringNewcomers(tracesBeforeGlobex, await hostTraces(), customers.map((c) => c.name))).toEqual([]);
  });

  it('9. status shows acme only', { timeout: STEP_MS }, async () => {
    const run = await play('status');
    const status = statusOf(run);
    expectStatusExit(run, status);
    expect(status.get(acme.name), run.output).toEqual({ healthy: true, state: 'running' });
    expect(status.has(globex.name)).toBe(false);
  });

  it('10. start-containers (the boot job) starts a stopped customer container again', { timeout: STEP_MS }, async () => {
    const stop = await runArgv(['lxc-stop', '-n', acme.container, '-t', '30'], { timeoutMs: 60_000 });
    expect(stop.exitCode, stop.stderr).toBe(0);
    const run = await play('start-containers');
    expectOk(run);
    expect(changedCount(run), run.output).toBeGreaterThan(0);
    expect((await runArgv(['lxc-info', '-n', acme.container, '-s'])).stdout).toMatch(/RUNNING/);
    await expectMqttServes(acme, 'after a restart');
  });
});
