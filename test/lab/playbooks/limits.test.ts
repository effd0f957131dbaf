// Issue 13, per-customer limits: two customers, one created with a memory and a bandwidth limit and
// one with the inventory's defaults (no bandwidth limit). The memory limit is the container's
// cgroup's; the bandwidth limit is measured against a transfer from the host into each container
// through its veth; a changed limit applies live; a restart (a new veth) gets the limit from the
// veth hook; status shows the limits. Only the containers this test makes are sent traffic.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, labPaths } from '../../helpers/lab.js';
import { changedTasks, ok, play, statusRow, type PlayRun } from './helpers.js';

const STEP_MS = 10 * 60_000;
const limited = { name: 't8l-a', container: 't8l-a-svr', port: 18941 };
const free = { name: 't8l-b', container: 't8l-b-svr', port: 18942 };
const LIMITED_ARGS = { customer_name: limited.name, mqtt_port: String(limited.port) };
const FREE_ARGS = { customer_name: free.name, mqtt_port: String(free.port) };
const MIB = 1024 * 1024;
// The lab inventory's osm_container_memory_max (role default): the customer without a limit has it.
const HOST_MAX = 640 * MIB;
const RECEIVER_PORT = 5001;
let commonConfBefore: string | null = null;

function expectOk(run: PlayRun): void {
  expect(run.code, run.output).toBe(0);
}

async function purge(c: { name: string; container: string }): Promise<void> {
  if (!existsSync(`${labPaths.containers}/${c.container}`) && !existsSync(`${labPaths.nginxStreamDir}/${c.name}.conf`)) return;
  const run = await play('delete-container', { customer_name: c.name, purge: 'true' });
  if (run.code !== 0) throw new Error(`cleanup of ${c.name} failed:\n${run.output}`);
}

async function cgroupMemoryLimit(container: string): Promise<number> {
  return Number((await ok(['lxc-cgroup', '-n', container, 'memory.limit_in_bytes'])).stdout.trim());
}

/** The host side of the container's veth: the peer of its eth0, by index. */
async function vethOf(container: string): Promise<string> {
  const pid = (await ok(['lxc-info', '-n', container, '-p', '-H'])).stdout.trim();
  const index = /eth0@if(\d+):/.exec((await ok(['nsenter', '-t', pid, '-n', 'ip', '-o', 'link', 'show', 'dev', 'eth0'])).stdout)?.[1];
  const link = new RegExp(`^${index}: ([^@:]+)`, 'm').exec((await ok(['ip', '-o', 'link', 'show'])).stdout)?.[1];
  if (!index || !link) throw new Error(`${container}: no host-side veth found`);
  return link;
}

/** The root qdisc of the container's veth: `tbf <bits/s>` or its kind. */
async function vethQdisc(container: string): Promise<string> {
  const [q] = JSON.parse((await ok(['tc', '-j', 'qdisc', 'show', 'dev', await vethOf(container), 'root'])).stdout) as { kind: string; options?: { rate?: number } }[];
  return q?.kind === 'tbf' ? `tbf ${(q.options?.rate ?? 0) * 8}` : (q?.kind ?? 'none');
}

async function ipOf(container: string): Promise<string> {
  const ip = (await ok(['lxc-info', '-n', container, '-iH'])).stdout.split('\n').find((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l.trim()));
  if (!ip) throw new Error(`${container} has no IPv4 address`);
  return ip.trim();
}

/**
 * Bits per second of `bytes` sent from the host into the container: a receiver in the container
 * (busybox nc running `wc -c` on the connection) counts the stream and answers the count once it
 * has read all of it; the time runs from the connection to that answer.
 */
