// Issue 7, bad input: every refused customer name and port on the real create/delete playbooks exits 1
// with `file:line:col: field: ...` pointing at the param, and no host is contacted: the ssh host's
// listener sees no connection and the local host's state digest stays the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../cli/run-cli.js';
import { contactTrap, type ContactTrap } from './contact-trap.js';

const CREATE = join(REPO, 'playbooks/create-container.yaml');
const DELETE = join(REPO, 'playbooks/delete-container.yaml');

/** `file:line:5` of a param's key in the play's params block (found, not hard-coded: playbooks change). */
function paramPos(file: string, param: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^ {4}params:\s*$|^ {2}params:\s*$/.test(l));
  const idx = lines.findIndex((l, i) => i > start && new RegExp(`^\\s+${param}:\\s*$`).test(l));
  if (start < 0 || idx < 0) throw new Error(`${file}: no param ${param}`);
  const col = lines[idx].indexOf(param) + 1;
  return `${file}:${idx + 1}:${col}`;
}

/** How the message shows a value: control characters escaped, so one problem stays one line. */
const shown = (v: string) => JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"');

// [label, customer_name, extra expectation on the message]
const NAMES: [string, string, RegExp | null][] = [
  ['capitals', 'Acme', /\(use 'acme'\)/],
  ['underscore', 'acme_1', null],
  ['leading dash', '-acme', null],
  ['trailing dash', 'acme-', null],
  ['64 characters', `a${'b'.repeat(62)}c`, null],
  ['shell command', 'a;rm -rf /', null],
  ['command substitution', '$(id)', null],
  ['backticks', '`id`', null],
  ['path traversal', '../etc', null],
  ['trailing newline', 'acme\n', null],
  ['non-ASCII', 'acmé', null],
  ['terminal escape', '\u001b[2Jacme', null],
  ['capitals and a space', 'Acme Corp', /\(use 'acme-corp'\)/],
];

// [label, mqtt_port as given on the command line, what the message says]
const PORTS: [string, string, RegExp][] = [
  ['zero', '0', /less than the minimum 1024/],
  ['above 65535', '65536', /greater than the maximum 65535/],
  ['not a number', 'abc', /'abc' is not an integer/],
  ['below 1024 (ssh)', '22', /less than the minimum 1024/],
  ['a fraction', '8883.5', /'8883.5' is not an integer/],
  ['negative', '-8883', /less than the minimum 1024/],
];

let trap: ContactTrap;
beforeAll(async () => {
  trap = await contactTrap();
});
afterAll(async () => trap?.close());

/** Runs a playbook with extra vars given as JSON (spaces and newlines arrive as typed). */
async function refused(playbook: string, vars: Record<string, string>) {
  const r = await runCli(['-i', trap.inventory, playbook, '-e', JSON.stringify(vars)]);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^osm-play: 1 problem found; nothing was run$/m);
  // No raw control character reaches the terminal (a newline only ends a line).
  // eslint-disable-next-line no-control-regex
  expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  expect(r.code).toBe(1);
  expect(trap.contacts()).toBe(0);
  expect(trap.stateDigest()).toBe(trap.startDigest);
  return r.stderr;
}

describe.concurrent('bad params on the real playbooks: exit 1, file:line of the param, no host contacted', () => {
  for (const [label, name, extra] of NAMES) {
    it(`create-container customer_name ${label} (${JSON.stringify(name)})`, async () => {
      const err = await refused(CREATE, { customer_name: name, mqtt_port: '18883' });
      expect(err).toContain(`${paramPos(CREATE, 'customer_name')}: customer_name: '${shown(name)}'`);
      if (extra) expect(err).toMatch(extra);
      // Only the name is wrong: one problem, and the port is not blamed.
      expect(err).not.toContain('mqtt_port');
    }, 300_000);

    it(`delete-container customer_name ${label} (${JSON.stringify(name)})`, async () => {
      const err = await refused(DELETE, { customer_name: name });
      expect(err).toContain(`${paramPos(DELETE, 'customer_name')}: customer_name: '${shown(name)}'`);
      if (extra) expect(err).toMatch(extra);
    }, 300_000);
  }

  for (const [label, port, message] of PORTS) {
    it(`create-container mqtt_port ${label} (${port})`, async () => {
      const err = await refused(CREATE, { customer_name: 't7-ports', mqtt_port: port });
      expect(err).toContain(`${paramPos(CREATE, 'mqtt_port')}: mqtt_port: `);
      expect(err).toMatch(message);
      expect(err).not.toContain('customer_name');
    }, 300_000);
  }
});

describe('the trap notices contact', () => {
  // Without this the "no host contacted" checks above could pass with a listener nobody can reach.
  it('a valid create-container run does reach the ssh host', async () => {
    const before = trap.contacts();
    const r = await runCli(['-i', trap.inventory, CREATE, '-e', '{"customer_name": "t7-ok", "mqtt_port": "18883"}', '--limit', 'lab']);
    expect(r.code).not.toBe(0);
    // The first host it reaches for is the fleet reservation's (the DNS server), then lab.
    expect(r.stdout).toMatch(/UNREACHABLE: \[(labdns|lab)\]/);
    expect(trap.contacts()).toBeGreaterThan(before);
  }, 300_000);
});
