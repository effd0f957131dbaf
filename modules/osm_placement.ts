// osm_placement: where a new customer goes in the fleet and on which MQTT port, from what osm_facts
// read on every OSM host (the hosts are the source of truth). Pure: runs on the controller.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import type { Vars } from '../runner/types.js';
import { placeCustomer, type HostCustomer, type HostFacts, type Placement } from './lib/osm/placement.js';

const hostRead = Type.Object(
  {
    item: Type.String({ description: 'The OSM host (the loop item of the osm_facts task).' }),
    customers: Type.Record(Type.String(), Type.Object({ mqtt_port: Type.Optional(Type.Union([Type.Integer(), Type.Null()])) })),
    mem_available_bytes: Type.Integer({ minimum: 0 }),
    disk_free_bytes: Type.Integer({ minimum: 0 }),
  },
  { description: "One host's osm_facts result (with resources: true)." },
);

const args = Type.Object(
  {
    customer_name: Type.String({ minLength: 1, description: 'The new customer.' }),
    mqtt_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'A port asked for; else the lowest fleet-free one of the range.' })),
    osm_host: Type.Optional(Type.String({ minLength: 1, description: 'A host asked for; else the one with the most free room.' })),
    fleet: Type.Array(hostRead, { description: "The registered results of osm_facts (resources: true) looped over the OSM hosts: `fleet.results`." }),
    capacities: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Each host\'s osm_capacity (a customer count), by host.' }),
    port_first: Type.Integer({ minimum: 1, maximum: 65535, description: 'First MQTT port of the range new customers get ports from.' }),
    port_last: Type.Integer({ minimum: 1, maximum: 65535, description: 'Last MQTT port of the range.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

/** The planner's input from the hosts' reads; a host without a capacity is an error, not room. */
export function hostFacts(a: Pick<Args, 'fleet' | 'capacities'>): HostFacts[] {
  return a.fleet.map((r) => {
    const capacity = a.capacities[r.item];
    if (capacity === undefined) throw new ModuleError(`host ${r.item} has no osm_capacity`);
    const customers: HostCustomer[] = Object.entries(r.customers).map(([name, c]) => ({ name, mqtt_port: c.mqtt_port ?? null }));
    return { host: r.item, capacity, customers, mem_free_bytes: r.mem_available_bytes, disk_free_bytes: r.disk_free_bytes };
  });
}

export default defineModule({
  name: 'osm_placement',
  doc:
    'Chooses the OSM host and MQTT port of a new customer from every host\'s osm_facts (resources: true) and osm_capacity: the host with the most ' +
    'free room (capacity less customers), ties to more available memory, then more free disk, then the name; the port asked for, else the lowest ' +
    'of port_first..port_last that no customer in the fleet holds. Fails, naming the reason, for a name the fleet has, a port a customer holds, ' +
    'an unknown or full host, or a fleet without room. Returns host, port and why (in words). Changes nothing.',
  example: [
    '- name: Place the customer',
    '  osm_placement:',
    '    customer_name: "{{ customer_name }}"',
    '    fleet: "{{ fleet.results }}"',
    '    capacities: "{{ capacities }}"',
    '    port_first: 8883',
    '    port_last: 8999',
    '  register: placement',
  ].join('\n'),
  args,
  controllerOnly: true,
  async gather(_host, a): Promise<Placement> {
    if (a.port_first > a.port_last) throw new ModuleError(`port_first ${a.port_first} is after port_last ${a.port_last}`);
    const req = { customer_name: a.customer_name, mqtt_port: a.mqtt_port, osm_host: a.osm_host };
    return placeCustomer(hostFacts(a), req, { first: a.port_first, last: a.port_last });
  },
  plan(_a, p) {
    if (!p.ok) throw new ModuleError(p.reason);
    return [];
  },
  async apply() {},
  result(_a, p): Vars {
    return p.ok ? { host: p.host, port: p.port, why: p.why } : { reason: p.reason };
  },
});
