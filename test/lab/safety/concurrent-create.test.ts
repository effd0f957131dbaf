// Issue 7, Faults: "Concurrent runs". Two create-container runs started at the same moment on one
// host: the host lock makes one wait (saying who holds it), and both customers end with their own
// address, MAC and port, running and served. Two runs asking for the same port: one wins, the other
// is refused by its preflight naming the winner, and leaves nothing of itself. Customers t7n-*.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPaths, runArgv } from '../../helpers/lab.js';
import { customerState, expectCustomerServed } from './customer-state.js';
import { Clients } from './customer-clients.js';
import { changedCount, changedTasks, cleanUp, CREATE, dnsmasqLines, play, readyLab, startPlay, streamFile, labCustomer, traces, type Run, type LabCustomer } from './customer-runs.js';

const STEP_MS = 30 * 60_000;
const A = labCustomer('t7n-a', 18963);
const B = labCustomer('t7n-b', 18964);
const SHARED_PORT = 18965;
const P = labCustomer('t7n-p', SHARED_PORT);
const Q = labCustomer('t7n-q', SHARED_PORT);
/** Never created: what the host looks like for a customer that left no trace. */
const NEVER = labCustomer('t7n-never', SHARED_PORT);
const ours = [A, B, P, Q];
const ADDRESS_TASK = "Fixed address and MAC from lxc-net's dnsmasq";

const work = mkdtempSync(join(tmpdir(), 'osm-t7n-concurrent-'));
const clients = new Clients(work);

/** Starts create-container for each customer in the same tick and waits for all of them. */
async function createAtOnce(list: LabCustomer[]): Promise<{ pid: number; run: Run }[]> {
  const started = list.map((c) => startPlay(CREATE, { customer_name: c.name, mqtt_port: c.port }));
  const runs = await Promise.all(started.map((s) => s.done));
  return started.map((s, i) => ({ pid: s.pid, run: runs[i] as Run }));
}

/** The pid of the holder a run said it waited for (the lock's warning on stderr), or null. */
function waitedFor(run: Run): number | null {
  const m = /another run holds the host lock \(osm-play pid (\d+) [^)]*\); waiting up to 900s/.exec(run.stderr);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** MAC and IP of the container's one `dhcp-host=MAC,IP,NAME` line. */
function dhcpHost(c: LabCustomer): { mac: string; ip: string } {
  const lines = dnsmasqLines(c);
  expect(lines, `dhcp-host lines of ${c.container}`).toHaveLength(1);
  const m = /^dhcp-host=([0-9a-f:]{17}),([\d.]+),/i.exec(lines[0] ?? '');
  if (!m?.[1] || !m[2]) throw new Error(`not a dhcp-host line: ${lines[0]}`);
  return { mac: m[1].toLowerCase(), ip: m[2] };
}

/** The address the create run registered (the dnsmasq_host task's result in --json). */
function registered(run: Run): { mac: string; ip: string } {
  const r = run.results.find((x) => x.task === ADDRESS_TASK);
  const { ip, mac } = r?.data ?? {};
  if (typeof ip !== 'string' || typeof mac !== 'string') throw new Error(`no address registered in the report:\n${run.output}`);
  return { mac: mac.toLowerCase(), ip };
}

async function containerIp(c: LabCustomer): Promise<string> {
  const r = await runArgv(['lxc-info', '-n', c.container, '-iH']);
  return r.stdout.trim().split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l)).join(',');
}

function recordedPort(c: LabCustomer): unknown {
  const rec: unknown = JSON.parse(readFileSync(join(labPaths.containers, c.container, 'osm-customer.json'), 'utf8'));
  return typeof rec === 'object' && rec !== null && 'mqtt_port' in rec ? rec.mqtt_port : undefined;
}

function streamPorts(c: LabCustomer): number[] {
  return [...readFileSync(streamFile(c), 'utf8').matchAll(/^\s*listen\s+(?:\S*:)?(\d+)\b/gm)].map((m) => Number(m[1]));
}

async function ufwRulesOf(c: LabCustomer): Promise<string[]> {
  const r = await runArgv(['ufw', 'show', 'added']);
  return r.stdout.split('\n').filter((l) => l.includes(`osm customer ${c.name}'`));
}

beforeAll(async () => {
  await readyLab(ours);
  await clients.prepare();
}, STEP_MS);

afterAll(() => cleanUp(ours, work), STEP_MS);