async function measureInto(container: string, bytes: number): Promise<number> {
  const ip = await ipOf(container);
  const receiver = spawn('lxc-attach', ['-n', container, '--clear-env', '--', 'busybox', 'nc', '-l', '-p', String(RECEIVER_PORT), '-e', 'wc', '-c'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  receiver.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const got = await new Promise<{ reply: string; seconds: number } | Error>((res) => {
        const sock = connect({ host: ip, port: RECEIVER_PORT });
        const timer = setTimeout(() => sock.destroy(new Error('no answer in 60 s')), 60_000);
        sock.once('error', (e) => (clearTimeout(timer), res(e)));
        sock.once('connect', () => {
          const t0 = performance.now();
          let reply = '';
          sock.on('data', (d: Buffer) => (reply += d.toString()));
          sock.on('end', () => (clearTimeout(timer), res({ reply, seconds: (performance.now() - t0) / 1000 })));
          const chunk = Buffer.alloc(64 * 1024, 0x5a);
          let left = bytes;
          const pump = (): void => {
            while (left > 0) {
              const n = Math.min(left, chunk.length);
              left -= n;
              if (!sock.write(chunk.subarray(0, n))) return void sock.once('drain', pump);
            }
            sock.end();
          };
          pump();
        });
      });
      if (!(got instanceof Error)) {
        expect(got.reply.trim(), `the receiver in ${container} counted`).toBe(String(bytes));
        return (bytes * 8) / got.seconds;
      }
      // The receiver may not listen yet.
      if (Date.now() > deadline) throw new Error(`cannot send to the receiver in ${container} at ${ip}:${RECEIVER_PORT}: ${got.message} ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    if (receiver.exitCode === null) receiver.kill('SIGKILL');
  }
}


describe('per-customer limits (issue 13)', () => {
  beforeAll(async () => {
    await ensureLab();
    await purge(limited);
    await purge(free);
    // setup-host installs the veth hook and the common.conf that names it (and what a customer needs).
    commonConfBefore = existsSync(labPaths.commonConf) ? readFileSync(labPaths.commonConf, 'utf8') : null;
    expectOk(await play('setup-host'));
  }, STEP_MS);

  afterAll(async () => {
    const errors: string[] = [];
    for (const c of [limited, free]) await purge(c).catch((e: unknown) => errors.push(String(e)));
    // The lab is shared: leave its common.conf as this test found it.
    if (commonConfBefore !== null) writeFileSync(labPaths.commonConf, commonConfBefore);
    if (errors.length) throw new Error(errors.join('\n'));
  }, STEP_MS);

  it('creates one customer with limits and one with the defaults', { timeout: STEP_MS }, async () => {
    expectOk(await play('create-container', { ...LIMITED_ARGS, memory_limit: '256M', bandwidth_limit: '8mbit' }));
    expectOk(await play('create-container', FREE_ARGS));
    const record = JSON.parse(readFileSync(`${labPaths.containers}/${limited.container}/osm-customer.json`, 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ memory_limit: '256M', bandwidth_limit: '8mbit' });
    expect(JSON.parse(readFileSync(`${labPaths.containers}/${free.container}/osm-customer.json`, 'utf8'))).toMatchObject({ memory_limit: '', bandwidth_limit: '' });
  });

  it("the memory limit is the container's cgroup's, seen from inside too", { timeout: STEP_MS }, async () => {
    expect(await cgroupMemoryLimit(limited.container)).toBe(256 * MIB);
    expect(await cgroupMemoryLimit(free.container)).toBe(HOST_MAX);
    const inside = await ok(['lxc-attach', '-n', limited.container, '--clear-env', '--', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
    expect(Number(inside.stdout.trim())).toBe(256 * MIB);
  });

  it('a transfer into the limited customer runs near its rate; into the other, far faster', { timeout: STEP_MS }, async () => {
    expect(await vethQdisc(limited.container)).toBe('tbf 8000000');
    expect(await vethQdisc(free.container)).toBe('noqueue');
    const slow = await measureInto(limited.container, 4 * MIB);
    const fast = await measureInto(free.container, 64 * MIB);
    expect(slow, `limited: ${Math.round(slow)} bit/s`).toBeGreaterThan(8e6 * 0.6);
    expect(slow, `limited: ${Math.round(slow)} bit/s`).toBeLessThan(8e6 * 1.1);
    expect(fast, `unlimited: ${Math.round(fast)} bit/s`).toBeGreaterThan(8e6 * 5);
  });

  it('second runs change nothing, and the customer keeps its limits without -e', { timeout: STEP_MS }, async () => {
    for (const args of [LIMITED_ARGS, FREE_ARGS]) {
      const again = await play('create-container', args);
      expectOk(again);
      expect(changedTasks(again), again.output).toEqual([]);
    }
    expect(await vethQdisc(limited.container)).toBe('tbf 8000000');
  });

  it('a changed limit applies live, and the run after it changes nothing', { timeout: STEP_MS }, async () => {
    const raised = { ...LIMITED_ARGS, memory_limit: '384M', bandwidth_limit: '16mbit' };
    const run = await play('create-container', raised, ['--diff']);
    expectOk(run);
    expect(changedTasks(run), run.output).toEqual(expect.arrayContaining(['lab: Record the customer on the host', 'lab: LXC config', "lab: The customer's limits on the running container"]));
    expect(run.output).toContain('memory.limit_in_bytes = 384M');
    expect(await cgroupMemoryLimit(limited.container)).toBe(384 * MIB);
    expect(await vethQdisc(limited.container)).toBe('tbf 16000000');
    const again = await play('create-container', raised);
    expectOk(again);
    expect(changedTasks(again), again.output).toEqual([]);
  });

  it('a restart gives the new veth the limit (the veth hook), and status shows the limits', { timeout: STEP_MS }, async () => {
    const vethBefore = await vethOf(limited.container);
    expectOk(await play('restart-customer', { customer_name: limited.name }));
    expect(await vethOf(limited.container)).not.toBe(vethBefore);
    expect(await vethQdisc(limited.container)).toBe('tbf 16000000');
    expect(await cgroupMemoryLimit(limited.container)).toBe(384 * MIB);

    const status = await play('status');
    expect(statusRow(status, limited.name)).toMatchObject({ memory_limit: 384 * MIB, bandwidth_limit: 16e6, bandwidth_applied: 16e6, healthy: true });
    expect(statusRow(status, free.name)).toMatchObject({ memory_limit: HOST_MAX, bandwidth_limit: null, bandwidth_applied: 0, healthy: true });
    expect(status.output).toMatch(/t8l-a .*mem 384M, net 16mbit/);
    expect(status.output).toMatch(/t8l-b .*mem 640M, net -/);
  });

  it("the boot start (start-containers.yaml) gives a stopped customer's new veth its limit", { timeout: STEP_MS }, async () => {
    const vethBefore = await vethOf(limited.container);
    await ok(['lxc-stop', '-n', limited.container]);
    expectOk(await play('start-containers'));
    expect(await vethOf(limited.container)).not.toBe(vethBefore);
    expect(await vethQdisc(limited.container)).toBe('tbf 16000000');
    expect(await cgroupMemoryLimit(limited.container)).toBe(384 * MIB);
  });

  it('status names a limit that is not on the veth', { timeout: STEP_MS }, async () => {
    await ok(['tc', 'qdisc', 'del', 'dev', await vethOf(limited.container), 'root']);
    const status = await play('status');
    const row = statusRow(status, limited.name);
    expect(row['healthy']).toBe(false);
    expect(String(row['problems']), status.output).toContain('bandwidth limit 16mbit is not on its veth (it has none');
    const fix = await play('create-container', LIMITED_ARGS);
    expectOk(fix);
    expect(changedTasks(fix), fix.output).toEqual(["lab: The customer's limits on the running container"]);
    expect(await vethQdisc(limited.container)).toBe('tbf 16000000');
  });
});
