// Issue 7, Faults: "A full btrfs filesystem (a small loop file) gives a clear error, and the half-made
// container is cleaned up or completed on re-run." The customer's lxc root is a small btrfs of this
// test's own (small-btrfs.ts), given to create-container as -e osm_lxc_root (extra vars beat the
// inventory's). First the filesystem is full before the run. Then it fills up in the middle of a run,
// twice: before the container's LXC config is written (a half-made container on the host), and, on
// the run after, before the broker's settings are written inside the container (over lxc-attach).
// The run's SSH traffic is held in a relay while the filler is written, so the moment is exact. With
// the space back, the re-run completes the customer. Customer t7s-disk.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths, runArgv } from '../../helpers/lab.js';
import { TcpRelay } from '../../helpers/tcp-relay.js';
import { changedCount, changedTasks, CREDENTIALS_DIR, play, type PlayRun } from '../playbooks/helpers.js';
import { entries, MISSING } from './customer-state-parts.js';
import { customerState, expectCustomerServed } from './customer-state.js';
import { startCli } from './live-cli.js';
import { relayedLabInventory } from './relayed-inventory.js';
import { playbookTasks } from '../../helpers/playbook-tasks.js';
import { makeSmallLxcRoot, type SmallLxcRoot } from './small-btrfs.js';

const CUSTOMER = 't7s-disk';
const PORT = 18955;
const CONTAINER = `${CUSTOMER}-svr`;
const LOCK_FLAGS = ['--lock-timeout', '900'];
// A run may wait up to 900 s for another helper's run to release the lab host.
const STEP_MS = 25 * 60_000;
const CREATE = join(labPaths.repo, 'playbooks', 'create-container.yaml');

interface MidRunFill {
  /** The filesystem fills up as this task starts: it writes nothing on the lxc root itself. */
  fillDuring: string;
  /** The next task to write there, which must fail: the host as its line shows it, and the path it names. */
  host: string;
  fails: string;
  path: () => string;
}
const BEFORE_LXC_CONFIG: MidRunFill = {
  fillDuring: "Fixed address and MAC from lxc-net's dnsmasq",
  host: 'lab',
  fails: 'LXC config',
  path: () => `${small().root}/containers/${CONTAINER}/lxc.container.conf`,
};
const BEFORE_BROKER_SETTINGS: MidRunFill = {
  fillDuring: 'Reach the container through the host',
  // Delegated from the host's play to the container, shown as Ansible shows it.
  host: `lab -> ${CONTAINER}`,
  fails: 'Broker settings',
  // Inside the container: its overlay's upper layer is on the full filesystem.
  path: () => '/etc/mosquitto/conf.d/10-osm.conf',
};

const work = mkdtempSync(join(tmpdir(), 'osm-t7s-disk-full-'));
let disk: SmallLxcRoot | undefined;
// Kept after destroy(), to find what lab-down --check would say about it.
let diskDir = '/var/tmp/osm-t7s-disk-';
let stateBefore: Record<string, unknown>;
let rerun: PlayRun | undefined;

function small(): SmallLxcRoot {
  if (!disk) throw new Error('the small btrfs was not made');
  return disk;
}

/** Task names of each play of create-container, in order: where a failure stops says what ran. */
function createTasks(): string[][] {
  return playbookTasks(CREATE).map((tasks) => tasks.map((t) => String(t.name ?? '')));
}
const TASKS = createTasks().flat();
const HOST_TASKS = createTasks()[0] ?? [];

function create(flags: string[] = []): Promise<PlayRun> {
  return play('create-container', { customer_name: CUSTOMER, mqtt_port: String(PORT), osm_lxc_root: small().root }, [...LOCK_FLAGS, ...flags]);
}

/** The one failed task of a run and its line: `failed: [HOST] TASK: message`. */
function failure(output: string, host: string): { task: string; line: string } {
  const lines = output.split('\n').filter((l) => l.startsWith('failed: ['));
  expect(lines, output).toHaveLength(1);
  const line = lines[0] ?? '';
  const task = TASKS.find((t) => line.startsWith(`failed: [${host}] ${t}: `));
  expect(task, `a task of create-container on ${host} in: ${line}`).toBeDefined();
  return { task: task ?? '', line };
}

