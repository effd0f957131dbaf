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
