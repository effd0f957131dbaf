// add_host: puts a host into the in-memory inventory for the plays that follow (as Ansible's does),
// e.g. a container just created, reached through its host with the lxc connection.
import { Type } from '@sinclair/typebox';
import { defineModule, unknownChange } from '../runner/module.js';
import type { InventoryAddition, OnlyChange } from '../runner/types.js';

const NAME = '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,252}$';

const args = Type.Object(
  {
    name: Type.String({ pattern: NAME, description: 'Inventory name of the host to add (aliases: host, hostname).' }),
    groups: Type.Union([Type.String({ pattern: NAME }), Type.Array(Type.String({ pattern: NAME }))], {
      default: [],
      description: 'Group or groups to put the host in (created when missing); alias: group.',
    }),
  },
  { additionalProperties: true, description: 'Any other argument becomes a host variable (ansible_connection, ...).' },
);

/** The one change: the host joins the run's inventory (the request comes from the arguments). */
export type AddHostChange = OnlyChange<'add'>;

export function addHostRequest(a: Record<string, unknown>): InventoryAddition {
  const { name, groups, ...vars } = a;
  const list = Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' && groups !== '' ? groups.split(',').map((g) => g.trim()) : [];
  return { name: String(name), groups: list, vars };
}

export default defineModule({
  name: 'add_host',
  doc:
    'Adds a host (with groups and host variables) to the in-memory inventory, so later plays of the same run ' +
    'can target it. Nothing on any machine changes; it reports changed when the host is new to the run, as ' +
    "Ansible's add_host does. Every argument other than name and groups becomes a host variable.",
  example: [
    '- add_host:',
    '    name: "{{ customer_name }}-svr"',
    '    groups: osm_new_containers',
    '    ansible_connection: lxc',
    '    ansible_lxc_host: "{{ inventory_hostname }}"',
  ].join('\n'),
  args,
  controllerOnly: true,
  async gather() {
    return null;
  },
  plan: (a): AddHostChange[] => [{ action: 'add', target: String(a.name), summary: `add host ${String(a.name)} to the run's inventory` }],
  async apply(_host, a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'add':
          break; // the request below is the whole of it
        default:
          unknownChange(c);
      }
    }
    const request = addHostRequest(a);
    return { data: { add_host: request }, inventory: [request] };
  },
  result: (a) => ({ add_host: addHostRequest(a) }),
});
