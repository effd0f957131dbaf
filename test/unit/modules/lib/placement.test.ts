import { describe, expect, it } from 'vitest';
import { compareHosts, placeCustomer, type HostFacts, type Placement } from '../../../../modules/lib/osm/placement.js';
import { parseDfAvail, parseMemAvailable } from '../../../../modules/lib/osm/resources.js';

const GiB = 2 ** 30;
const host = (name: string, capacity: number, customers: [string, number][], memGiB = 4, diskGiB = 50): HostFacts => ({
  host: name,
  capacity,
  customers: customers.map(([n, p]) => ({ name: n, mqtt_port: p })),
  mem_free_bytes: memGiB * GiB,
  disk_free_bytes: diskGiB * GiB,
});
const RANGE = { first: 8883, last: 8886 };
const lab = host('lab', 3, [['acme', 8883], ['beta', 8884]]);
const lab2 = host('lab2', 3, [['gamma', 8885]]);

describe('placeCustomer', () => {
  it.each<[string, HostFacts[], Parameters<typeof placeCustomer>[1], Placement]>([
    ['most free room wins, lowest free port', [lab, lab2], { customer_name: 'delta' }, {
      ok: true, host: 'lab2', port: 8886,
      why: 'lab2 has the most free room (2 of 3 free); next is lab with 1 of 3 free; port 8886 is the lowest of 8883-8886 that no customer in the fleet holds',
    }],
    ['a port asked for', [lab, lab2], { customer_name: 'delta', mqtt_port: 9000 }, {
      ok: true, host: 'lab2', port: 9000,
      why: 'lab2 has the most free room (2 of 3 free); next is lab with 1 of 3 free; port 9000 was asked for and no customer in the fleet holds it',
    }],
    ['a host asked for, though not the emptiest', [lab, lab2], { customer_name: 'delta', osm_host: 'lab' }, {
      ok: true, host: 'lab', port: 8886,
      why: 'lab was asked for and has room (1 of 3 free); port 8886 is the lowest of 8883-8886 that no customer in the fleet holds',
    }],
    ['tie on room: more free memory', [host('a', 2, [], 1), host('b', 2, [], 3)], { customer_name: 'x' }, {
      ok: true, host: 'b', port: 8883,
      why: 'b has the most free room (2 of 2 free), tied with a; more free memory (3.0 GiB against 1.0 GiB); port 8883 is the lowest of 8883-8886 that no customer in the fleet holds',
    }],
    ['tie on room and memory: more free disk', [host('a', 2, [], 2, 90), host('b', 2, [], 2, 10)], { customer_name: 'x' }, {
      ok: true, host: 'a', port: 8883,
      why: 'a has the most free room (2 of 2 free), tied with b; more free disk (90.0 GiB against 10.0 GiB); port 8883 is the lowest of 8883-8886 that no customer in the fleet holds',
    }],
    ['tie on everything: by name', [host('b', 1, []), host('a', 1, [])], { customer_name: 'x' }, {
      ok: true, host: 'a', port: 8883,
      why: 'a has the most free room (1 of 1 free), tied with b on memory and disk too; first by name; port 8883 is the lowest of 8883-8886 that no customer in the fleet holds',
    }],
    ['the only host with room', [host('full', 1, [['acme', 8883]]), host('free', 1, [])], { customer_name: 'x' }, {
      ok: true, host: 'free', port: 8884,
      why: 'free has the most free room (1 of 1 free); it is the only host with room; port 8884 is the lowest of 8883-8886 that no customer in the fleet holds',
    }],
    // Refusals.
    ['a name on another host', [lab, lab2], { customer_name: 'gamma', osm_host: 'lab' }, { ok: false, reason: 'customer gamma already exists on host lab2' }],
    ['a port held on another host', [lab, lab2], { customer_name: 'delta', mqtt_port: 8884, osm_host: 'lab2' }, {
      ok: false, reason: 'MQTT port 8884 is held by customer beta on host lab',
    }],
    ['a port that is none', [lab, lab2], { customer_name: 'delta', mqtt_port: 70000 }, { ok: false, reason: 'mqtt_port 70000 is not a port (1-65535)' }],
    ['an unknown host', [lab, lab2], { customer_name: 'delta', osm_host: 'lab3' }, {
      ok: false, reason: 'host lab3 is not an OSM host of the inventory (known: lab, lab2)',
    }],
    ['a full host asked for', [host('lab', 2, [['a', 8883], ['b', 8884]]), lab2], { customer_name: 'delta', osm_host: 'lab' }, {
      ok: false, reason: 'host lab is full: 2 of 2 customers (osm_capacity)',
    }],
    ['no host with room', [host('lab', 1, [['a', 8883]]), host('lab2', 0, [])], { customer_name: 'delta' }, {
      ok: false, reason: 'no host has room (customers/osm_capacity: lab 1/1, lab2 0/0)',
    }],
    ['every port of the range held', [host('lab', 9, [['a', 8883], ['b', 8884], ['c', 8885], ['d', 8886]])], { customer_name: 'e' }, {
      ok: false, reason: 'no free MQTT port in 8883-8886: every one is held (pass -e mqtt_port=P or widen the range)',
    }],
    ['no hosts at all', [], { customer_name: 'e' }, { ok: false, reason: 'the inventory has no OSM hosts (group osm_hosts)' }],
    ['a host twice', [lab, lab], { customer_name: 'e' }, { ok: false, reason: 'host lab appears twice in the facts' }],
    ['a capacity that is no count', [host('lab', 1.5, [])], { customer_name: 'e' }, { ok: false, reason: 'host lab: osm_capacity must be a whole number >= 0, not 1.5' }],
  ])('%s', (_n, hosts, req, want) => {
    expect(placeCustomer(hosts, req, RANGE)).toEqual(want);
  });

  it('an over-full host (capacity lowered) counts as no room', () => {
    const over = host('lab', 1, [['a', 8883], ['b', 8884]]);
    expect(placeCustomer([over, lab2], { customer_name: 'x' }, RANGE)).toMatchObject({ ok: true, host: 'lab2' });
  });

  it('orders hosts by room, memory, disk, name', () => {
    const hosts = [host('d', 2, [['x', 1]], 9, 9), host('c', 2, [], 1, 1), host('b', 2, [], 1, 5), host('a', 2, [], 4, 1), host('e', 2, [], 1, 5)];
    expect(hosts.sort(compareHosts).map((h) => h.host)).toEqual(['a', 'b', 'e', 'c', 'd']);
  });
});

