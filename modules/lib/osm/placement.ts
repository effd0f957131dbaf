// Where a new customer goes in the fleet, and on which MQTT port: pure, from facts gathered on each
// host (the hosts are the source of truth). Names and ports are unique across the whole fleet.

export interface HostCustomer {
  name: string;
  /** Unknown for a half-made customer (osm_facts found some traces only): it still takes room and its name. */
  mqtt_port?: number | null;
}

/** One OSM host as gathered: its capacity (osm_capacity, a customer count) and what it holds. */
export interface HostFacts {
  host: string;
  capacity: number;
  customers: HostCustomer[];
  mem_free_bytes: number;
  disk_free_bytes: number;
}

export interface PlacementRequest {
  customer_name: string;
  /** A port asked for; else the lowest fleet-free one of the range. */
  mqtt_port?: number;
  /** A host asked for; else the one with the most free room. */
  osm_host?: string;
}

export interface PortRange {
  first: number;
  last: number;
}

export type Placement = { ok: true; host: string; port: number; why: string } | { ok: false; reason: string };

const refuse = (reason: string): Placement => ({ ok: false, reason });

export const freeRoom = (h: HostFacts): number => h.capacity - h.customers.length;

/** "1.5 GiB": memory and disk in the why text. */
export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** Most free room first; ties go to more free memory, then more free disk, then the name. */
export function compareHosts(a: HostFacts, b: HostFacts): number {
  return freeRoom(b) - freeRoom(a) || b.mem_free_bytes - a.mem_free_bytes || b.disk_free_bytes - a.disk_free_bytes || a.host.localeCompare(b.host);
}

/** Why `best` beat `next`, the runner-up, in words. */
function whyHost(best: HostFacts, next: HostFacts | undefined): string {
  const room = `${best.host} has the most free room (${freeRoom(best)} of ${best.capacity} free)`;
  if (next === undefined) return `${room}; it is the only host with room`;
  if (freeRoom(next) !== freeRoom(best)) return `${room}; next is ${next.host} with ${freeRoom(next)} of ${next.capacity} free`;
  const tie = `${room}, tied with ${next.host}`;
  if (best.mem_free_bytes !== next.mem_free_bytes) return `${tie}; more free memory (${gib(best.mem_free_bytes)} against ${gib(next.mem_free_bytes)})`;
  if (best.disk_free_bytes !== next.disk_free_bytes) return `${tie}; more free disk (${gib(best.disk_free_bytes)} against ${gib(next.disk_free_bytes)})`;
  return `${tie} on memory and disk too; first by name`;
}

function rooms(hosts: HostFacts[]): string {
  return hosts.map((h) => `${h.host} ${h.customers.length}/${h.capacity}`).join(', ');
}

function checkFacts(hosts: HostFacts[]): string | null {
  const seen = new Set<string>();
  for (const h of hosts) {
    if (seen.has(h.host)) return `host ${h.host} appears twice in the facts`;
    seen.add(h.host);
    if (!Number.isInteger(h.capacity) || h.capacity < 0) return `host ${h.host}: osm_capacity must be a whole number >= 0, not ${String(h.capacity)}`;
  }
  return null;
}

/** Who holds each port, across the fleet. */
function portHolders(hosts: HostFacts[]): Map<number, { host: string; name: string }> {
  const held = new Map<number, { host: string; name: string }>();
  for (const h of hosts) for (const c of h.customers) if (typeof c.mqtt_port === 'number') held.set(c.mqtt_port, { host: h.host, name: c.name });
  return held;
}

function pickPort(req: PlacementRequest, held: Map<number, { host: string; name: string }>, range: PortRange): { port: number; why: string } | string {
  if (req.mqtt_port !== undefined) {
    const p = req.mqtt_port;
    if (!Number.isInteger(p) || p < 1 || p > 65535) return `mqtt_port ${String(p)} is not a port (1-65535)`;
    const holder = held.get(p);
    if (holder) return `MQTT port ${p} is held by customer ${holder.name} on host ${holder.host}`;
    return { port: p, why: `port ${p} was asked for and no customer in the fleet holds it` };
  }
  for (let p = range.first; p <= range.last; p++) {
    if (!held.has(p)) return { port: p, why: `port ${p} is the lowest of ${range.first}-${range.last} that no customer in the fleet holds` };
  }
  return `no free MQTT port in ${range.first}-${range.last}: every one is held (pass -e mqtt_port=P or widen the range)`;
}

export function placeCustomer(hosts: HostFacts[], req: PlacementRequest, range: PortRange): Placement {
  const bad = checkFacts(hosts);
  if (bad !== null) return refuse(bad);
  if (hosts.length === 0) return refuse('the inventory has no OSM hosts (group osm_hosts)');
  const owner = hosts.find((h) => h.customers.some((c) => c.name === req.customer_name));
  if (owner) return refuse(`customer ${req.customer_name} already exists on host ${owner.host}`);

  let host: HostFacts;
  let whyHostText: string;
  if (req.osm_host !== undefined) {
    const asked = hosts.find((h) => h.host === req.osm_host);
    if (!asked) return refuse(`host ${req.osm_host} is not an OSM host of the inventory (known: ${hosts.map((h) => h.host).join(', ')})`);
    if (freeRoom(asked) <= 0) return refuse(`host ${asked.host} is full: ${asked.customers.length} of ${asked.capacity} customers (osm_capacity)`);
    host = asked;
    whyHostText = `${asked.host} was asked for and has room (${freeRoom(asked)} of ${asked.capacity} free)`;
  } else {
    const withRoom = hosts.filter((h) => freeRoom(h) > 0).sort(compareHosts);
    const [best, next] = withRoom;
    if (!best) return refuse(`no host has room (customers/osm_capacity: ${rooms(hosts)})`);
    host = best;
    whyHostText = whyHost(best, next);
  }

  const port = pickPort(req, portHolders(hosts), range);
  if (typeof port === 'string') return refuse(port);
  return { ok: true, host: host.host, port: port.port, why: `${whyHostText}; ${port.why}` };
}
