// A module's outcome can add hosts to the run's inventory (the channel add_host uses): later plays
// target them, in check mode too; a failed result adds nothing; the executor does not care which module.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import addHost from '../../../modules/add_host.js';
import { defineModule } from '../../../runner/module.js';
import { runYaml } from './harness.js';

const enrol = defineModule({
  name: 'enrol',
  doc: 'test module: adds a host unless told to fail',
  example: '',
  args: Type.Object({ host: Type.String(), fail: Type.Optional(Type.Boolean()) }),
  controllerOnly: true,
  async gather() {
    return null;
  },
  plan: (a) => [{ action: 'add', target: a.host, summary: `add ${a.host}` }],
  async apply(_host, a) {
    return { failed: a.fail, msg: a.fail ? 'refused' : undefined, inventory: [{ name: a.host, groups: ['late'], vars: { colour: 'blue' } }] };
  },
});

const playbook = (module: string, extra = '') => `
- hosts: h1
  gather_facts: false
  tasks:
    - ${module}:
        ${module === 'add_host' ? 'name' : 'host'}: c1
        ${module === 'add_host' ? 'groups: late\n        colour: blue' : extra}
      ignore_errors: true
- hosts: late
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ colour }}"
`;

describe('the inventory channel of a module outcome', () => {
  it.each([
    ['add_host', false],
    ['add_host', true],
    ['enrol', false],
    ['enrol', true],
  ])('%s adds a host that the next play targets (check mode: %s)', async (module, check) => {
    const r = await runYaml(playbook(module), { modules: [addHost, enrol], check });
    expect(r.lines).toEqual([`changed h1 ${module}`, 'ok c1 debug']);
    expect(r.summary.exitCode).toBe(0);
  });

  it('a failed result adds no host', async () => {
    const r = await runYaml(playbook('enrol', 'fail: true'), { modules: [enrol] });
    expect(r.lines).toEqual(['failed h1 enrol']);
  });
});

describe('hosts added by add_host and --limit', () => {
  it('a later play for added hosts that --limit leaves out fails the host that added them', async () => {
    const r = await runYaml(playbook('add_host'), { modules: [addHost], limit: 'h1' });
    expect(r.lines).toEqual(['changed h1 add_host']);
    expect(r.summary.hosts['h1']!.failed).toBe(1);
    expect(r.summary.exitCode).toBe(2);
    const warnings = r.reporter.events.flatMap((e) => (e.type === 'warning' ? [e.msg] : []));
    expect(warnings.join('\n')).toMatch(/c1 \(added by add_host\) falls outside --limit h1.*delegate_to/);
  });

  it('runs as before when --limit names the added host too', async () => {
    const r = await runYaml(playbook('add_host'), { modules: [addHost], limit: 'h1:c1' });
    expect(r.lines).toEqual(['changed h1 add_host', 'ok c1 debug']);
    expect(r.summary.exitCode).toBe(0);
  });

  it('a task delegated to the added host from the adding play runs under --limit', async () => {
    const yaml = `
- hosts: web
  gather_facts: false
  tasks:
    - add_host:
        name: "c-{{ inventory_hostname }}"
        groups: late
    - probe:
        id: inside
      delegate_to: "c-{{ inventory_hostname }}"
`;
    const r = await runYaml(yaml, { modules: [addHost], limit: 'h1' });
    expect(r.lines).toEqual(['changed h1 add_host', 'ok h1 probe']);
    expect(r.calls).toEqual([{ host: 'h1', id: 'inside', applied: false, via: 'c-h1' }]);
    expect(r.summary.exitCode).toBe(0);
  });
});

describe('delegate_to rendered per loop item', () => {
  it('visits each item\'s host, with the current host\'s variables, and says where it went', async () => {
    const yaml = `
- hosts: h1
  gather_facts: false
  tasks:
    - probe:
        id: "{{ item }} of {{ inventory_hostname }}"
      delegate_to: "{{ item }}"
      loop: "{{ groups['web'] | difference([inventory_hostname]) }}"
`;
    const r = await runYaml(yaml, { inventory: '[web]\nh1\nh2\nh3\n', limit: 'h1' });
    expect(r.summary.exitCode).toBe(0);
    expect(r.calls).toEqual([
      { host: 'h1', id: 'h2 of h1', applied: false, via: 'h2' },
      { host: 'h1', id: 'h3 of h1', applied: false, via: 'h3' },
    ]);
    expect(r.results[0]!.delegatedTo).toBe('h2, h3');
  });

  it('fails only the item whose host cannot be reached, and goes on to the next items (fleet-status)', async () => {
    const yaml = `
- hosts: localhost
  gather_facts: false
  tasks:
    - probe:
        id: "{{ item }}"
      delegate_to: "{{ item }}"
      loop: "{{ groups['web'] }}"
      register: probed
      ignore_errors: true
    - debug:
        msg: "{{ probed.results | map(attribute='failed') | list }} {{ probed.results[1].msg }}"
`;
    const r = await runYaml(yaml, { inventory: '[web]\nh1\nh2\nh3\n', unreachableHosts: ['h2'] });
    expect(r.calls.map((c) => c.via)).toEqual(['h1', 'h3']);
    expect(r.results.find((x) => x.module === 'probe')?.items?.map((i) => i.status)).toEqual(['ok', 'failed', 'ok']);
    expect(r.results.find((x) => x.module === 'debug')?.display).toBe('[False, True, False] delegate_to: cannot reach h2 (unreachable)');
    // ignore_errors covered it; h2 itself is counted unreachable, as when it is a play's host.
    expect(r.summary.exitCode).not.toBe(0);
  });

  it('without ignore_errors, the task fails after trying every item', async () => {
    const yaml = `
- hosts: localhost
  gather_facts: false
  tasks:
    - probe:
        id: "{{ item }}"
      delegate_to: "{{ item }}"
      loop: "{{ groups['web'] }}"
    - probe: { id: after }
`;
    const r = await runYaml(yaml, { inventory: '[web]\nh1\nh2\nh3\n', unreachableHosts: ['h1'] });
    expect(r.calls.map((c) => c.id)).toEqual(['h2', 'h3']);
    expect(r.summary.exitCode).not.toBe(0);
  });
});