/** Nothing of the customer went live that comes after the failed task in the playbook. */
async function expectNothingLiveAfter(failedTask: string): Promise<void> {
  // A task of a later play (inside the container) comes after every task on the host.
  const at = HOST_TASKS.includes(failedTask) ? HOST_TASKS.indexOf(failedTask) : HOST_TASKS.length;
  const before = (task: string): boolean => {
    expect(HOST_TASKS, `create-container has no task '${task}'`).toContain(task);
    return at < HOST_TASKS.indexOf(task);
  };
  const s = await customerState(CUSTOMER, PORT);
  if (before('nginx web vhosts (Grafana, InfluxDB, ChirpStack, MQTT over websocket)')) expect(s['nginxHttp']).toBe(MISSING);
  if (before("nginx MQTT over TLS on the customer's port")) expect(s['nginxStream']).toBe(MISSING);
  if (before('Open the MQTT port')) expect(s['ufw']).toEqual([]);
  if (before("The customer's credentials (made once, kept on re-runs)")) expect(existsSync(join(CREDENTIALS_DIR, `${CUSTOMER}.txt`))).toBe(false);
  if (before('Start the container and wait for its address')) expect(s['lxcState']).toBe(MISSING);
}

function expectClearFailure(run: { code: number; output: string }, host: string, path: string): { task: string; line: string } {
  expect(run.code, run.output).toBe(2);
  const f = failure(run.output, host);
  expect(f.line).toMatch(/No space left on device/);
  // The path on the full filesystem, not just the program that failed.
  expect(f.line).toContain(path);
  expect(run.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  // A delegated task counts for the host whose play ran it.
  const recapHost = host.split(' -> ')[0] ?? host;
  expect(run.output).toMatch(new RegExp(`^${recapHost}\\s+: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=1\\s`, 'm'));
  return f;
}

/** create-container through a relay; the filesystem fills up as `fill.fillDuring` starts. */
async function createFillingMidway(fill: MidRunFill): Promise<{ code: number; output: string }> {
  const relay = await TcpRelay.start(labPaths.sshHost, labPaths.sshPort);
  let filled: Promise<void> | undefined;
  try {
    const inventory = relayedLabInventory(mkdtempSync(join(work, 'relay-')), relay.port);
    const cli = startCli(['-i', inventory, CREATE, '-e', `customer_name=${CUSTOMER}`, '-e', `mqtt_port=${PORT}`, '-e', `osm_lxc_root=${small().root}`, '-vv', ...LOCK_FLAGS]);
    cli.onLine((line) => {
      if (filled || !line.startsWith(`start: [lab] ${fill.fillDuring} (`)) return;
      // The host sees nothing more of the run until the filesystem is full.
      relay.hold();
      filled = small().fill().finally(() => relay.release());
    });
    const r = await cli.done;
    await filled;
    expect(filled, `the fill was never triggered: no task '${fill.fillDuring}' started`).toBeDefined();
    return { code: r.code, output: `exit ${r.code}\n${r.stdout}\n${r.stderr}` };
  } finally {
    relay.release();
    await relay.close();
  }
}

/** The container as it is under the small root: the files create writes beside its rootfs. */
function containerDir(): Record<string, unknown> {
  const dir = join(small().root, 'containers', CONTAINER);
  const read = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : MISSING);
  return { entries: entries(dir), record: read('osm-customer.json'), lxcConfig: read('lxc.container.conf') };
}

/** Removes the customer and the small filesystem; returns what is left (empty when all went). */
async function cleanUp(): Promise<string[]> {
  const problems: string[] = [];
  if (disk && (await runArgv(['mountpoint', '-q', disk.mount])).exitCode === 0) {
    // Deleting on a full btrfs can itself fail for want of metadata space.
    await disk.unfill();
    const del = await play('delete-container', { customer_name: CUSTOMER, purge: 'true', osm_lxc_root: disk.root }, LOCK_FLAGS);
    if (del.code !== 0 && !del.output.includes(`no customer '${CUSTOMER}'`)) problems.push(`delete-container:\n${del.output}`);
  }
  // Belt and braces before unmounting: a running container or a snapper config would hold the mount.
  if ((await runArgv(['lxc-info', '-n', CONTAINER, '-s'])).stdout.includes('RUNNING')) await runArgv(['lxc-stop', '-k', '-n', CONTAINER]);
  if (existsSync(`/etc/snapper/configs/${CONTAINER}`)) await runArgv(['snapper', '--no-dbus', '-c', CONTAINER, 'delete-config']);
  if (disk) problems.push(...(await disk.destroy()));
  return problems;
}

