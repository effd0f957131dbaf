// The customer's application stack, the parts Debian provides (issue 14): a customer created on an
// OS base with postgresql and redis-server (built by build-os-base.yaml; the lab's own base leaves
// them out so its many containers boot fast) gets ChirpStack's database and role with a password
// generated once, redis on loopback only, and broker users for its gateways and ChirpStack, whose
// ACL keeps the gateways to their topics. Secrets stay in the root-only credentials file, out of
// every output but customer-credentials.yaml's. The base also installs a .deb of the test's own,
// served from a folder as a vendor's would be (OSM_VENDOR_DEBS, os_base local_debs).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths, runArgv } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, changedCount, changedTasks, inContainer, mosquitto, ok, pebbleRoot, play, statusRow, type MqttTarget, type PlayRun } from './helpers.js';
import { customer, purge, type Customer } from './customers.js';
import { TEST_BASE_PREFIX, removeTestBases } from './test-bases.js';
import { parseKeyValues } from '../../../modules/generated_secret.js';

const STEP_MS = 10 * 60_000;
const STACK_BASE = `${TEST_BASE_PREFIX}21-stack`;
const STACK = JSON.stringify({ osm_customer_stack: ['postgres', 'redis'] });
const REGION = 'eu868';

const stacked = customer('t14-stack', 18951);
const other = customer('t14-other', 18952);

const tmp = mkdtempSync(join(tmpdir(), 't14-stack-'));
const cafile = join(tmp, 'ca.pem');
const hostsFile = join(tmp, 'hosts');
const vendorDebs = join(tmp, 'vendor-debs');
const PROBE_PACKAGE = 'osm-vendor-probe';

/** A .deb built the same, byte for byte, every time (fixed times, root owner): the base's key and cached tarball stay the same. */
async function makeProbeDeb(dir: string): Promise<void> {
  const pkg = join(tmp, 'probe-pkg');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share', PROBE_PACKAGE), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN/control'), `Package: ${PROBE_PACKAGE}\nVersion: 1.0\nArchitecture: all\nMaintainer: osm-play tests <root@localhost>\nDescription: stands in for a vendor package in the offline base build\n`);
  writeFileSync(join(pkg, 'usr/share', PROBE_PACKAGE, 'installed'), 'ok\n');
  mkdirSync(dir, { recursive: true });
  await ok(['find', pkg, '-exec', 'touch', '-h', '-d', '@0', '{}', '+']);
  const built = await runArgv(['dpkg-deb', '--root-owner-group', '-Zxz', '--build', pkg, join(dir, `${PROBE_PACKAGE}_1.0_all.deb`)], { env: { ...process.env, SOURCE_DATE_EPOCH: '0' } });
  if (built.exitCode !== 0) throw new Error(`dpkg-deb: ${built.stderr}`);
}

const target = (c: Customer): MqttTarget => ({ name: c.mqttName, port: c.port, cafile, hostsFile });

const createStacked = () => play('create-container', { customer_name: stacked.name, mqtt_port: String(stacked.port), os_base: STACK_BASE }, ['-e', STACK]);

function secretsOf(c: Customer): Record<string, string> {
  return parseKeyValues(readFileSync(join(CREDENTIALS_DIR, `${c.name}.txt`), 'utf8'));
}

const SECRET_KEYS = ['password', 'gateway_password', 'chirpstack_mqtt_password', 'postgres_chirpstack_password'];

/** No secret of the file appears in what the run printed or reported. */
function expectNoSecretIn(run: PlayRun, secrets: Record<string, string>): void {
  const seen = `${run.output}\n${JSON.stringify(run.results)}`;
  for (const k of SECRET_KEYS) {
    expect(secrets[k], k).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(seen.includes(secrets[k] ?? '<none>'), `${k} printed`).toBe(false);
  }
}

async function containerAddress(c: Customer): Promise<string> {
  const r = await runArgv(['lxc-info', '-n', c.container, '-iH']);
  const ip = r.stdout.split('\n').find((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l.trim()));
  if (!ip) throw new Error(`no address for ${c.container}: ${r.stdout}${r.stderr}`);
  return ip.trim();
}

