// Issue 13, "Kill test": rebase-customer killed with SIGKILL at a task boundary (through --step),
// then re-run normally, converges: onto the new base when it works, back on the old one when it
// does not. One customer moves between bases A and B (each with a marker file seen from inside),
// and tries a base whose mosquitto cannot start (BAD).
// - Moving between A and B: killed at every boundary, one boundary per move, the moves alternating.
// - Trying BAD: killed at every boundary from its switch on. The boundaries before the switch are
//   the same tasks, on the same state, as those of a good move, which the loop above covers; from
//   the switch on the paths differ (the failure, the way back).
// "Every boundary" is every boundary that can leave a host state of its own (distinctBoundaries in
// step-run.ts): a boundary right after a task that was ok or skipped leaves the host as the one
// before that task did, and the re-run starts from nothing but the host.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, LAB_LIMIT, labPaths, newestOsBase, runArgv } from '../../helpers/lab.js';
import { changedCount, changedTasks, inContainer, mqttRoundTrip, pebbleRoot, play, readCredentials, readReport, type PlayRun } from '../playbooks/helpers.js';
import { makeTestBase, TEST_BASE_PREFIX } from '../playbooks/test-bases.js';
import { distinctBoundaries, stepRun, type StepPrompt } from './step-run.js';

const CUSTOMER = 'kill-rebase';
const PORT = 18992;
const CONTAINER = `${CUSTOMER}-svr`;
const DOMAIN = 'osm-lab.test';
const MARKER = '/etc/osm-kill-rebase';
const BASE_A = `${TEST_BASE_PREFIX}11-kill-a`;
const BASE_B = `${TEST_BASE_PREFIX}12-kill-b`;
const BASE_BAD = `${TEST_BASE_PREFIX}13-kill-bad`;
const MARK: Record<string, string> = { [BASE_A]: 'A', [BASE_B]: 'B' };
const LOCK = ['--lock-timeout', '900'];
const HOUR = 3_600_000;

const tmp = mkdtempSync(join(tmpdir(), 'osm-kill-rebase-'));
const cafile = join(tmp, 'pebble-root.pem');
const hostsFile = join(tmp, 'hosts');
const dir = join(labPaths.containers, CONTAINER);
const data = `data of ${CUSTOMER} ${randomBytes(6).toString('hex')}`;
let passwd = '';
/** Everything that went wrong, per boundary: the loops go on to find every failing boundary. */
const failures: string[] = [];
const timings: string[] = [];
const started = Date.now();
const secs = (since: number): string => `${((Date.now() - since) / 1000).toFixed(0)} s`;

function argv(base: string): string[] {
  return ['-i', labPaths.inventory, join(labPaths.repo, 'playbooks', 'rebase-customer.yaml'), '-e', `customer_name=${CUSTOMER}`, '-e', `os_base=${base}`, ...LOCK, ...LAB_LIMIT];
}

function rebase(base: string): Promise<PlayRun> {
  return play('rebase-customer', { customer_name: CUSTOMER, os_base: base }, LOCK);
}

async function purge(): Promise<void> {
  if (!existsSync(dir) && !existsSync(join(labPaths.nginxStreamDir, `${CUSTOMER}.conf`))) return;
  const r = await play('delete-container', { customer_name: CUSTOMER, purge: 'true' }, LOCK);
  if (r.code !== 0) throw new Error(`delete-container purge=true failed:\n${r.output}`);
}

async function removeOurBases(): Promise<void> {
  for (const b of [BASE_A, BASE_B, BASE_BAD, `.partial-${BASE_A}`, `.partial-${BASE_B}`, `.partial-${BASE_BAD}`]) {
    await runArgv(['btrfs', 'subvolume', 'delete', '-c', join(labPaths.osBases, b)]);
  }
}

