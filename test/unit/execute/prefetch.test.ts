// Connections started ahead at a play's start (runner/execute/prefetch.ts): the play's host and the
// hosts its tasks delegate to connect before the first task, not one by one when first needed.
import { describe, expect, it } from 'vitest';
import { runYaml } from './harness.js';

const INVENTORY = '[web]\nh1\n[dns]\nd1\n[others]\nh2\nh3\n[late]\nl1\n[down]\nx1\n';

function connectLog() {
  const log: { host: string; callsSoFar: number }[] = [];
  const onConnect = (host: string, callsSoFar: number): void => {
    // set_fact runs on the controller's own connection.
    if (host !== 'localhost') log.push({ host, callsSoFar });
  };
  return { log, onConnect };
}

describe('connections started ahead', () => {
  it('connects the play host, a templated delegate and a loop of delegates before the first task runs', async () => {
    const { log, onConnect } = connectLog();
    const r = await runYaml(
      `- hosts: web
  gather_facts: false
  vars:
    lock_host: "{{ groups['dns'][0] }}"
  tasks:
    - probe: { id: first }
      delegate_to: "{{ lock_host }}"
    - probe: { id: each }
      delegate_to: "{{ item }}"
      loop: "{{ groups['others'] }}"
    - probe: { id: own }
`,
      { inventory: INVENTORY, onConnect },
    );
    expect(r.summary.exitCode).toBe(0);
    expect(log.map((e) => e.host).sort()).toEqual(['d1', 'h1', 'h2', 'h3']);
    expect(log.every((e) => e.callsSoFar === 0)).toBe(true);
    expect(r.calls.map((c) => `${c.id}@${c.via ?? c.host}`)).toEqual(['first@d1', 'each@h2', 'each@h3', 'own@h1']);
  });

  it('leaves a delegate known only at run time to the task, and never to a guess', async () => {
    const { log, onConnect } = connectLog();
    const r = await runYaml(
      `- hosts: web
  gather_facts: false
  tasks:
    - set_fact: { target: l1 }
    - probe: { id: before }
    - probe: { id: late }
      delegate_to: "{{ target }}"
`,
      { inventory: INVENTORY, onConnect },
    );
    expect(r.summary.exitCode).toBe(0);
    expect(log).toEqual([
      { host: 'h1', callsSoFar: 0 },
      { host: 'l1', callsSoFar: 1 },
    ]);
  });

  it('does not fail a run over a host it connected ahead that no task needed, and closes what it opened', async () => {
    const { log, onConnect } = connectLog();
    const r = await runYaml(
      `- hosts: web
  gather_facts: false
  tasks:
    - probe: { id: skipped }
      delegate_to: x1
      when: false
    - probe: { id: unused }
      delegate_to: d1
      when: false
    - probe: { id: own }
`,
      { inventory: INVENTORY, onConnect, unreachableHosts: ['x1'] },
    );
    expect(r.summary.exitCode).toBe(0);
    expect(r.calls.map((c) => `${c.id}@${c.via ?? c.host}`)).toEqual(['own@h1']);
    expect(r.results.some((x) => x.status === 'unreachable')).toBe(false);
    expect(log.map((e) => e.host).sort()).toEqual(['d1', 'h1', 'x1']);
    await new Promise((res) => setTimeout(res, 10));
    const d1 = r.conns.find((c) => c.host === 'd1');
    expect(d1?.closed).toBe(true);
  });

  it('reports a host it could not connect ahead as unreachable when a task needs it', async () => {
    const r = await runYaml(
      `- hosts: web
  gather_facts: false
  tasks:
    - probe: { id: there }
      delegate_to: x1
`,
      { inventory: INVENTORY, unreachableHosts: ['x1'] },
    );
    expect(r.summary.exitCode).not.toBe(0);
    expect(r.results.find((x) => x.host === 'x1')?.status).toBe('unreachable');
  });

  it('does not connect ahead more play hosts than --forks runs at once', async () => {
    const { log, onConnect } = connectLog();
    await runYaml(`- hosts: others\n  gather_facts: false\n  tasks:\n    - probe: { id: a }\n`, { inventory: INVENTORY, onConnect, forks: 1 });
    expect(log).toEqual([
      { host: 'h2', callsSoFar: 0 },
      { host: 'h3', callsSoFar: 1 },
    ]);
  });

  it('never renders a lookup to guess a delegate', async () => {
    const { log, onConnect } = connectLog();
    const r = await runYaml(
      `- hosts: web
  gather_facts: false
  tasks:
    - probe: { id: a }
    - probe: { id: b }
      delegate_to: "{{ lookup('env', 'OSM_TEST_NO_SUCH_VAR') | default('d1', true) }}"
`,
      { inventory: INVENTORY, onConnect },
    );
    expect(r.summary.exitCode).toBe(0);
    expect(log).toEqual([
      { host: 'h1', callsSoFar: 0 },
      { host: 'd1', callsSoFar: 1 },
    ]);
  });
});
