// Issue 12: the fleet on the lab's two OSM hosts, lab (this machine) and lab2 (its own network and
// mount namespaces, scripts/lab/lab2.sh), with the lab's PowerDNS. add-customer places customers by
// room and writes their names; each is served over MQTT/TLS at the address DNS gives for it; two
// add-customer runs started at once get distinct ports; fleet-status shows every customer and fails
// when one is down; remove-customer finds each and deletes it there.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dig } from '../../integration/dns/pdns-instance.js';
import { runCli } from '../../integration/cli/run-cli.js';
import { ensureLab, labPaths, runArgv } from '../../helpers/lab.js';
import { changedTasks, DOMAIN, mqttRoundTrip, pebbleRoot, play, readReport, type PlayRun } from './helpers.js';
import { credentialsOn, DNS_PORT, fleetDigest, HOSTS, STATE_OF, type Host } from './fleet-hosts.js';

const STEP_MS = 10 * 60_000;
const PLACED = ['fleeta', 'fleetb', 'fleetc'];
const AT_ONCE = ['fleetx', 'fleety'];
// create-container on lab and on lab2 at once, asking for one port.
const ONE_PORT = { lab: 'fleetp', lab2: 'fleetq' } as const;
const SHARED_PORT = 18981;
const tmp = mkdtempSync(join(tmpdir(), 'osm-fleet-'));
const cafile = join(tmp, 'pebble-root.pem');
const where = new Map<string, Host>();

/** The customers osm_facts counts on each OSM host (what placement counts), by an ad-hoc play. */
async function customerCounts(): Promise<Record<Host, number>> {
  const pb = join(tmp, 'count.yaml');
  const report = join(tmp, 'count.json');
  writeFileSync(pb, stringify([{ hosts: 'osm_hosts', gather_facts: false, tasks: [
    { name: 'count', osm_facts: { lxc_root: '{{ osm_lxc_root }}', nginx_dir: '{{ osm_nginx_dir }}', dnsmasq_conf: '{{ osm_dnsmasq_conf | default("/etc/lxc/dnsmasq.conf") }}', hosts_file: '/etc/hosts' }, register: 'f' },
    { name: 'say', debug: { msg: '{{ f.customer_names | length }}' } },
  ] }]));
  const run = await runCli(['-i', labPaths.inventory, pb, '--json', report]);
  if (run.code !== 0) throw new Error(`counting customers failed:\n${run.stdout}\n${run.stderr}`);
  const said = (host: Host) => Number(readReport(report).results.find((r) => r.task === 'say' && r.host === host)?.data['msg']);
  return { lab: said('lab'), lab2: said('lab2') };
}

/** An inventory layered over the lab's: each host's osm_capacity. */
function capacities(c: Record<Host, number>): string {
  const file = join(tmp, `capacity-${c.lab}-${c.lab2}.yaml`);
  writeFileSync(file, stringify({ all: { children: { osm_hosts: { hosts: { lab: { osm_capacity: c.lab }, lab2: { osm_capacity: c.lab2 } } } } } }));
  return file;
}

function addCustomer(name: string, inventoryOver: string, extra: Record<string, string> = {}, flags: string[] = []): Promise<PlayRun> {
  return play('add-customer', { customer_name: name, ...extra }, ['-i', inventoryOver, '--lock-timeout', '600', ...flags]);
}

/** The host add-customer said it placed the customer on. */
function placedOn(run: PlayRun, name: string): Host {
  const m = new RegExp(`${name} goes to (lab2?), MQTT port (\\d+)`).exec(run.output);
  if (!m) throw new Error(`no placement for ${name} in:\n${run.output}`);
  return m[1] as Host;
}

/** DNS as a client sees it: the customer's MQTT name aliases its host's name, which has the host's address. */
function dnsAnswer(name: string): string[] {
  return dig(DNS_PORT, `${name}-mqtt.${DOMAIN}`, 'A').map((a) => `${a.type} ${a.value}`);
}