describe('two create-container runs at once on one host', () => {
  it('different customers: both succeed one after the other, with distinct addresses, MACs and ports, and both work', { timeout: STEP_MS }, async () => {
    const [a, b] = await createAtOnce([A, B]);
    if (!a || !b) throw new Error('two runs were started');
    expect(a.run.code, a.run.output).toBe(0);
    expect(b.run.code, b.run.output).toBe(0);

    // The lock made one of them wait and say who held it: the other run, or (when another suite's run
    // held the host as they started) that same holder for both.
    const named = [waitedFor(a.run), waitedFor(b.run)];
    const sawEachOther = named[0] === b.pid || named[1] === a.pid;
    const bothBehindAnother = named[0] !== null && named[0] === named[1] && ![a.pid, b.pid].includes(named[0]);
    expect(sawEachOther || bothBehindAnother, `pids ${a.pid}, ${b.pid}; waited for ${named.join(', ')}\n${a.run.stderr}\n${b.run.stderr}`).toBe(true);

    // Distinct MACs and addresses, the same in lxc-net's dnsmasq file, in each run's report, and on the running container.
    const hostA = dhcpHost(A);
    const hostB = dhcpHost(B);
    expect(hostA.mac).not.toBe(hostB.mac);
    expect(hostA.ip).not.toBe(hostB.ip);
    expect(registered(a.run)).toEqual(hostA);
    expect(registered(b.run)).toEqual(hostB);
    for (const [c, h] of [[A, hostA], [B, hostB]] as const) {
      expect((await customerState(c.name, c.port))['lxcState'], c.container).toBe('RUNNING');
      expect(await containerIp(c), `${c.container}'s address`).toBe(h.ip);
    }

    // Distinct ports, each where it was asked for: the customer record and nginx's stream file.
    expect(recordedPort(A)).toBe(A.port);
    expect(recordedPort(B)).toBe(B.port);
    expect(streamPorts(A)).toEqual([A.port]);
    expect(streamPorts(B)).toEqual([B.port]);

    // Each customer's MQTT over TLS reaches its own broker; the other customer's credentials are refused.
    await expectCustomerServed(A.name, A.port);
    await expectCustomerServed(B.name, B.port);
    for (const [port, who] of [[A, B], [B, A]] as const) {
      expect(await clients.refusedAs(port, port), `${port.name}'s own credentials`).toBeNull();
      expect(await clients.refusedAs(port, who), `${who.name}'s credentials on ${port.name}'s port`).toMatch(/not authori[sz]ed/i);
    }
  });

  it('a re-run of each reports changed=0', { timeout: STEP_MS }, async () => {
    for (const c of [A, B]) {
      const again = await play(CREATE, { customer_name: c.name, mqtt_port: c.port });
      expect(again.code, again.output).toBe(0);
      expect(changedTasks(again), again.output).toEqual([]);
      expect(changedCount(again)).toBe(0);
    }
  });

  it('the same port for two new customers: one succeeds, the other is refused naming it and leaves no trace', { timeout: STEP_MS }, async () => {
    const [p, q] = await createAtOnce([P, Q]);
    if (!p || !q) throw new Error('two runs were started');
    const outcomes = [p.run.code, q.run.code].sort();
    expect(outcomes, `${p.run.output}\n${q.run.output}`).toEqual([0, 2]);
    const [winner, loser] = p.run.code === 0 ? [P, Q] : [Q, P];
    const lost = p.run.code === 0 ? q.run : p.run;

    // Refused by its preflight, naming the customer that now holds the port; nothing was changed.
    expect(lost.output).toContain(`mqtt_port: ${SHARED_PORT} is already in use by customer ${winner.name} (`);
    expect(lost.results.filter((r) => r.status === 'failed').map((r) => r.task)).toEqual(['Refuse a port that another customer or program holds']);
    expect(changedTasks(lost)).toEqual([]);

    // No trace of the loser: its state reads as that of a customer that never existed.
    expect(traces(loser)).toEqual([]);
    expect(await ufwRulesOf(loser)).toEqual([]);
    expect(existsSync(join(labPaths.containers, loser.container))).toBe(false);
    // Read together: the winner's firewall rule on the shared port shows in both.
    expect(await customerState(loser.name, SHARED_PORT)).toEqual(await customerState(NEVER.name, SHARED_PORT));

    // The winner is whole and served on the port.
    expect(streamPorts(winner)).toEqual([SHARED_PORT]);
    await expectCustomerServed(winner.name, SHARED_PORT);
  });
});
