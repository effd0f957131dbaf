// Issue 13: restart-customer, rebase-customer and prune-os-bases on the lab host, run with the CLI
// as an operator would. Two customers on the lab's real base A; base B (A plus a marker file) and a
// base whose mosquitto cannot start are made from A (test-bases.ts). The steps share the lab state.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths, newestOsBase } from '../../helpers/lab.js';
import { changedCount, changedTasks, inContainer, mqttRoundTrip, pebbleRoot, play, readCredentials, type MqttTarget, type PlayRun } from './helpers.js';
import { makeTestBase, removeTestBases, TEST_BASE_PREFIX } from './test-bases.js';

const STEP_MS = 10 * 60_000;
const DOMAIN = 'osm-lab.test';
const MARKER = '/etc/osm-rebase-test';
const BASE_OLD = `${TEST_BASE_PREFIX}01-rebase-old`;
const BASE_B = `${TEST_BASE_PREFIX}02-rebase-b`;
const BASE_BAD = `${TEST_BASE_PREFIX}03-rebase-bad`;

interface C {
  name: string;
  container: string;
  port: number;
  data: string;
}
const mk = (name: string, port: number): C => ({ name, container: `${name}-svr`, port, data: `data of ${name} ${randomBytes(6).toString('hex')}` });
const rba = mk('rebase-a', 18893);
const rbb = mk('rebase-b', 18894);
const both = [rba, rbb];
const tmp = mkdtempSync(join(tmpdir(), 'osm-rebase-'));
const cafile = join(tmp, 'pebble-root.pem');
const hostsFile = join(tmp, 'hosts');
let baseA = '';
const passwd = new Map<string, string>();

const dir = (c: C): string => join(labPaths.containers, c.container);
const record = (c: C): { os_base?: string } => JSON.parse(readFileSync(join(dir(c), 'osm-customer.json'), 'utf8')) as { os_base?: string };
const lowerOf = (c: C): string => /^lxc\.rootfs\.path = overlayfs:([^:]+):/m.exec(readFileSync(join(dir(c), 'lxc.container.conf'), 'utf8'))?.[1] ?? '';
const target = (c: C): MqttTarget => ({ name: `${c.name}-mqtt.${DOMAIN}`, port: c.port, cafile, hostsFile });

function expectOk(run: PlayRun): void {
  expect(run.code, run.output).toBe(0);
}

async function purge(c: C): Promise<void> {
  if (existsSync(dir(c)) || existsSync(join(labPaths.nginxStreamDir, `${c.name}.conf`))) await play('delete-container', { customer_name: c.name, purge: 'true' });
}

async function initPid(c: C): Promise<string> {
  return (await inContainer(c.container, ['cat', '/proc/1/stat'])).stdout.split(' ')[21] ?? '';
}

/** The customer's own broker answers through nginx with its credentials from create-container. */
async function expectServed(c: C): Promise<void> {
  const { user, password } = readCredentials(c.name);
  const payload = `hello ${randomBytes(4).toString('hex')}`;
  const { pub, sub } = await mqttRoundTrip(target(c), user, password, `osm-rebase/${c.name}`, payload);
  expect(pub.exitCode, pub.stderr).toBe(0);
  expect(sub?.stdout.trim(), sub?.stderr).toBe(payload);
}

/** On `base`: config, record, the marker seen from inside, the customer's data and credentials as before. */
async function expectOn(c: C, base: string, marker: string): Promise<void> {
  expect(lowerOf(c)).toBe(join(labPaths.osBases, base));
  expect(record(c).os_base).toBe(base);
  expect((await inContainer(c.container, ['/bin/sh', '-c', `cat ${MARKER} 2>/dev/null || echo none`])).stdout.trim()).toBe(marker);
  expect((await inContainer(c.container, ['cat', '/root/osm-data'])).stdout.trim()).toBe(c.data);
  expect((await inContainer(c.container, ['cat', '/etc/mosquitto/osm.passwd'])).stdout).toBe(passwd.get(c.name));
  await expectServed(c);
}

