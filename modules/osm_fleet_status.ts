// osm_fleet_status: the fleet's customers in one table from each host's osm_status and the DNS
// server's answers (fleet-status.yaml). Pure: runs on the controller.
import { Type } from '@sinclair/typebox';
import { defineModule } from '../runner/module.js';
import type { Vars } from '../runner/types.js';
import { fleetReport, fleetTable, type DnsAnswerRead, type FleetInput, type HostStatusRead } from './lib/osm/fleet-report.js';

const args = Type.Object(
  {
    hosts: Type.Array(Type.Object({ item: Type.String() }), {
      description: 'The registered results of osm_status looped over the OSM hosts (with ignore_errors, so a host that failed is shown): `status.results`.',
    }),
    host_dns: Type.Record(Type.String(), Type.Object({ name: Type.String({ minLength: 1 }), domain: Type.String({ minLength: 1 }) }), {
      description: "Each OSM host's own DNS name (<osm_host_name>.<osm_domain>, which its customers' names must alias) and its customers' domain.",
    }),
    dns_results: Type.Array(Type.Object({}), { default: [], description: 'The registered results of dns_lookup (one per host, looped): their answers are merged.' }),
    dns_checked: Type.Boolean({ default: true, description: 'false where the inventory has no DNS server: the DNS column says not checked.' }),
    customer: Type.Optional(Type.String({ minLength: 1, description: 'Say where this customer is (where: its host, or null).' })),
  },
  { additionalProperties: false },
);

/** One map of every looked-up name's answer. */
function mergedAnswers(results: object[]): Record<string, DnsAnswerRead> {
  return Object.assign({}, ...results.map((r) => (r as { answers?: Record<string, DnsAnswerRead> }).answers ?? {}));
}

export default defineModule({
  name: 'osm_fleet_status',
  doc:
    'Builds the fleet table from osm_status looped over the OSM hosts and dns_lookup\'s answers: per customer its host, MQTT port, address, ' +
    'MQTT over TLS served (TLS with its certificate and a broker answer), DNS (its name an alias of its host\'s name), last backup and health; ' +
    'a host that could not be read is a row of its own. Registers rows, table, healthy, problems, and with customer: where (its host, or null). Never changed.',
  example: ['- osm_fleet_status:', '    hosts: "{{ status.results }}"', '    host_dns: "{{ host_dns }}"', '    dns_results: "{{ dns.results }}"', '  register: fleet'].join('\n'),
  args,
  controllerOnly: true,
  async gather(_host, a) {
    const input: FleetInput = { hosts: a.hosts as HostStatusRead[], host_dns: a.host_dns, dns: a.dns_checked ? mergedAnswers(a.dns_results) : null };
    return fleetReport(input);
  },
  plan: () => [],
  async apply() {},
  result(a, r): Vars {
    const where = a.customer === undefined ? {} : { where: r.rows.find((x) => x.customer === a.customer)?.host ?? null };
    return { rows: r.rows, table: fleetTable(r), healthy: r.healthy, problems: r.problems, ...where };
  },
});
