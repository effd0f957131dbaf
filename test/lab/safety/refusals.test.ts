// Issue 7 in the lab: create and delete refuse what would clash, naming the holder, and the host's
// state (host-state.ts) is the same before and after each refused run. Our names start with t7-.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../integration/cli/run-cli.js';
import { ensureLab, LAB_LIMIT, labPaths } from '../../helpers/lab.js';
import { customersWithPorts, hostState } from './host-state.js';

const CREATE = join(labPaths.repo, 'playbooks/create-container.yaml');
const DELETE = join(labPaths.repo, 'playbooks/delete-container.yaml');
const HOLDER_PORT = 18971;

let holder: { customer: string; mqttPort: number };
let listener: Server | undefined;
let listenerPort = 0;

function play(playbook: string, vars: Record<string, string | number>): Promise<CliRun> {
  return runCli(['-i', labPaths.inventory, playbook, ...LAB_LIMIT, '-e', JSON.stringify(vars)]);
}

beforeAll(async () => {
  await ensureLab();
  // An existing customer to clash with, our own: other suites may delete theirs at any time.
  holder = { customer: 't7-holder', mqttPort: HOLDER_PORT };
  const r = await play(CREATE, { customer_name: holder.customer, mqtt_port: holder.mqttPort });
  if (r.code !== 0) throw new Error(`could not create ${holder.customer}:\n${r.stdout}\n${r.stderr}`);
  if (!customersWithPorts().some((c) => c.customer === holder.customer && c.mqttPort === HOLDER_PORT)) {
    throw new Error(`${holder.customer} was created but has no osm-customer.json with port ${HOLDER_PORT}`);
  }
  // A running program holding a port: a plain TCP listener.
  listener = createServer((s) => s.destroy());
  await new Promise<void>((res, rej) => {
    listener?.once('error', rej);
    listener?.listen(0, '127.0.0.1', () => res());
  });
  const addr = listener.address();
  if (addr === null || typeof addr === 'string') throw new Error('listener has no port');
  listenerPort = addr.port;
}, 1_200_000);

afterAll(async () => {
  await new Promise<void>((res) => (listener ? listener.close(() => res()) : res()));
  const r = await play(DELETE, { customer_name: holder.customer, purge: 'true' });
  if (r.code !== 0) throw new Error(`could not delete ${holder.customer}:\n${r.stdout}\n${r.stderr}`);
}, 1_200_000);

/** Runs a playbook that must be refused by its preflight, and checks the host did not move. */
async function refused(playbook: string, vars: Record<string, string | number>): Promise<string> {
  const before = await hostState();
  const r = await play(playbook, vars);
  const after = await hostState();
  const output = `${r.stdout}\n${r.stderr}`;
  expect(r.code, output).toBe(2);
  expect(output).toMatch(/changed=0 /);
  expect(after).toEqual(before);
  return output;
}

describe('bad params against the real lab host: refused before it, host unchanged', () => {
  // The full table runs without the lab (test/integration/safety/bad-params.test.ts); these confirm it here.
  it.each([
    ['create-container', { customer_name: 'a;rm -rf /', mqtt_port: 18973 }, /customer_name: 'a;rm -rf \/' does not match/],
    ['create-container', { customer_name: 't7-bad', mqtt_port: 22 }, /mqtt_port: 22 is less than the minimum 1024/],
    ['delete-container', { customer_name: 'Acme Corp' }, /customer_name: 'Acme Corp' does not match .*\(use 'acme-corp'\)/],
  ])('%s %j', async (name, vars, message) => {
    const before = await hostState();
    const r = await play(join(labPaths.repo, 'playbooks', `${name}.yaml`), vars);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(await hostState()).toEqual(before);
  }, 600_000);
});

describe('create and delete refuse clashes and leave the host as it was', () => {
  it('create for an existing customer with another port names the customer and its port', async () => {
    const out = await refused(CREATE, { customer_name: holder.customer, mqtt_port: holder.mqttPort + 1 });
    expect(out).toContain(`customer_name: '${holder.customer}' already exists with mqtt_port ${holder.mqttPort}`);
  }, 600_000);

  it("create with another customer's port names that customer", async () => {
    const out = await refused(CREATE, { customer_name: 't7-clash', mqtt_port: holder.mqttPort });
    expect(out).toContain(`mqtt_port: ${holder.mqttPort} is already in use by customer ${holder.customer} (`);
  }, 600_000);

  it('create with a port a running program listens on names the program', async () => {
    const out = await refused(CREATE, { customer_name: 't7-clash', mqtt_port: listenerPort });
    // The listener lives in this test process: the message names its program and pid.
    expect(out).toContain(`mqtt_port: ${listenerPort} is already in use by node/${process.pid} on 127.0.0.1:${listenerPort}`);
  }, 600_000);

  it('delete for an unknown customer names it and lists the customers there are', async () => {
    const out = await refused(DELETE, { customer_name: 't7-nobody' });
    expect(out).toMatch(new RegExp(`customer_name: no customer 't7-nobody' on lab \\(customers: .*${holder.customer}`));
  }, 600_000);
});