/** The findings of `scripts/lab-down --check` that are ours (the lab's own are there: it is up). */
async function labDownFindingsOfOurs(): Promise<string[]> {
  const r = await runArgv([join(labPaths.repo, 'scripts', 'lab-down'), '--check'], { timeoutMs: 120_000 });
  return r.stdout.split('\n').filter((l) => l.includes(CUSTOMER) || l.includes(diskDir));
}

beforeAll(async () => {
  await ensureLab();
  // create-container needs what setup-host makes (the ACME webroot, nginx's customer folders).
  const setup = await play('setup-host', {}, LOCK_FLAGS);
  if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
  stateBefore = await customerState(CUSTOMER, PORT);
  disk = await makeSmallLxcRoot('osm-t7s-disk-', 320);
  diskDir = disk.dir;
}, STEP_MS);

afterAll(async () => {
  const problems = await cleanUp();
  rmSync(work, { recursive: true, force: true });
  problems.push(...(await labDownFindingsOfOurs()).map((l) => `lab-down --check: ${l}`));
  if (problems.length > 0) throw new Error(problems.join('\n'));
}, STEP_MS);

describe('create-container on a full btrfs', () => {
  it('full before the run: a clear error naming the task and the path; nothing after it went live', async () => {
    await small().fill();
    const f = expectClearFailure(await create(), 'lab', `${small().root}/containers/${CONTAINER}`);
    await expectNothingLiveAfter(f.task);
  }, STEP_MS);

  it('full before its LXC config is written: the error names the task and the path; the container is left half-made', async () => {
    await small().unfill();
    const f = expectClearFailure(await createFillingMidway(BEFORE_LXC_CONFIG), BEFORE_LXC_CONFIG.host, BEFORE_LXC_CONFIG.path());
    expect(f.task).toBe(BEFORE_LXC_CONFIG.fails);
    await expectNothingLiveAfter(f.task);
    // Half-made: the subvolume and its record are there, its LXC config is not.
    expect(containerDir()).toMatchObject({ entries: ['osm-customer.json', 'rootfs-layer/'], lxcConfig: MISSING });
  }, STEP_MS);

  it("the next run gets further; full before the broker's settings are written inside the container, it says so", async () => {
    await small().unfill();
    const f = expectClearFailure(await createFillingMidway(BEFORE_BROKER_SETTINGS), BEFORE_BROKER_SETTINGS.host, BEFORE_BROKER_SETTINGS.path());
    expect(f.task).toBe(BEFORE_BROKER_SETTINGS.fails);
    // The host's part is done: the container runs, nginx and the firewall serve its port.
    const s = await customerState(CUSTOMER, PORT);
    expect(s['lxcState']).toBe('RUNNING');
    expect(s['nginxStream']).not.toBe(MISSING);
  }, STEP_MS);

  it('with the space back, the re-run completes the half-made container and the customer is served', async () => {
    await small().unfill();
    rerun = await create();
    expect(rerun.code, rerun.output).toBe(0);
    expect(containerDir()['lxcConfig']).not.toBe(MISSING);
    await expectCustomerServed(CUSTOMER, PORT);
  }, STEP_MS);

  it('a further run changes nothing and leaves the customer as the re-run did', async () => {
    expect(rerun?.code, rerun?.output).toBe(0);
    const afterRerun = { host: await customerState(CUSTOMER, PORT), container: containerDir() };
    const third = await create();
    expect(third.code, third.output).toBe(0);
    expect(changedTasks(third), third.output).toEqual([]);
    expect(changedCount(third)).toBe(0);
    expect({ host: await customerState(CUSTOMER, PORT), container: containerDir() }).toEqual(afterRerun);
  }, STEP_MS);

  it('delete-container and the clean-up leave nothing: the customer as before, no mount, no loop device', async () => {
    const { image, mount, dir } = small();
    expect(await cleanUp()).toEqual([]);
    expect(await customerState(CUSTOMER, PORT)).toEqual(stateBefore);
    expect((await runArgv(['findmnt', '-n', mount])).stdout).toBe('');
    expect((await runArgv(['losetup', '-n', '-j', image])).stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
    expect(await labDownFindingsOfOurs()).toEqual([]);
    disk = undefined;
  }, STEP_MS);
});
