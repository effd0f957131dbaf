// Pure summary of what an OSM host already has: customers (by every trace they leave), OS bases,
// and who holds a port. create-container and delete-container refuse bad input from this,
// before anything on the host changes.
import { parseDhcpHosts } from '../dnsmasq/dhcp-hosts.js';
import { parseEtcHosts } from '../hosts/etc-hosts.js';
import { streamListensOf } from '../nginx/config.js';
import { describeHolder, parseSsListeners } from '../net/ss-listeners.js';
import { containerOf, customerOfContainer, customerOfNginxFile } from './layout.js';

/** Raw reads of the host, gathered by osm_facts. */
export interface OsmHostRaw {
  osBases: string[];
  containerDirs: string[];
  /** Container dir name → content of its osm-customer.json marker (null when missing). */
  markers: Record<string, string | null>;
  /** Container dir name → whether lxc.container.conf exists. */
  configs: Record<string, boolean>;
  deleted: string[];
  /** Stream/http include file path → content. */
  streamFiles: Record<string, string>;
  httpFiles: string[];
  dnsmasqConf: string;
  hostsFile: string;
  ss: string;
  snapperConfigs: string[];
}

export interface CustomerFacts {
  customer: string;
  container: string;
  /** Where the customer shows up: `container`, `nginx-stream`, `nginx-http`, `dnsmasq`, `hosts`, `snapper`. */
  traces: string[];
  /**
   * null when not known (e.g. a create killed before it wrote osm-customer.json): playbooks test
   * `is none`, and a missing key would be an undefined variable instead.
   */
  mqtt_port: number | null;
  /** The OS base recorded at creation: re-runs keep it even when a newer base appears. */
  os_base: string | null;
  /** The domain of the customer's names recorded at creation; null for a customer recorded without one (osm_domain). */
  domain: string | null;
  /** The customer's limits as its record has them (kept on re-runs); null when the record has none. */
  memory_limit: string | null;
  bandwidth_limit: string | null;
  ip: string | null;
  mac: string | null;
  configured: boolean;
}

export interface OsmHostFacts {
  os_bases: string[];
  newest_os_base: string | null;
  customers: Record<string, CustomerFacts>;
  deleted: string[];
  /** Port (as a string key) → who declares it in nginx stream files. */
  stream_ports: Record<string, string>;
}

/** The osm-customer.json marker create-container writes: { customer, mqtt_port, os_base, domain, memory_limit, bandwidth_limit }. */
function parseMarker(text: string | null | undefined): { mqtt_port?: number; os_base?: string; domain?: string; memory_limit?: string; bandwidth_limit?: string } {
  if (!text) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof doc !== 'object' || doc === null) return {};
  const rec = doc as Record<string, unknown>;
  return {
    mqtt_port: typeof rec.mqtt_port === 'number' ? rec.mqtt_port : undefined,
    os_base: typeof rec.os_base === 'string' ? rec.os_base : undefined,
    domain: typeof rec.domain === 'string' && rec.domain !== '' ? rec.domain : undefined,
    memory_limit: typeof rec.memory_limit === 'string' ? rec.memory_limit : undefined,
    bandwidth_limit: typeof rec.bandwidth_limit === 'string' ? rec.bandwidth_limit : undefined,
  };
}

export function summarizeOsmHost(raw: OsmHostRaw): OsmHostFacts {
  const customers: Record<string, CustomerFacts> = {};
  const touch = (customer: string, trace: string): CustomerFacts => {
    const c = (customers[customer] ??= { customer, container: containerOf(customer), traces: [], mqtt_port: null, os_base: null, domain: null, memory_limit: null, bandwidth_limit: null, ip: null, mac: null, configured: false });
    if (!c.traces.includes(trace)) c.traces.push(trace);
    return c;
  };

  for (const dir of raw.containerDirs) {
    const customer = customerOfContainer(dir);
    if (!customer) continue;
    const c = touch(customer, 'container');
    c.configured = raw.configs[dir] ?? false;
    const marker = parseMarker(raw.markers[dir]);
    c.mqtt_port = marker.mqtt_port ?? null;
    c.os_base = marker.os_base ?? null;
    c.domain = marker.domain ?? null;
    c.memory_limit = marker.memory_limit ?? null;
    c.bandwidth_limit = marker.bandwidth_limit ?? null;
  }
  const stream_ports: Record<string, string> = {};
  for (const [file, content] of Object.entries(raw.streamFiles)) {
    const customer = customerOfNginxFile(file);
    for (const l of streamListensOf(content, file)) {
      stream_ports[String(l.port)] = customer ? `customer ${customer} (${file}:${l.line})` : `${file}:${l.line}`;
      if (customer) touch(customer, 'nginx-stream').mqtt_port ??= l.port;
    }
  }
  for (const file of raw.httpFiles) {
    const customer = customerOfNginxFile(file);
    if (customer) touch(customer, 'nginx-http');
  }
  for (const h of parseDhcpHosts(raw.dnsmasqConf, 'conf')) {
    const customer = h.name ? customerOfContainer(h.name) : null;
    if (!customer) continue;
    const c = touch(customer, 'dnsmasq');
    c.ip = h.ip ?? null;
    c.mac = h.mac ?? null;
  }
  for (const line of parseEtcHosts(raw.hostsFile)) {
    for (const name of line.names) {
      const customer = customerOfContainer(name);
      if (customer) touch(customer, 'hosts');
    }
  }
  for (const config of raw.snapperConfigs) {
    const customer = customerOfContainer(config);
    if (customer) touch(customer, 'snapper');
  }
  const os_bases = [...raw.osBases].sort();
  return {
    os_bases,
    newest_os_base: os_bases[os_bases.length - 1] ?? null,
    customers,
    deleted: [...raw.deleted].sort(),
    stream_ports,
  };
}

/** Port (as a string key, as templates index it) → the customer whose marker or nginx file declares it. */
export function customerPorts(facts: Pick<OsmHostFacts, 'customers'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Object.values(facts.customers)) if (typeof c.mqtt_port === 'number') out[String(c.mqtt_port)] = c.customer;
  return out;
}

/**
 * Who, other than `customer` itself, holds `port`: another customer's nginx stream file, or a
 * listening program. nginx listening on the customer's own port is the customer's, not a conflict.
 */
export function portHolder(facts: OsmHostFacts, ss: string, port: number, customer: string): string | null {
  const declared = facts.stream_ports[String(port)];
  const own = declared?.startsWith(`customer ${customer} `) ?? false;
  if (declared && !own) return declared;
  if (own) return null;
  const listener = parseSsListeners(ss).find((l) => l.port === port);
  return listener ? describeHolder(listener) : null;
}
