// osm_placement: the planner's input built from osm_facts results, a placement, and refusals as task failures.
import { describe, expect, it } from 'vitest';
import osmPlacement, { hostFacts } from '../../../modules/osm_placement.js';
import { argsOf } from '../../helpers/module-args.js';

const GIB = 2 ** 30;
const read = (item: string, customers: Record<string, number | null>, mem = 4 * GIB, disk = 20 * GIB) => ({
  item,
  customers: Object.fromEntries(Object.entries(customers).map(([n, p]) => [n, { mqtt_port: p, traces: ['container'] }])),
  mem_available_bytes: mem,
  disk_free_bytes: disk,
  customer_exists: false,
});

const fleet = [read('lab', { acme: 19000, beta: 19002 }), read('lab2', { gamma: null })];
const base = { customer_name: 'delta', fleet, capacities: { lab: 3, lab2: 3 }, port_first: 19000, port_last: 19005 };

async function place(over: Record<string, unknown> = {}) {
  const a = argsOf(osmPlacement, { ...base, ...over } as never);
  const state = await osmPlacement.gather({} as never, a);
  return { a, state };
}

describe('osm_placement', () => {
  it('turns osm_facts results into the planner\'s hosts, a half-made customer (no port) included', () => {
    expect(hostFacts(base)).toEqual([
      { host: 'lab', capacity: 3, customers: [{ name: 'acme', mqtt_port: 19000 }, { name: 'beta', mqtt_port: 19002 }], mem_free_bytes: 4 * GIB, disk_free_bytes: 20 * GIB },
      { host: 'lab2', capacity: 3, customers: [{ name: 'gamma', mqtt_port: null }], mem_free_bytes: 4 * GIB, disk_free_bytes: 20 * GIB },
    ]);
  });

  it('places on the host with the most free room and the lowest port no customer in the fleet holds', async () => {
    const { a, state } = await place();
    expect(osmPlacement.plan(a, state)).toEqual([]);
    const r = osmPlacement.result!(a, state, []) as Record<string, unknown>;
    expect(r).toMatchObject({ host: 'lab2', port: 19001 });
    expect(String(r['why'])).toContain('lab2 has the most free room (2 of 3 free)');
  });

  it('fails the task with the reason for a name the fleet has, a held port, a full host', async () => {
    for (const [over, reason] of [
      [{ customer_name: 'beta' }, 'customer beta already exists on host lab'],
      [{ mqtt_port: 19002 }, 'MQTT port 19002 is held by customer beta on host lab'],
      [{ osm_host: 'lab', capacities: { lab: 2, lab2: 3 } }, 'host lab is full: 2 of 2 customers'],
    ] as const) {
      const { a, state } = await place(over);
      expect(() => osmPlacement.plan(a, state)).toThrow(reason);
    }
  });

  it('refuses a host without a capacity and a range that ends before it starts', async () => {
    await expect(place({ capacities: { lab: 3 } })).rejects.toThrow('host lab2 has no osm_capacity');
    await expect(place({ port_first: 19010, port_last: 19000 })).rejects.toThrow('port_first 19010 is after port_last 19000');
  });
});
