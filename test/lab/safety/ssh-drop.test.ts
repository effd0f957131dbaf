// Issue 7, Faults: "The SSH connection dropped in mid-task gives UNREACHABLE with the reason; the
// re-run converges." create-container reaches the lab sshd through a TCP relay in this process
// (tcp-relay.ts), which drops the link while a task runs on the host: cut (both sides closed) at the
// first packet of "Start the container..." (nothing of the task reached the host), cut while certbot
// runs there for the certificate (its command is orphaned on the host), and gone silent at the first
// packet of "Start the container..." (nothing closed: osm-play notices by keepalive, sshd never
// notices, so only the host lock's heartbeat frees the lock). Then the re-run, with the plain lab
// inventory, must finish the customer and a third run must change nothing. Customers t7s-drop-*.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths, runArgv } from '../../helpers/lab.js';
import { changedCount, changedTasks, DOMAIN, play, type PlayRun } from '../playbooks/helpers.js';
import { customerState, expectCustomerServed } from './customer-state.js';
import { startCli } from './live-cli.js';
import { relayedLabInventory } from './relayed-inventory.js';
import { TcpRelay } from '../../helpers/tcp-relay.js';

const LOCK_FLAGS = ['--lock-timeout', '900'];
// A run may wait up to 900 s for another helper's run to release the lab host.
const STEP_MS = 25 * 60_000;
const LOCK_HOLDER_FILE = '/run/osm-play.lab.lock.holder';
const CREATE = join(labPaths.repo, 'playbooks', 'create-container.yaml');

interface DropCase {
  customer: string;
  port: number;
  /** The task during which the link is cut. */
  task: string;
  /** What "mid-task" means here, for the test names. */
  when: string;
  /** Starts watching once the task has started; calls cut() at the moment; returns a stop function. */
  arm(relay: TcpRelay, cut: () => void): () => void;
  /** How the link goes: closed on both sides, or silent (nothing forwarded, nothing closed). */
  drop: 'cut' | 'silent';
  /** The reason the unreachable line gives, after `connection to 127.0.0.1:PORT `. */
  reason: RegExp;
  /** How long after the run ends its host lock may still be held. */
  lockFreedWithinMs: number;
}

// A cut reaches osm-play as a FIN ("was lost") or, with data unread in the relay, as a reset.
const CLOSED = /^(was lost|failed: read ECONNRESET) while /;

/** The first packet osm-play sends once the task has started: dropped, and the link cut with it. */
function atFirstPacket(relay: TcpRelay, cut: () => void): () => void {
  relay.onClientData = () => {
    cut();
    return 'drop';
  };
  return () => (relay.onClientData = undefined);
}

