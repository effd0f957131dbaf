// ufw_rule and ufw_state against the real ufw, only inside a private network + mount namespace with
// copies of /etc/ufw and /etc/default/ufw (t5b-ufw-ns.ts). ufw is enabled there and nowhere else; the
// test proves the machine's own ufw state and files are unchanged.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { runModule } from '../../../runner/execute/run-module.js';
import type { Vars } from '../../../runner/types.js';
import ufwRule, { gatherUfwRules } from '../../../modules/ufw_rule.js';
import { readRulesArgv, showAddedFromFiles } from '../../../modules/lib/ufw/rules-files.js';
import { parseShowAdded } from '../../../modules/lib/ufw/status.js';
import ufwState from '../../../modules/ufw_state.js';
import { startUfwNamespace, type UfwNamespace } from './ufw-namespace.js';

let ns: UfwNamespace;
const machine = () => ({
  status: execFileSync('ufw', ['status']).toString(),
  rules: readFileSync('/etc/ufw/user.rules', 'utf8'),
  defaults: readFileSync('/etc/default/ufw', 'utf8'),
  conf: readFileSync('/etc/ufw/ufw.conf', 'utf8'),
});
let machineBefore: ReturnType<typeof machine>;

function inNs(mod: typeof ufwRule | typeof ufwState, args: Vars, check = false) {
  const host = makeHostContext({ name: 't5b-ufw-ns', conn: ns.conn, vars: {}, searchDirs: { files: [], templates: [] } });
  return runModule(mod, host, args, { check, diff: true });
}

beforeAll(async () => {
  await ensureLab();
  machineBefore = machine();
  ns = await startUfwNamespace();
});

afterAll(async () => {
  await ns?.stop();
  // The machine's ufw was never touched.
  expect(machine()).toEqual(machineBefore);
});

const mqtt = { port: 18883, proto: 'tcp', rule: 'allow', comment: 't5b mqtt' };

describe('ufw_rule while ufw is inactive (ufw show added)', { timeout: 120_000 }, () => {
  it('records a rule (changed), then again is ok', async () => {
    expect(ns.sh(['ufw', 'status'])).toContain('Status: inactive');
    const r = await inNs(ufwRule, mqtt);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(ns.sh(['ufw', 'show', 'added'])).toContain("ufw allow 18883/tcp comment 't5b mqtt'");
    expect((await inNs(ufwRule, mqtt)).status).toBe('ok');
  });

  it('check mode on another action reports it and alters nothing', async () => {
    const before = ns.sh(['ufw', 'show', 'added']);
    const r = await inNs(ufwRule, { ...mqtt, rule: 'limit' }, true);
    expect(r.status).toBe('changed');
    expect(r.diff).toContain("-ufw allow 18883/tcp comment 't5b mqtt'");
    expect(r.diff).toContain("+ufw limit 18883/tcp comment 't5b mqtt'");
    expect(ns.sh(['ufw', 'show', 'added'])).toBe(before);
  });
});

describe('a disabled ufw read from its files', { timeout: 120_000 }, () => {
  it('gives what ufw show added prints, for every kind of rule it turns, with no ufw started', async () => {
    // Rules of each form ufw writes for ports and addresses, recorded by ufw itself (still inactive).
    const rules = [
      ['limit', '1194/udp'],
      ['allow', 'from', '10.0.0.0/8', 'to', 'any', 'port', '9100', 'proto', 'tcp', 'comment', 't5b scrape, two words'],
      ['deny', 'from', '192.0.2.7'],
      ['reject', 'out', '25/tcp'],
      ['deny', 'from', 'any', 'port', '53', 'proto', 'tcp'],
    ];
    for (const r of rules) ns.sh(['ufw', ...r]);
    try {
      const grep = ns.sh(readRulesArgv());
      expect(showAddedFromFiles(grep)).toBe(ns.sh(['ufw', 'show', 'added']));
      const state = await gatherUfwRules(makeHostContext({ name: 't5b-ufw-ns', conn: ns.conn, vars: {}, searchDirs: { files: [], templates: [] } }));
      expect(state.rules.map((r) => r.raw)).toEqual(parseShowAdded(ns.sh(['ufw', 'show', 'added'])).map((r) => r.raw));
      // An IPv6-only rule is left to ufw itself.
      ns.sh(['ufw', 'allow', 'from', '2001:db8::1', 'to', 'any', 'port', '22', 'proto', 'tcp']);
      expect(showAddedFromFiles(ns.sh(readRulesArgv()))).toBeUndefined();
      ns.sh(['ufw', 'delete', 'allow', 'from', '2001:db8::1', 'to', 'any', 'port', '22', 'proto', 'tcp']);
    } finally {
      for (const r of rules) ns.sh(['ufw', 'delete', ...r.filter((w, i, all) => w !== 'comment' && all[i - 1] !== 'comment')]);
    }
    expect(ns.sh(['ufw', 'show', 'added'])).not.toContain('9100');
  });
});

