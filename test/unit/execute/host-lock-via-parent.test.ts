// A host reached through another (an lxc container over its host's link) takes no lock of its own:
// the parent's lock covers it, and the parent is locked first even when no play targeted it. A host
// that several hosts' tasks are delegated to at once is locked once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../runner/connection/types.js';
import { realDeps } from '../../../runner/execute/deps.js';
import { runPlaybook } from '../../../runner/execute/run-playbook.js';
import { groupNames, hostVars, loadInventory, matchHosts } from '../../../runner/load/inventory.js';
import { ModuleRegistry } from '../../../runner/load/modules.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { RecordingReporter } from '../../../runner/report/events.js';
import { Redactor } from '../../../runner/report/redact.js';
import debugMod from '../../../modules/debug.js';
import { MemoryConnection } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(yaml: string, inventory: string, forks = 1): Promise<{ locked: string[]; failed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'osm-via-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'play.yml'), yaml);
  writeFileSync(join(dir, 'hosts.yaml'), inventory);
  const registry = new ModuleRegistry([debugMod]);
  const inv = loadInventory([join(dir, 'hosts.yaml')]);
  const deps = await realDeps((n) => registry.get(n), { hostVars, matchHosts, groupNames });
  deps.createConnection = async (host, vars, opts): Promise<Connection> => {
    const parent = vars['ansible_lxc_host'];
    // Like the lxc connection: ask the executor for the parent's run-wide connection.
    if (typeof parent === 'string' && opts.connectionFor) await opts.connectionFor(parent);
    return new MemoryConnection(host);
  };
  const locked: string[] = [];
  deps.acquireHostLock = async (conn) => {
    locked.push(conn.host);
    // Taking a lock takes time on a real host: long enough for a second taker to come along.
    await new Promise((r) => setTimeout(r, 20));
    return { release: async () => {} };
  };
  const redactor = new Redactor([]);
  const summary = await runPlaybook(
    await loadPlaybook(join(dir, 'play.yml')),
    { inventory: inv, extraVars: {}, check: false, diff: false, tags: [], skipTags: [], forks, verbosity: 0, lockTimeoutMs: 1000, acceptNewHostKeys: false, redactor, deps },
    new RecordingReporter(),
  );
  return { locked, failed: Object.values(summary.hosts).some((h) => h.failed > 0 || h.unreachable > 0) };
}

const PLAY = (hosts: string) => `- hosts: ${hosts}\n  tasks:\n    - debug: { msg: hi }\n`;
const INVENTORY = [
  'all:',
  '  hosts:',
  '    box: {}',
  '    ct1: { ansible_connection: lxc, ansible_lxc_host: box }',
  '',
].join('\n');

describe('host lock of hosts reached through another host', () => {
  it('locks the parent once and not the container', async () => {
    const r = await run(`${PLAY('box')}${PLAY('ct1')}`, INVENTORY);
    expect(r.failed).toBe(false);
    expect(r.locked).toEqual(['box']);
  });

  it('locks the parent even when only the container is targeted', async () => {
    const r = await run(PLAY('ct1'), INVENTORY);
    expect(r.failed).toBe(false);
    expect(r.locked).toEqual(['box']);
  });

  it('locks a host once when the tasks of two hosts are delegated to it at the same moment', async () => {
    const inv = ['all:', '  hosts:', '    a: {}', '    b: {}', '    dns: {}', ''].join('\n');
    const r = await run('- hosts: a:b\n  tasks:\n    - debug: { msg: hi }\n      delegate_to: dns\n', inv, 2);
    expect(r.failed).toBe(false);
    expect(r.locked.filter((h) => h === 'dns')).toEqual(['dns']);
    expect([...r.locked].sort()).toEqual(['a', 'b', 'dns']);
  });
});