/** What is wrong with the customer, expected on `base`: config, record, marker, data, credentials, served. */
async function problemsOn(base: string): Promise<string[]> {
  const problems: string[] = [];
  const lower = /^lxc\.rootfs\.path = overlayfs:([^:]+):/m.exec(readFileSync(join(dir, 'lxc.container.conf'), 'utf8'))?.[1];
  if (lower !== join(labPaths.osBases, base)) problems.push(`the config's lower layer is ${lower}, want ${base}`);
  const record = JSON.parse(readFileSync(join(dir, 'osm-customer.json'), 'utf8')) as Record<string, unknown>;
  if (record['os_base'] !== base) problems.push(`the record's os_base is ${String(record['os_base'])}, want ${base}`);
  if ('rebase_undo' in record) problems.push(`the record still holds a way back: ${JSON.stringify(record['rebase_undo'])}`);
  const marker = await inContainer(CONTAINER, ['/bin/sh', '-c', `cat ${MARKER} 2>/dev/null || echo none`]);
  if (marker.stdout.trim() !== MARK[base]) problems.push(`the marker inside is ${marker.stdout.trim() || marker.stderr.trim()}, want ${MARK[base]}`);
  if ((await inContainer(CONTAINER, ['cat', '/root/osm-data'])).stdout.trim() !== data) problems.push("the customer's data changed");
  if ((await inContainer(CONTAINER, ['cat', '/etc/mosquitto/osm.passwd'])).stdout !== passwd) problems.push("the broker's credentials changed");
  const { user, password } = readCredentials(CUSTOMER);
  const payload = `hello ${randomBytes(4).toString('hex')}`;
  const target = { name: `${CUSTOMER}-mqtt.${DOMAIN}`, port: PORT, cafile, hostsFile };
  const { pub, sub } = await mqttRoundTrip(target, user, password, `osm-kill/${CUSTOMER}`, payload);
  if (pub.exitCode !== 0 || sub?.stdout.trim() !== payload) problems.push(`not served: ${pub.stderr}${sub?.stderr ?? ''}`);
  return problems;
}

/** A prompt without its snapshot number: each run takes a snapshot of its own. */
const promptKey = (p: StepPrompt | undefined): string => JSON.stringify(p).replace(/snapshot \d+/g, 'snapshot N');

/** Killed at prompt k of a run to `to`, then re-run: the problems of the killed run and the re-run. */
async function killThenRerun(to: string, k: number, expected: StepPrompt[], wantCode: number): Promise<{ problems: string[]; rerun: PlayRun }> {
  const problems: string[] = [];
  const killed = await stepRun(argv(to), { killAt: k });
  if (!killed.killed) problems.push(`the --step run ended before prompt ${k} (saw ${killed.prompts.length}):\n${killed.output}`);
  else if (promptKey(killed.prompts.at(-1)) !== promptKey(expected[k - 1])) {
    problems.push(`prompt ${k} was ${JSON.stringify(killed.prompts.at(-1))}, the uninterrupted run's was ${JSON.stringify(expected[k - 1])}`);
  }
  const rerun = await rebase(to);
  if (rerun.code !== wantCode) problems.push(`the re-run exited ${rerun.code}, want ${wantCode}:\n${rerun.output}`);
  return { problems, rerun };
}

const where = (what: string, k: number, p: StepPrompt | undefined): string => `${what} killed at boundary ${k} (before [${p?.task ?? '?'}])`;

beforeAll(async () => {
  await ensureLab();
  await purge();
  await removeOurBases();
  const real = newestOsBase();
  await makeTestBase(real, BASE_A, `echo A > "$1${MARKER}"`);
  await makeTestBase(real, BASE_B, `echo B > "$1${MARKER}"`);
  // mosquitto cannot start on this base: its program exits 1.
  await makeTestBase(real, BASE_BAD, `printf '#!/bin/sh\\nexit 1\\n' > "$1/usr/sbin/mosquitto"`);
  await pebbleRoot(cafile);
  writeFileSync(hostsFile, `127.0.0.1 ${CUSTOMER}-mqtt.${DOMAIN}\n`);
  const setup = await play('setup-host', {}, LOCK);
  if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
  const create = await play('create-container', { customer_name: CUSTOMER, mqtt_port: String(PORT), os_base: BASE_A }, LOCK);
  if (create.code !== 0) throw new Error(`create-container failed:\n${create.output}`);
  await inContainer(CONTAINER, ['/bin/sh', '-c', 'echo "$1" > /root/osm-data && sync', 'sh', data]);
  passwd = (await inContainer(CONTAINER, ['cat', '/etc/mosquitto/osm.passwd'])).stdout;
}, HOUR);