describe('ufw_state (enabled only inside the namespace)', { timeout: 120_000 }, () => {
  const wanted = { state: 'enabled', incoming: 'deny', outgoing: 'allow', routed: 'deny', logging: 'medium' };

  it('enables with policies and logging (changed), then again is ok', async () => {
    const r = await inNs(ufwState, wanted);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    const status = ns.sh(['ufw', 'status', 'verbose']);
    expect(status).toContain('Status: active');
    expect(status).toContain('Logging: on (medium)');
    expect(status).toContain('Default: deny (incoming), allow (outgoing)');
    expect((await inNs(ufwState, wanted)).status).toBe('ok');
    expect(machine().status).toContain('Status: inactive');
  });

  it('check mode on another policy reports it and alters nothing', async () => {
    const r = await inNs(ufwState, { ...wanted, incoming: 'reject' }, true);
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.summary)).toEqual(['would run: ufw default reject incoming']);
    expect(ns.sh(['ufw', 'status', 'verbose'])).toContain('deny (incoming)');
  });
});

describe('ufw_rule while ufw is active (ufw status verbose)', { timeout: 120_000 }, () => {
  it('the recorded rule is live and matched across its v4/v6 rows', async () => {
    expect(ns.sh(['ufw', 'status', 'verbose'])).toMatch(/18883\/tcp\s+ALLOW IN\s+Anywhere\s+# t5b mqtt/);
    expect((await inNs(ufwRule, mqtt)).status).toBe('ok');
  });

  it('adds a source-limited rule, updates its comment in place, deletes it', async () => {
    const ssh = { port: 2222, proto: 'tcp', from: '10.0.3.7/24', comment: 't5b ssh' };
    expect((await inNs(ufwRule, ssh)).status).toBe('changed');
    expect(ns.sh(['ufw', 'status'])).toMatch(/2222\/tcp\s+ALLOW\s+10\.0\.3\.0\/24\s+# t5b ssh/);
    expect((await inNs(ufwRule, ssh)).status).toBe('ok');
    expect((await inNs(ufwRule, { ...ssh, comment: 't5b ssh 2' })).status).toBe('changed');
    expect(ns.sh(['ufw', 'status'])).toContain('# t5b ssh 2');
    expect((await inNs(ufwRule, { ...ssh, state: 'absent' })).status).toBe('changed');
    expect(ns.sh(['ufw', 'status'])).not.toContain('2222/tcp');
    expect((await inNs(ufwRule, { ...ssh, state: 'absent' })).status).toBe('ok');
  });

  it('absent removes the first rule whatever its action; disabling is reported', async () => {
    expect((await inNs(ufwRule, { ...mqtt, rule: 'deny', state: 'absent' })).status).toBe('changed');
    expect(ns.sh(['ufw', 'show', 'added'])).not.toContain('18883');
    const off = await inNs(ufwState, { state: 'disabled' });
    expect(off.status).toBe('changed');
    expect(ns.sh(['ufw', 'status'])).toContain('Status: inactive');
  });
});
