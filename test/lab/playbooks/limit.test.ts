// Issue 12: create-container --limit lab on an inventory with two OSM hosts serves the customer. The
// broker is provisioned from the host's own play (delegated to the container), so --limit cannot
// leave it out. The second host, lab2, is this machine again (the lab sshd) with OSM paths of its
// own in a temp dir, holding one made-up customer: create-container reads it (names and ports are
// unique across the fleet) and changes nothing there.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths } from '../../helpers/lab.js';
import { changedTasks, mqttRoundTrip, pebbleRoot, play, readCredentials, type PlayRun } from './helpers.js';

const STEP_MS = 10 * 60_000;
const customer = { name: 'limited', port: 18886, mqttName: 'limited-mqtt.osm-lab.test' };
const tmp = mkdtempSync(join(tmpdir(), 'osm-limit-'));
const lab2 = join(tmp, 'lab2.yaml');
const cafile = join(tmp, 'pebble-root.pem');
const hostsFile = join(tmp, 'hosts');
const lab2Root = join(tmp, 'lab2');
const other = { name: 'elsewhere', port: 18890 };
// A second inventory source: lab2 joins osm_hosts (and its vars) beside inventory/lab.yaml's lab.
const LIMIT = ['-i', lab2, '--limit', 'lab'];
const args = { customer_name: customer.name, mqtt_port: String(customer.port) };

/** Ran on lab alone (lab2 only read, through delegated tasks: nothing changed there). */
function expectOnlyLab(run: PlayRun, code = 0): void {
  expect(run.code, run.output).toBe(code);
  expect(run.stats['lab'], run.output).toBeDefined();
  expect(run.stats['lab2']?.changed ?? 0, run.output).toBe(0);
  expect(run.results.filter((r) => r.host === 'lab2'), run.output).toEqual([]);
}

/** A refused create changes nothing: no container of that name on lab. */
function expectRefused(run: PlayRun, message: string, name: string): void {
  expectOnlyLab(run, 2);
  expect(run.output).toContain(message);
  expect(run.stats['lab']!.changed, run.output).toBe(0);
  expect(existsSync(join(labPaths.containers, `${name}-svr`))).toBe(false);
}

describe('create-container --limit lab on two OSM hosts (issue 12)', () => {
  beforeAll(async () => {
    await ensureLab();
    chmodSync(tmp, 0o755);
    const vars = {
      ansible_host: '127.0.0.1', ansible_port: 2222, osm_host_name: 'lab2',
      osm_lxc_root: `${lab2Root}/lxc`, osm_nginx_dir: `${lab2Root}/nginx`, osm_dnsmasq_conf: `${lab2Root}/dnsmasq.conf`, osm_hosts_file: `${lab2Root}/hosts`,
    };
    writeFileSync(lab2, `all:\n  children:\n    osm_hosts:\n      hosts:\n        lab2: ${JSON.stringify(vars)}\n`);
    const dir = join(lab2Root, 'lxc/containers', `${other.name}-svr`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'osm-customer.json'), JSON.stringify({ customer: other.name, mqtt_port: other.port, os_base: null }));
    writeFileSync(join(lab2Root, 'dnsmasq.conf'), '');
    writeFileSync(join(lab2Root, 'hosts'), '127.0.0.1 localhost\n');
    writeFileSync(hostsFile, `127.0.0.1 ${customer.mqttName}\n`);
    await pebbleRoot(cafile);
    const setup = await play('setup-host', {}, LIMIT);
    if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
  }, STEP_MS);

  afterAll(async () => {
    await play('delete-container', { customer_name: customer.name, purge: 'true' }, LIMIT);
    rmSync(tmp, { recursive: true, force: true });
  }, STEP_MS);

  it('creates the customer, provisions its broker from lab\'s play, and serves MQTT over TLS', { timeout: STEP_MS }, async () => {
    const run = await play('create-container', args, LIMIT);
    expectOnlyLab(run);
    for (const task of ['Broker settings', 'Broker ACL', 'Broker users', 'The broker runs with these settings', 'The customer is served']) {
      const r = run.results.find((x) => x.task === task);
      expect(r, `${task}\n${run.output}`).toBeDefined();
      expect(r!.host).toBe('lab');
      expect(['ok', 'changed']).toContain(r!.status);
    }
    expect(run.stdout).toContain(`[lab -> ${customer.name}-svr]`);
    const { user, password } = readCredentials(customer.name);
    const { pub, sub } = await mqttRoundTrip({ name: customer.mqttName, port: customer.port, cafile, hostsFile }, user, password, 'osm-limit/hello', 'served');
    expect(pub.exitCode, pub.stderr).toBe(0);
    expect(sub?.stdout.trim(), sub?.stderr).toBe('served');
  });

  it('a second run under --limit changes nothing, and --check plans the broker tasks too', { timeout: STEP_MS }, async () => {
    const again = await play('create-container', args, LIMIT);
    expectOnlyLab(again);
    expect(changedTasks(again), again.output).toEqual([]);
    const check = await play('create-container', args, [...LIMIT, '--check']);
    expectOnlyLab(check);
    const broker = check.results.filter((r) => r.task.startsWith('Broker') || r.task === 'The broker runs with these settings');
    expect(broker.map((r) => r.status), check.output).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('refuses a name another OSM host has, naming the host', { timeout: STEP_MS }, async () => {
    const run = await play('create-container', { customer_name: other.name, mqtt_port: '18891' }, LIMIT);
    expectRefused(run, `customer_name: '${other.name}' already exists on lab2`, other.name);
  });

  it('refuses a port a customer of another OSM host holds, naming the host and customer', { timeout: STEP_MS }, async () => {
    const run = await play('create-container', { customer_name: 'porty', mqtt_port: String(other.port) }, LIMIT);
    expectRefused(run, `mqtt_port: ${other.port} is held on lab2 by customer ${other.name}`, 'porty');
  });

  it('refuses to run on both hosts at once, saying to pass --limit HOST or use add-customer', { timeout: STEP_MS }, async () => {
    const run = await play('create-container', { customer_name: 'twice', mqtt_port: '18892' }, ['-i', lab2, '--limit', 'all']);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('create-container makes a customer on one host, and this run targets lab, lab2: pass --limit HOST, or use add-customer.yaml');
    expect(Object.values(run.stats).reduce((n, s) => n + s.changed, 0)).toBe(0);
    expect(existsSync(join(labPaths.containers, 'twice-svr'))).toBe(false);
  });

  it('delete-container --limit lab removes the customer', { timeout: STEP_MS }, async () => {
    const del = await play('delete-container', { customer_name: customer.name, purge: 'true' }, LIMIT);
    expectOnlyLab(del);
    const status = await play('status', {}, LIMIT);
    expect(status.output).not.toContain(`${customer.name}-svr`);
  });
});