describe('restart, rebase and prune in the lab (issue 13)', () => {
  beforeAll(async () => {
    await ensureLab();
    for (const c of both) await purge(c);
    await removeTestBases();
    baseA = newestOsBase();
    await makeTestBase(baseA, BASE_OLD, ':');
    await makeTestBase(baseA, BASE_B, `echo B > "$1${MARKER}"`);
    // mosquitto cannot start on this base: its program exits 1.
    await makeTestBase(baseA, BASE_BAD, `printf '#!/bin/sh\\nexit 1\\n' > "$1/usr/sbin/mosquitto"`);
    await pebbleRoot(cafile);
    writeFileSync(hostsFile, `127.0.0.1 ${both.map((c) => `${c.name}-mqtt.${DOMAIN}`).join(' ')}\n`);
  }, STEP_MS);

  afterAll(async () => {
    try {
      for (const c of both) await purge(c);
      await removeTestBases();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, STEP_MS);

  it('1. two customers on base A, with data', { timeout: STEP_MS }, async () => {
    expectOk(await play('setup-host'));
    for (const c of both) {
      expectOk(await play('create-container', { customer_name: c.name, mqtt_port: String(c.port), os_base: baseA }));
      await inContainer(c.container, ['/bin/sh', '-c', 'echo "$1" > /root/osm-data && sync', 'sh', c.data]);
      passwd.set(c.name, (await inContainer(c.container, ['cat', '/etc/mosquitto/osm.passwd'])).stdout);
      await expectOn(c, baseA, 'none');
    }
  });

  it('2. restart-customer: --check only plans it; a run stops and starts cleanly, logged, served', { timeout: STEP_MS }, async () => {
    const pid = await initPid(rba);
    const check = await play('restart-customer', { customer_name: rba.name }, ['--check']);
    expectOk(check);
    expect(changedTasks(check)).toEqual(['lab: Stop and start the container']);
    expect(await initPid(rba), 'check mode restarted nothing').toBe(pid);

    const logFile = join(labPaths.lxcLogs, `${rba.container}.log`);
    const logBefore = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const run = await play('restart-customer', { customer_name: rba.name });
    expectOk(run);
    expect(changedTasks(run), run.output).toEqual(['lab: Stop and start the container']);
    expect(await initPid(rba), 'a new init').not.toBe(pid);
    const logged = readFileSync(logFile, 'utf8').slice(logBefore.length);
    expect(logged).toMatch(/osm-play: restart-customer: stopped\n(.*\n)*.*osm-play: restart-customer: started/);
    expect(run.stdout).toMatch(/rebase-a restarted; down for \d+(\.\d)? s/);
    await expectOn(rba, baseA, 'none');

    const unknown = await play('restart-customer', { customer_name: 'no-such-customer' });
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("no container for customer 'no-such-customer'");
  });

  it('3. rebase moves both onto B: B seen inside, data and credentials kept, served, downtime reported; all plans every customer', { timeout: STEP_MS }, async () => {
    // customer_name=all is planned only: on the shared lab it would also move other tests' customers.
    const check = await play('rebase-customer', { customer_name: 'all', os_base: BASE_B }, ['--check']);
    expectOk(check);
    for (const c of both) expect(check.output).toContain(`${c.name}: switch the lower layer to ${BASE_B}`);
    for (const c of both) expect(lowerOf(c), 'check mode switched nothing').toBe(join(labPaths.osBases, baseA));

    for (const c of both) {
      const run = await play('rebase-customer', { customer_name: c.name, os_base: BASE_B });
      expectOk(run);
      await expectOn(c, BASE_B, 'B');
      expect(run.stdout).toMatch(new RegExp(`"${c.name}": "\\d+(\\.\\d+)? s"`));
      const again = await play('rebase-customer', { customer_name: c.name, os_base: BASE_B });
      expectOk(again);
      expect(changedTasks(again), again.output).toEqual([]);
      expect(changedCount(again)).toBe(0);
    }
  });

  it('4. a customer whose layer shadows a base file is refused naming it, and nothing changes', { timeout: STEP_MS }, async () => {
    await inContainer(rba.container, ['/bin/sh', '-c', 'echo "#!/bin/sh" > /usr/local/bin/osm-own-tool && chmod 755 /usr/local/bin/osm-own-tool']);
    const pid = await initPid(rba);
    const run = await play('rebase-customer', { customer_name: rba.name, os_base: baseA });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('/usr/local/bin/osm-own-tool');
    expect(run.output).toContain('force=true overrides');
    expect(changedCount(run)).toBe(0);
    expect(await initPid(rba), 'not restarted').toBe(pid);
    await expectOn(rba, BASE_B, 'B');
    await inContainer(rba.container, ['rm', '/usr/local/bin/osm-own-tool']);
  });

  it('5. a rebase onto a base whose mosquitto cannot start comes back on the old base, served, the failure named', { timeout: STEP_MS }, async () => {
    const run = await play('rebase-customer', { customer_name: rbb.name, os_base: BASE_BAD });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/rebase to 20000101-000003-rebase-bad failed and was undone \(back on 20000101-000002-rebase-b.*mosquitto/);
    await expectOn(rbb, BASE_B, 'B');
  });

  it('6. prune-os-bases deletes exactly the unused bases older than the newest keep', { timeout: STEP_MS }, async () => {
    const check = await play('prune-os-bases', { keep: '1' }, ['--check']);
    expectOk(check);
    const planned = check.results.find((r) => r.module === 'os_base_prune')?.data;
    // Besides ours, only a real base of an earlier lab-up may go: unused, and older than the base
    // the lab runs on (a lab left up by an earlier run keeps its old base).
    const deleted = (planned?.['deleted'] ?? []) as string[];
    const ours = deleted.filter((b) => b.startsWith(TEST_BASE_PREFIX));
    expect(ours, check.output).toEqual([BASE_OLD, BASE_BAD]);
    for (const b of deleted.filter((n) => !n.startsWith(TEST_BASE_PREFIX))) expect(b < baseA, `${b} is older than ${baseA}`).toBe(true);
    expect(Object.keys((planned?.['kept'] ?? {}) as object).sort()).toEqual([BASE_B, baseA].sort());
    expect(existsSync(join(labPaths.osBases, BASE_OLD)), 'check mode deleted nothing').toBe(true);

    const run = await play('prune-os-bases', { keep: '1' });
    expectOk(run);
    expect(changedCount(run)).toBe(1);
    for (const b of [BASE_OLD, BASE_BAD]) expect(existsSync(join(labPaths.osBases, b)), b).toBe(false);
    for (const b of [BASE_B, baseA]) expect(existsSync(join(labPaths.osBases, b)), b).toBe(true);
    const again = await play('prune-os-bases', { keep: '1' });
    expectOk(again);
    expect(changedCount(again)).toBe(0);
    for (const c of both) await expectServed(c);
  });

  it('7. upgrade-host --check shows the whole plan: a fresh base, every customer moved, the prune; nothing changes', { timeout: STEP_MS }, async () => {
    const run = await play('upgrade-host', {}, ['--check']);
    expectOk(run);
    expect(run.output).toMatch(/build OS base \S+-bookworm/);
    for (const c of both) expect(run.output).toContain(`${c.name}: switch the lower layer to ${baseA}`);
    for (const c of both) expect(lowerOf(c)).toBe(join(labPaths.osBases, BASE_B));
    expect(readdirSync(labPaths.osBases).filter((n) => n.startsWith(TEST_BASE_PREFIX))).toEqual([BASE_B]);
    expect(existsSync(join(labPaths.osBases, baseA))).toBe(true);
  });
});