/** As soon as certbot runs on the host for the customer's names (it takes seconds against pebble). */
function whileCertbotRuns(customer: string): DropCase['arm'] {
  return (_relay, cut) => {
    let stopped = false;
    const poll = async (): Promise<void> => {
      while (!stopped) {
        const r = await runArgv(['pgrep', '-a', 'certbot']);
        if (r.stdout.split('\n').some((l) => l.includes(`${customer}.${DOMAIN}`))) {
          cut();
          return;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    void poll();
    return () => (stopped = true);
  };
}

const START = 'Start the container and wait for its address';
const CASES: DropCase[] = [
  { customer: 't7s-drop-start', port: 18951, task: START, when: 'cut at its first packet', arm: atFirstPacket, drop: 'cut', reason: CLOSED, lockFreedWithinMs: 60_000 },
  {
    customer: 't7s-drop-cert', port: 18952, task: "Certificate for the customer's names", when: 'cut while certbot runs on the host',
    arm: whileCertbotRuns('t7s-drop-cert'), drop: 'cut', reason: CLOSED, lockFreedWithinMs: 60_000,
  },
  {
    customer: 't7s-drop-silent', port: 18953, task: START, when: 'silent from its first packet', arm: atFirstPacket, drop: 'silent',
    reason: /^stopped answering \(no reply to \d+ keepalives sent \d+s apart\) while /,
    // The lock's heartbeat silence (90 s) counts from the drop; the run itself ends 60-90 s after it.
    lockFreedWithinMs: 180_000,
  },
];

const work = mkdtempSync(join(tmpdir(), 'osm-t7s-ssh-drop-'));

function createArgs(c: DropCase): Record<string, string> {
  return { customer_name: c.customer, mqtt_port: String(c.port) };
}

/** delete-container purge=true; a customer that was never made is refused, which is fine here. */
async function purge(c: DropCase): Promise<string | undefined> {
  const r = await play('delete-container', { customer_name: c.customer, purge: 'true' }, LOCK_FLAGS);
  if (r.code === 0 || r.output.includes(`no customer '${c.customer}'`)) return undefined;
  return `could not delete ${c.customer}:\n${r.output}`;
}

function lockHolder(): string {
  return existsSync(LOCK_HOLDER_FILE) ? readFileSync(LOCK_HOLDER_FILE, 'utf8') : '';
}

/** Waits until the host lock no longer names this pid (released, or taken by another run since). */
async function lockReleasedBy(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const mine = new RegExp(`osm-play pid ${pid}\\b`);
  while (mine.test(lockHolder())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

beforeAll(async () => {
  await ensureLab();
  // create-container needs what setup-host makes (the ACME webroot, nginx's customer folders).
  const setup = await play('setup-host', {}, LOCK_FLAGS);
  if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
  for (const c of CASES) {
    const left = await purge(c);
    if (left) throw new Error(left);
  }
}, STEP_MS);

afterAll(async () => {
  const problems: string[] = [];
  for (const c of CASES) {
    const p = await purge(c);
    if (p) problems.push(p);
  }
  rmSync(work, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}, STEP_MS);

describe.each(CASES)('the SSH link to the lab host drops during "$task", $when', (c) => {
  let relay: TcpRelay;
  let cutRun: { code: number; output: string; pid: number; cutDuring?: string; pairsCut: number };
  let rerun: PlayRun;

  beforeAll(async () => {
    relay = await TcpRelay.start(labPaths.sshHost, labPaths.sshPort);
    const dir = mkdtempSync(join(work, `${c.customer}-`));
    const inventory = relayedLabInventory(dir, relay.port);
    const cli = startCli(['-i', inventory, CREATE, '-e', `customer_name=${c.customer}`, '-e', `mqtt_port=${c.port}`, '-vv', ...LOCK_FLAGS]);
    let cutDuring: string | undefined;
    let pairsCut = 0;
    let stop: (() => void) | undefined;
    // -vv prints `start: [host] TASK (module at file:line:col)` as each task starts.
    let running = '';
    const cut = (): void => {
      if (cutDuring !== undefined) return;
      cutDuring = running;
      pairsCut = relay.open;
      if (c.drop === 'cut') relay.cut();
      else relay.blackhole();
    };
    cli.onLine((line) => {
      const started = /^start: \[lab\] (.+) \(\w+ at \S+\)$/.exec(line);
      if (started?.[1] !== undefined) running = started[1];
      if (stop === undefined && running === c.task) stop = c.arm(relay, cut);
    });
    const guard = setTimeout(() => cli.kill(), STEP_MS - 60_000);
    const r = await cli.done;
    clearTimeout(guard);
    stop?.();
    cutRun = { code: r.code, output: `exit ${r.code}\n${r.stdout}\n${r.stderr}`, pid: cli.pid, cutDuring, pairsCut };
  }, STEP_MS);

  // A silent link keeps the host's sshd session open until the relay closes, after the re-runs.
  afterAll(async () => {
    await relay.close();
  });

  it('the link dropped while the task ran', () => {
    expect(cutRun.pairsCut, cutRun.output).toBeGreaterThan(0);
    expect(cutRun.cutDuring, cutRun.output).toBe(c.task);
    expect(relay.accepted, 'one ssh connection per host for the whole run').toBe(1);
  });

  it('the run says UNREACHABLE with the reason, the recap counts it, and it exits 4', () => {
    const { output } = cutRun;
    expect(cutRun.code, output).toBe(4);
    const line = output.split('\n').find((l) => l.startsWith(`UNREACHABLE: [lab] ${c.task}: `));
    expect(line, output).toBeDefined();
    const prefix = `UNREACHABLE: [lab] ${c.task}: connection to 127.0.0.1:${relay.port} `;
    expect(line?.startsWith(prefix), line).toBe(true);
    expect(line?.slice(prefix.length)).toMatch(c.reason);
    expect(output).toMatch(/^lab\s+: ok=\d+\s+changed=\d+\s+unreachable=1\s+failed=0\s/m);
    // A reason in words, not a stack trace, and nothing after the drop counted as failed.
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(output).not.toMatch(/^failed: /m);
  });

  it('the host lock of the dropped run is released', async () => {
    expect(await lockReleasedBy(cutRun.pid, c.lockFreedWithinMs), `holder: ${lockHolder()}`).toBe(true);
  }, c.lockFreedWithinMs + 60_000);

  it('the re-run with the plain inventory completes the customer, without waiting for the dropped run', async () => {
    rerun = await play('create-container', createArgs(c), LOCK_FLAGS);
    expect(rerun.code, rerun.output).toBe(0);
    expect(rerun.output).not.toMatch(new RegExp(`osm-play pid ${cutRun.pid}\\b`));
    await expectCustomerServed(c.customer, c.port);
  }, STEP_MS);

  it('a further run changes nothing and the customer stays as the re-run left it', async () => {
    expect(rerun.code, rerun.output).toBe(0);
    const afterRerun = await customerState(c.customer, c.port);
    const third = await play('create-container', createArgs(c), LOCK_FLAGS);
    expect(third.code, third.output).toBe(0);
    expect(changedTasks(third), third.output).toEqual([]);
    expect(changedCount(third)).toBe(0);
    expect(await customerState(c.customer, c.port)).toEqual(afterRerun);
    await expectCustomerServed(c.customer, c.port);
  }, STEP_MS);
});