/** Whether a TCP connection from this machine (the OSM host) to addr:port is accepted. */
async function tcpOpen(addr: string, port: number): Promise<boolean> {
  const r = await runArgv(['timeout', '5', 'bash', '-c', `exec 3<>/dev/tcp/${addr}/${port}`]);
  return r.exitCode === 0;
}

let created: PlayRun;

describe('the application stack Debian provides, in a customer container', () => {
  beforeAll(async () => {
    await ensureLab();
    await purge(stacked);
    await purge(other);
    // What every customer needs of the host (nginx, the ACME webroot, the boot unit).
    const host = await play('setup-host');
    expect(host.code, host.output).toBe(0);
    await pebbleRoot(cafile);
    writeFileSync(hostsFile, `127.0.0.1 ${stacked.mqttName} ${other.mqttName}\n`);
    // The base is cached as a tarball outside the lab by its inputs: after the first build, seconds.
    // A .deb of our own stands in for a vendor's, served to the build from a folder (local_debs).
    await makeProbeDeb(vendorDebs);
    const base = await play('build-os-base', { os_base: STACK_BASE, osm_base_local_debs: vendorDebs }, [
      '-e', JSON.stringify({ osm_base_packages: ['busybox', 'postgresql', 'redis-server', PROBE_PACKAGE] }),
    ]);
    expect(base.code, base.output).toBe(0);
    created = await createStacked();
  }, STEP_MS);

  afterAll(async () => {
    const errors: string[] = [];
    for (const c of [stacked, other]) await purge(c).catch((e: unknown) => errors.push(String(e)));
    await removeTestBases().catch((e: unknown) => errors.push(String(e)));
    rmSync(tmp, { recursive: true, force: true });
    if (errors.length) throw new Error(errors.join('\n'));
  }, STEP_MS);

  it('create-container sets the customer up on the base with postgres and redis, and says it is served', () => {
    expect(created.code, created.output).toBe(0);
    for (const t of ["ChirpStack's database role", "ChirpStack's database", 'redis runs with these settings', 'Broker users']) {
      expect(created.results.some((r) => r.task.includes(t) && r.status === 'changed'), `${t} changed`).toBe(true);
    }
  });

  it('the OS base got the package served from the folder of .debs, and keeps no trace of that repository', () => {
    const base = join(labPaths.osBases, STACK_BASE);
    expect(readFileSync(join(base, 'usr/share', PROBE_PACKAGE, 'installed'), 'utf8')).toBe('ok\n');
    expect(existsSync(join(base, 'var/lib/osm-local-debs'))).toBe(false);
    expect(existsSync(join(base, 'etc/apt/sources.list.d/osm-local-debs.list'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(base, 'etc/osm-base.json'), 'utf8')) as { inputs: { localDebs?: { file: string }[] } };
    expect(manifest.inputs.localDebs?.map((d) => d.file)).toEqual([`${PROBE_PACKAGE}_1.0_all.deb`]);
  });

  it("ChirpStack's role logs in to its database with the generated password; pg_trgm is there", async () => {
    const pw = secretsOf(stacked)['postgres_chirpstack_password'] ?? '';
    const r = await inContainer(stacked.container, [
      'env', `PGPASSWORD=${pw}`, 'psql', '-h', '127.0.0.1', '-U', 'chirpstack', '-d', 'chirpstack', '-tAc',
      "select current_user || '|' || (select count(*) from pg_extension where extname = 'pg_trgm')",
    ]);
    expect(r.stdout.trim()).toBe('chirpstack|1');
    const wrong = await runArgv(['lxc-attach', '-n', stacked.container, '--clear-env', '--', 'env', 'PGPASSWORD=not-the-password', 'psql', '-h', '127.0.0.1', '-U', 'chirpstack', '-d', 'chirpstack', '-tAc', 'select 1']);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed/);
  });

  it('redis answers inside the container, and neither redis nor postgres answers from outside it', async () => {
    expect((await inContainer(stacked.container, ['redis-cli', 'ping'])).stdout.trim()).toBe('PONG');
    const addr = await containerAddress(stacked);
    expect(await tcpOpen(addr, 1883)).toBe(true); // the probe itself works: the broker answers there
    expect(await tcpOpen(addr, 6379)).toBe(false);
    expect(await tcpOpen(addr, 5432)).toBe(false);
  });

  it('the credentials file holds every secret, root-only, and no run printed one', () => {
    const file = join(CREDENTIALS_DIR, `${stacked.name}.txt`);
    const st = statSync(file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    const secrets = secretsOf(stacked);
    expect(secrets['gateway_user']).toBe(`${stacked.name}-gateway`);
    expectNoSecretIn(created, secrets);
  });

  it('the gateway user publishes on the gateway topics and takes commands, but reads nothing else', async () => {
    const s = secretsOf(stacked);
    const gw = `${stacked.name}-gateway`;
    const t = target(stacked);
    // The customer's own user sees what a gateway sends.
    const listening = mosquitto('mosquitto_sub', t, stacked.name, s['password']!, ['-t', `${REGION}/gateway/+/event/up`, '-C', '1', '-W', '15']);
    await new Promise((r) => setTimeout(r, 1500));
    const up = await mosquitto('mosquitto_pub', t, gw, s['gateway_password']!, ['-t', `${REGION}/gateway/0102030405060708/event/up`, '-m', 'uplink-1', '-q', '1']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect((await listening).stdout.trim()).toBe('uplink-1');
    // A command ChirpStack sends reaches the gateway (retained, so the order of the two clients does not matter).
    const cmdTopic = `${REGION}/gateway/0102030405060708/command/down`;
    const sent = await mosquitto('mosquitto_pub', t, `${stacked.name}-chirpstack`, s['chirpstack_mqtt_password']!, ['-t', cmdTopic, '-m', 'downlink-1', '-r', '-q', '1']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    const cmd = await mosquitto('mosquitto_sub', t, gw, s['gateway_password']!, ['-t', cmdTopic, '-C', '1', '-W', '10']);
    expect(cmd.stdout.trim()).toBe('downlink-1');
    // The application's data is there, retained, for the customer; the gateway reads none of it.
    const app = await mosquitto('mosquitto_pub', t, stacked.name, s['password']!, ['-t', 'application/1/device/01/event/up', '-m', 'secret-reading', '-r', '-q', '1']);
    expect(app.exitCode, app.stderr).toBe(0);
    const mine = await mosquitto('mosquitto_sub', t, stacked.name, s['password']!, ['-t', 'application/#', '-C', '1', '-W', '10']);
    expect(mine.stdout.trim()).toBe('secret-reading');
    const peek = await mosquitto('mosquitto_sub', t, gw, s['gateway_password']!, ['-t', '#', '-W', '3']);
    expect(peek.stdout).not.toContain('secret-reading');
    // (The command topic is the gateway's to read: a retained command there is delivered, as it should be.)
  });

  it("the gateway's credentials open nothing on another customer's broker", async () => {
    const made = await play('create-container', { customer_name: other.name, mqtt_port: String(other.port) });
    expect(made.code, made.output).toBe(0);
    const s = secretsOf(stacked);
    const r = await mosquitto('mosquitto_pub', target(other), `${stacked.name}-gateway`, s['gateway_password']!, ['-t', `${REGION}/gateway/01/event/up`, '-m', 'x', '-q', '1']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/not authori[sz]ed|Connection Refused/i);
  });

  it('a second create and provision-customer change nothing and rotate nothing', async () => {
    const before = secretsOf(stacked);
    const again = await createStacked();
    expect(again.code, again.output).toBe(0);
    expect(changedCount(again), changedTasks(again).join('\n')).toBe(0);
    const provision = await play('provision-customer', { customer_name: stacked.name }, ['-e', STACK]);
    expect(provision.code, provision.output).toBe(0);
    expect(changedCount(provision), changedTasks(provision).join('\n')).toBe(0);
    expect(provision.results.some((r) => r.task === "ChirpStack's database role" && r.status === 'ok')).toBe(true);
    expect(secretsOf(stacked)).toEqual(before);
    expectNoSecretIn(again, before);
    expectNoSecretIn(provision, before);
  });

  it('provision-customer puts back a password changed behind its back, with the same secret', async () => {
    await inContainer(stacked.container, ['runuser', '-u', 'postgres', '--', 'psql', '-qc', "alter role chirpstack password 'tampered'"]);
    const fixed = await play('provision-customer', { customer_name: stacked.name }, ['-e', STACK]);
    expect(fixed.code, fixed.output).toBe(0);
    expect(changedTasks(fixed)).toEqual([`lab: ChirpStack's database role`]);
    const pw = secretsOf(stacked)['postgres_chirpstack_password'] ?? '';
    const r = await inContainer(stacked.container, ['env', `PGPASSWORD=${pw}`, 'psql', '-h', '127.0.0.1', '-U', 'chirpstack', '-d', 'chirpstack', '-tAc', 'select 1']);
    expect(r.stdout.trim()).toBe('1');
  });

  it('status.yaml reports each service of the stack; a stopped one is a problem, and provision-customer starts it again', async () => {
    const up = statusRow(await play('status'), stacked.name);
    expect(up['services']).toEqual([
      { name: 'mosquitto', active: true },
      { name: expect.stringMatching(/^postgresql@\d+-main$/), active: true },
      { name: 'redis-server', active: true },
    ]);
    await inContainer(stacked.container, ['systemctl', 'stop', 'redis-server']);
    const down = await play('status');
    expect(down.code).not.toBe(0);
    expect(statusRow(down, stacked.name)['problems']).toContain('service redis-server is not active in the container');
    expect(down.stdout).toContain('2/3 up (redis-server down)');
    const fixed = await play('provision-customer', { customer_name: stacked.name }, ['-e', STACK]);
    expect(fixed.code, fixed.output).toBe(0);
    expect(changedTasks(fixed)).toEqual(['lab: redis runs with these settings']);
    expect(statusRow(await play('status'), stacked.name)['healthy']).toBe(true);
  });

  it('customer-credentials.yaml shows the secrets to the operator, on purpose', async () => {
    const shown = await play('customer-credentials', { customer_name: stacked.name });
    expect(shown.code, shown.output).toBe(0);
    const s = secretsOf(stacked);
    for (const k of SECRET_KEYS) expect(shown.stdout).toContain(`${k}=${s[k]}`);
    const unknown = await play('customer-credentials', { customer_name: 't14-nobody' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toContain("no credentials of 't14-nobody'");
  });

  it("a stack whose parts lack what they need is refused before anything changes; a vendor's part the base lacks, by name", async () => {
    const before = readFileSync(join(CREDENTIALS_DIR, `${stacked.name}.txt`), 'utf8');
    const lonely = await play('provision-customer', { customer_name: stacked.name }, ['-e', JSON.stringify({ osm_customer_stack: ['chirpstack'] })]);
    expect(lonely.code).not.toBe(0);
    expect(lonely.output).toContain('chirpstack needs postgres, redis and influxdb');
    expect(changedCount(lonely)).toBe(0);
    expect(readFileSync(join(CREDENTIALS_DIR, `${stacked.name}.txt`), 'utf8')).toBe(before);
    const otherBefore = readFileSync(join(CREDENTIALS_DIR, `${other.name}.txt`), 'utf8');
    const influx = await play('provision-customer', { customer_name: other.name }, ['-e', JSON.stringify({ osm_customer_stack: ['influxdb'] })]);
    expect(influx.code).not.toBe(0);
    expect(influx.output).toMatch(/osm_customer_stack names influxdb, but the OS base of t14-other-svr has no InfluxDB 2/);
    // Refused before the part's secrets are made: nothing changed.
    expect(changedCount(influx)).toBe(0);
    expect(readFileSync(join(CREDENTIALS_DIR, `${other.name}.txt`), 'utf8')).toBe(otherBefore);
  });

  it('a base without postgres is refused by name when the stack asks for it', async () => {
    const r = await play('provision-customer', { customer_name: other.name }, ['-e', STACK]);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/osm_customer_stack names postgres, but the OS base of t14-other-svr has no PostgreSQL/);
  });
});