describe('free memory and disk', () => {
  it.each([
    ['MemTotal:        8041224 kB\nMemFree:          312456 kB\nMemAvailable:    4120008 kB\nBuffers:  1 kB\n', 4120008 * 1024],
    ['MemTotal:        8041224 kB\n', null],
  ])('parseMemAvailable %#', (text, want) => {
    expect(parseMemAvailable(text)).toBe(want);
  });

  it.each([
    ['    Avail\n7516192768\n', 7516192768],
    ['Avail\n', null],
    ['df: /nope: No such file or directory\n', null],
  ])('parseDfAvail %#', (text, want) => {
    expect(parseDfAvail(text)).toBe(want);
  });

  it('a customer without a known port takes room and its name, but no port', () => {
    const half: HostFacts = { host: 'lab', capacity: 2, customers: [{ name: 'half', mqtt_port: null }], mem_free_bytes: GiB, disk_free_bytes: GiB };
    expect(placeCustomer([half], { customer_name: 'half' }, RANGE)).toEqual({ ok: false, reason: 'customer half already exists on host lab' });
    expect(placeCustomer([half], { customer_name: 'x' }, RANGE)).toMatchObject({ ok: true, host: 'lab', port: 8883 });
    expect(placeCustomer([{ ...half, capacity: 1 }], { customer_name: 'x' }, RANGE)).toEqual({ ok: false, reason: 'no host has room (customers/osm_capacity: lab 1/1)' });
  });
});