/** MQTT over TLS (full verification) to the address DNS gives for the customer's MQTT name. */
async function servedThroughDns(name: string): Promise<void> {
  const a = dig(DNS_PORT, `${name}-mqtt.${DOMAIN}`, 'A').find((r) => r.type === 'A');
  expect(a, `${name}: DNS has no address`).toBeDefined();
  const hostsFile = join(tmp, `hosts-${name}`);
  writeFileSync(hostsFile, `${a!.value} ${name}-mqtt.${DOMAIN}\n`);
  const c = credentialsOn(where.get(name)!, name);
  const r = await mqttRoundTrip({ name: `${name}-mqtt.${DOMAIN}`, port: c.port, cafile, hostsFile }, c.user, c.password, 'fleet/check', `hello ${name}`);
  expect(r.pub.exitCode, `${name} publish: ${r.pub.stderr}`).toBe(0);
  expect(r.sub?.stdout.trim(), `${name} subscribe: ${r.sub?.stderr}`).toBe(`hello ${name}`);
}

describe('the fleet on lab and lab2 (issue 12)', () => {
  let full = '';

  beforeAll(async () => {
    await ensureLab();
    const setup = await play('setup-host', {}, ['--limit', 'all', '--lock-timeout', '600']);
    if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
    await pebbleRoot(cafile);
  }, STEP_MS);

  afterAll(async () => {
    for (const name of [...PLACED, ...AT_ONCE, ...Object.values(ONE_PORT)]) await play('remove-customer', { customer_name: name, purge: 'true' }, ['--lock-timeout', '600']);
    rmSync(tmp, { recursive: true, force: true });
  }, STEP_MS);

  it('setup-host gives each host its A record', () => {
    for (const [host, ip] of Object.entries(HOSTS)) expect(dig(DNS_PORT, `${host}.${DOMAIN}`, 'A').map((a) => a.value)).toEqual([ip]);
  });

  it('add-customer places three customers by free room, and DNS names the host of each', { timeout: STEP_MS }, async () => {
    const n = await customerCounts();
    // lab2 has 2 free, lab 1: the first goes to lab2, the next two fill one place on each.
    full = capacities({ lab: n.lab + 1, lab2: n.lab2 + 2 });
    for (const name of PLACED) {
      const run = await addCustomer(name, full);
      expect(run.code, run.output).toBe(0);
      where.set(name, placedOn(run, name));
    }
    expect(where.get('fleeta')).toBe('lab2');
    expect(countByHost(where)).toEqual({ lab: 1, lab2: 2 });
    for (const name of PLACED) {
      expect(dig(DNS_PORT, `${name}.${DOMAIN}`, 'CNAME').map((a) => a.value), name).toEqual([`${where.get(name)}.${DOMAIN}.`]);
      expect(dnsAnswer(name), name).toEqual([`CNAME ${where.get(name)}.${DOMAIN}.`, `A ${HOSTS[where.get(name)!]}`]);
    }
    const none = await addCustomer('fleetd', full, {}, ['--check']);
    expect(none.code, none.output).toBe(2);
    expect(none.output).toMatch(/no host has room \(customers\/osm_capacity: lab \d+\/\d+, lab2 \d+\/\d+\)/);
  });

  it('each customer is served over MQTT/TLS at the address DNS gives for it', { timeout: STEP_MS }, async () => {
    for (const name of PLACED) await servedThroughDns(name);
  });

  it('a second add-customer finds the customer where it is and changes nothing', { timeout: STEP_MS }, async () => {
    const again = await addCustomer('fleeta', full);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(`fleeta goes to ${where.get('fleeta')}`);
    expect(changedTasks(again), again.output).toEqual([]);
  });

  it('refuses a name or an MQTT port another host has, and add-customer under --limit, changing nothing on either host nor in DNS', { timeout: STEP_MS }, async () => {
    const before = await fleetDigest();
    const other: Host = where.get('fleeta') === 'lab' ? 'lab2' : 'lab';
    const dup = await play('create-container', { customer_name: 'fleeta', mqtt_port: '18979' }, ['--limit', other]);
    expect(dup.code, dup.output).toBe(2);
    expect(dup.output).toContain(`'fleeta' already exists on ${where.get('fleeta')}`);
    const held = credentialsOn(where.get('fleeta')!, 'fleeta').port;
    const dupPort = await play('create-container', { customer_name: 'fleetw', mqtt_port: String(held) }, ['--limit', other]);
    expect(dupPort.code, dupPort.output).toBe(2);
    expect(dupPort.output).toContain(`mqtt_port: ${held} is held on ${where.get('fleeta')} by customer fleeta`);
    const moved = await addCustomer('fleeta', full, { osm_host: other });
    expect(moved.code, moved.output).toBe(2);
    expect(moved.output).toContain(`already exists on ${where.get('fleeta')}`);
    const limited = await addCustomer('fleetz', full, {}, ['--limit', 'lab']);
    expect(limited.code, limited.output).toBe(2);
    expect(limited.output).toContain('not --limit');
    expect(existsSync(join(labPaths.containers, 'fleetz-svr'))).toBe(false);
    expect(await fleetDigest()).toEqual(before);
  });

  // Each run holds its own host and reads the other: without the fleet reservation taken before
  // either host's lock, both would wait for the other until --lock-timeout and both could take the port.
  it('create-container on lab and on lab2 started at once for one port: one creates, the other is refused naming it, neither waits for the lock timeout', { timeout: STEP_MS }, async () => {
    const hosts = Object.keys(ONE_PORT) as Host[];
    const runs = await Promise.all(hosts.map((host) =>
      play('create-container', { customer_name: ONE_PORT[host], mqtt_port: String(SHARED_PORT) }, ['--limit', host, '--lock-timeout', '300'])));
    const won = runs.findIndex((r) => r.code === 0);
    expect(won, runs.map((r) => r.output).join('\n----\n')).toBeGreaterThanOrEqual(0);
    const winner = hosts[won]!;
    const lost = runs[1 - won]!;
    expect(lost.code, lost.output).toBe(2);
    expect(lost.output).toContain(`mqtt_port: ${SHARED_PORT} is held on ${winner} by customer ${ONE_PORT[winner]}`);
    expect(lost.output).not.toContain('--lock-timeout');
    const loser = hosts[1 - won]!;
    expect(existsSync(join(STATE_OF[loser], 'credentials', `${ONE_PORT[loser]}.txt`))).toBe(false);
    where.set(ONE_PORT[winner], winner);
    await servedThroughDns(ONE_PORT[winner]);
  });

  it('two add-customer runs started at once take turns: distinct ports, both served', { timeout: STEP_MS }, async () => {
    const n = await customerCounts();
    const roomy = capacities({ lab: n.lab + 2, lab2: n.lab2 + 2 });
    const runs = await Promise.all(AT_ONCE.map((name) => addCustomer(name, roomy)));
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.output).toBe(0);
      where.set(AT_ONCE[i]!, placedOn(run, AT_ONCE[i]!));
    }
    const ports = AT_ONCE.map((name) => credentialsOn(where.get(name)!, name).port);
    expect(new Set(ports).size, `ports ${ports.join(', ')}`).toBe(2);
    for (const name of AT_ONCE) await servedThroughDns(name);
  });

  it('fleet-status shows every customer with its host, served and DNS right; it fails naming a customer that is down', { timeout: STEP_MS }, async () => {
    const names = [...PLACED, ...AT_ONCE];
    const status = await play('fleet-status', { customer_name: 'fleetb' });
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain(`fleetb is on ${where.get('fleetb')}`);
    for (const name of names) {
      expect(status.output, name).toMatch(new RegExp(`${where.get(name)}\\s+${name}\\s+\\d+\\s+10\\.0\\.3\\.\\d+\\s+served\\s+ok\\s`));
    }
    const onLab = names.find((n) => where.get(n) === 'lab')!;
    const stop = await runArgv(['lxc-stop', '-n', `${onLab}-svr`, '-k']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    const down = await play('fleet-status');
    expect(down.code, down.output).toBe(2);
    // osm-metrics reads a stopped container's state from lxc-info, which knows only running ones: missing.
    expect(down.output).toMatch(new RegExp(`lab ${onLab}: container is (stopped|missing)`));
    // add-customer completes the customer where it is: started and served again.
    const back = await addCustomer(onLab, full);
    expect(back.code, back.output).toBe(0);
    await servedThroughDns(onLab);
  });

  it('remove-customer finds each customer on its host and deletes it there, DNS names included', { timeout: STEP_MS }, async () => {
    for (const name of PLACED) {
      const run = await play('remove-customer', { customer_name: name, purge: 'true' });
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain(`${name} is on ${where.get(name)}`);
      expect(dig(DNS_PORT, `${name}.${DOMAIN}`, 'ANY'), name).toEqual([]);
    }
    const unknown = await play('remove-customer', { customer_name: 'fleetnone' });
    expect(unknown.code, unknown.output).toBe(2);
    expect(unknown.output).toContain("no customer 'fleetnone' on any OSM host (lab, lab2)");
  });
});

/** How many of the placed customers each host got. */
function countByHost(w: Map<string, Host>): Record<Host, number> {
  const count = { lab: 0, lab2: 0 };
  for (const name of PLACED) count[w.get(name)!]++;
  return count;
}