afterAll(async () => {
  console.log(`killed-rebase: file took ${secs(started)}\n${timings.join('\n')}`);
  try {
    await purge();
    await removeOurBases();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, HOUR);

describe('rebase-customer killed at a task boundary converges on re-run (issue 13)', () => {
  let toB: StepPrompt[] = [];
  let toA: StepPrompt[] = [];
  let moveKills: number[] = [];
  let on = BASE_A;
  const report = join(tmp, 'report.json');

  it('uninterrupted --step runs give the prompts of a move each way', { timeout: HOUR }, async () => {
    expect(await problemsOn(BASE_A)).toEqual([]);
    const b = await stepRun(argv(BASE_B), { json: report });
    expect(b.code, b.output).toBe(0);
    const killsB = distinctBoundaries(b.prompts, readReport(report).results);
    expect(await problemsOn(BASE_B)).toEqual([]);
    const a = await stepRun(argv(BASE_A), { json: report });
    expect(a.code, a.output).toBe(0);
    const killsA = distinctBoundaries(a.prompts, readReport(report).results);
    expect(await problemsOn(BASE_A)).toEqual([]);
    [toB, toA] = [b.prompts, a.prompts];
    expect(toB.map((p) => p.task)).toContain(`${CUSTOMER}: switch the lower layer to ${BASE_B}`);
    expect(toB.length).toBe(toA.length);
    moveKills = [...new Set([...killsA, ...killsB])].sort((x, y) => x - y);
    // The first, and one after each write: snapshot, the way back, stop, switch, start, done.
    expect(moveKills.length, JSON.stringify(toB)).toBeGreaterThanOrEqual(7);
    timings.push(`kills of a move at prompts ${moveKills.join(' ')} of ${toB.length}`);
  });

  it('a move killed at each boundary ends on the new base, served, with data and credentials kept', { timeout: 4 * HOUR }, async () => {
    expect(moveKills.length, 'the baseline test ran').toBeGreaterThan(0);
    let unchangedSeen = false;
    for (const k of moveKills) {
      const t0 = Date.now();
      const to = on === BASE_A ? BASE_B : BASE_A;
      const expected = to === BASE_B ? toB : toA;
      const { problems } = await killThenRerun(to, k, expected, 0);
      problems.push(...(await problemsOn(to)));
      if (problems.length === 0 && !unchangedSeen) {
        const again = await rebase(to);
        if (again.code !== 0 || changedCount(again) !== 0) problems.push(`a second run changed ${changedTasks(again).join(', ')}:\n${again.output}`);
        unchangedSeen = true;
      }
      for (const p of problems) failures.push(`${where(`move to ${MARK[to]}`, k, expected[k - 1])}: ${p}`);
      // Where it is now, whatever happened: the next move starts from there.
      const record = JSON.parse(readFileSync(join(dir, 'osm-customer.json'), 'utf8')) as { os_base?: string };
      on = record.os_base === BASE_B ? BASE_B : BASE_A;
      timings.push(`move ${k}: ${secs(t0)}`);
    }
    expect(failures).toEqual([]);
    expect(unchangedSeen, 'a re-run after convergence reported 0 changed').toBe(true);
  });

  it('a failing move killed at each boundary from its switch on ends back on the old base, served, the failure named', { timeout: 4 * HOUR }, async () => {
    const from = on;
    const bad = await stepRun(argv(BASE_BAD), { json: report });
    expect(bad.code, bad.output).toBe(2);
    expect(bad.output).toContain(`rebase to ${BASE_BAD} failed and was undone (back on ${from}`);
    expect(bad.output).toContain('systemd gave up on mosquitto');
    expect(await problemsOn(from)).toEqual([]);
    const first = bad.prompts.findIndex((p) => p.task === `${CUSTOMER}: switch the lower layer to ${BASE_BAD}`) + 1;
    expect(first, bad.output).toBeGreaterThan(0);
    const kills = distinctBoundaries(bad.prompts, readReport(report).results, first);
    // The switch, and one after each write: switch, start, failed check, stop, back, snapshot, start, done.
    expect(kills.length, JSON.stringify(bad.prompts)).toBeGreaterThanOrEqual(8);
    timings.push(`kills of a failing move at prompts ${kills.join(' ')} of ${bad.prompts.length}`);
    const before = failures.length;
    for (const k of kills) {
      const t0 = Date.now();
      const { problems, rerun } = await killThenRerun(BASE_BAD, k, bad.prompts, 2);
      if (!rerun.output.includes(`rebase to ${BASE_BAD} failed and was undone`)) problems.push(`the re-run does not name the failure:\n${rerun.output}`);
      problems.push(...(await problemsOn(from)));
      for (const p of problems) failures.push(`${where('failing move', k, bad.prompts[k - 1])}: ${p}`);
      timings.push(`failing move ${k}: ${secs(t0)}`);
    }
    expect(failures.slice(before)).toEqual([]);
  });
});
