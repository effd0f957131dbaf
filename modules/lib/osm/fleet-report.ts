// The fleet in one table (fleet-status.yaml): every customer of every OSM host with its port,
// address, MQTT over TLS, whether DNS sends its name to that host, and its last backup. Pure.
import type { CustomerStatus, Verdict } from './health.js';

/** One host's osm_status result as registered in a loop (ignore_errors: a host that failed says why). */
export interface HostStatusRead {
  item: string;
  failed?: boolean;
  msg?: string;
  customers?: (CustomerStatus & Verdict)[];
}

export interface DnsAnswerRead {
  cname: string | null;
  a: string[];
  error: string | null;
}

/** An OSM host's own DNS name (`<osm_host_name>.<osm_domain>`, what its customers' names alias) and its customers' domain. */
export interface HostDns {
  name: string;
  domain: string;
}

export interface FleetInput {
  hosts: HostStatusRead[];
  host_dns: Record<string, HostDns>;
  /** The DNS server's answers by name; null when the inventory has no DNS server. */
  dns: Record<string, DnsAnswerRead> | null;
}

export interface FleetRow {
  host: string;
  customer: string;
  port: number | null;
  address: string | null;
  served: boolean;
  dns: 'ok' | 'not checked' | string;
  last_backup: string;
  healthy: boolean;
  problems: string[];
}

export interface FleetReport {
  rows: FleetRow[];
  /** Hosts that could not be read, with the reason. */
  unread: { host: string; reason: string }[];
  healthy: boolean;
  /** `host customer: problem` lines (and `host: reason` for a host not read). */
  problems: string[];
}

/** The name a customer's DNS check asks for: its Grafana name, `<customer>.<domain>`. */
export const dnsNameOf = (customer: string, domain: string): string => `${customer}.${domain}`;

function dnsVerdict(answer: DnsAnswerRead | undefined, want: string | undefined): { text: string; problem: string | null } {
  if (want === undefined) return { text: '?', problem: 'the host has no DNS name' };
  if (answer === undefined) return { text: 'no answer', problem: 'DNS was not asked' };
  if (answer.error !== null) return { text: 'no answer', problem: `DNS: ${answer.error}` };
  if (answer.cname === null) return { text: 'missing', problem: `DNS has no alias for the customer (want ${want})` };
  if (answer.cname.replace(/\.$/, '') !== want.replace(/\.$/, '')) return { text: `-> ${answer.cname}`, problem: `DNS sends it to ${answer.cname}, not ${want}` };
  return { text: 'ok', problem: null };
}

const served = (s: CustomerStatus): boolean => Boolean(s.mqtt?.tls && s.mqtt.certificate_matches !== false && s.mqtt.connack !== null);

export function fleetReport(input: FleetInput): FleetReport {
  const rows: FleetRow[] = [];
  const unread: FleetReport['unread'] = [];
  for (const h of input.hosts) {
    if (h.failed || !h.customers) {
      unread.push({ host: h.item, reason: h.msg ?? 'not read' });
      continue;
    }
    for (const c of h.customers) {
      const hostDns = input.host_dns[h.item];
      const dns =
        input.dns === null ? { text: 'not checked', problem: null } : dnsVerdict(hostDns && input.dns[dnsNameOf(c.customer, hostDns.domain)], hostDns?.name);
      const problems = [...c.problems, ...(dns.problem === null ? [] : [dns.problem])];
      rows.push({
        host: h.item,
        customer: c.customer,
        port: c.mqtt_port,
        address: c.ip,
        served: served(c),
        dns: dns.text,
        last_backup: c.last_backup ? `${c.last_backup.day} ${c.last_backup.result}` : 'never',
        healthy: problems.length === 0,
        problems,
      });
    }
  }
  rows.sort((a, b) => a.host.localeCompare(b.host) || a.customer.localeCompare(b.customer));
  const problems = [...unread.map((u) => `${u.host}: not read: ${u.reason}`), ...rows.flatMap((r) => r.problems.map((p) => `${r.host} ${r.customer}: ${p}`))];
  return { rows, unread, healthy: problems.length === 0, problems };
}

export function fleetTable(r: FleetReport): string {
  const head = ['host', 'customer', 'port', 'address', 'mqtt/tls', 'dns', 'last backup', 'health'];
  const body = [
    ...r.rows.map((x) => [x.host, x.customer, x.port === null ? '-' : String(x.port), x.address ?? '-', x.served ? 'served' : 'DOWN', x.dns, x.last_backup, x.healthy ? 'healthy' : `UNHEALTHY: ${x.problems.join('; ')}`]),
    ...r.unread.map((u) => [u.host, '-', '-', '-', '-', '-', '-', `NOT READ: ${u.reason}`]),
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
