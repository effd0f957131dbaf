// dns_record: one RRset (name + type) in a zone, through the PowerDNS HTTP API or RFC 2136 updates
// with TSIG. The requests run on the host the task runs against (curl or nsupdate, configured on
// stdin so no key is on a command line), which keeps it working over ssh and lxc connections.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { canonicalValues, recordFqdn, zoneFqdn } from './lib/dns/names.js';
import { findRrset, getZoneRrsets, patchRrsets, type PdnsRrset, type PdnsTarget, type RrsetChange } from './lib/dns/pdns-api.js';
import { readRrsets, sendUpdate, type Rfc2136Target } from './lib/dns/rfc2136.js';
import { planRrset, type RrsetPlanChange, type WantedRrset } from './lib/dns/rrset-plan.js';

const args = Type.Object(
  {
    zone: Type.String({ minLength: 1, description: 'The zone, e.g. `osm-lab.test` (a trailing dot is optional). It must exist on the server.' }),
    name: Type.String({
      description: 'Owner name: relative to the zone (`www`), `@` for the apex, or a full name (`www.osm-lab.test`, with or without the trailing dot).',
    }),
    type: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*$', description: 'Record type: A, AAAA, CNAME, TXT, MX, NS, SRV, PTR, CAA...' }),
    values: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description:
          'The RRset\'s values (one string or a list), compared as a set. Names in CNAME/NS/PTR/MX/SRV get a trailing dot; TXT is quoted when not already. ' +
          'Required for present; for absent, only these values are removed (all when not given).',
      }),
    ),
    ttl: Type.Integer({ minimum: 1, maximum: 2147483647, default: 3600, description: 'TTL in seconds.' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: '`absent` removes the RRset (or only the given values).' }),
    api_url: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081', description: 'The PowerDNS webserver, as seen from the host the task runs on.' }),
    api_key: Type.Optional(Type.String({ minLength: 1, description: 'The API key (secret: never shown, never on a command line). Or use api_key_file.' })),
    api_key_file: Type.Optional(Type.String({ pattern: '^/', description: 'A file on the host the task runs on holding the API key (first line).' })),
    server_id: Type.String({ minLength: 1, default: 'localhost', description: 'The PowerDNS server id in the API path.' }),
    backend: Type.Union([Type.Literal('powerdns'), Type.Literal('rfc2136')], {
      default: 'powerdns',
      description: '`powerdns`: the HTTP API (api_url, api_key). `rfc2136`: dynamic updates with nsupdate and reads with dig (server, port, tsig_*), for BIND, Knot or PowerDNS with dnsupdate=yes.',
    }),
    server: Type.String({ minLength: 1, default: '127.0.0.1', description: 'rfc2136: the authoritative server\'s address, as seen from the host the task runs on.' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 53, description: 'rfc2136: its DNS port.' }),
    tsig_key_name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]+$', description: 'rfc2136: the TSIG key name (without it, updates are unsigned).' })),
    tsig_algorithm: Type.String({ pattern: '^hmac-(md5|sha1|sha224|sha256|sha384|sha512)$', default: 'hmac-sha256', description: 'rfc2136: the TSIG algorithm.' }),
    tsig_key_secret: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'rfc2136: the TSIG secret, base64 (secret: never shown, never on a command line).' }),
    ),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export type DnsBackend = { kind: 'powerdns'; target: PdnsTarget } | { kind: 'rfc2136'; target: Rfc2136Target };

export interface DnsRecordState {
  backend: DnsBackend;
  current: PdnsRrset | null;
  /** Types of the other RRsets at the same name (a CNAME excludes them all). */
  otherTypes: string[];
}

/** The wanted RRset in canonical form; bad input is an error naming the argument. */
export function wantedRrset(a: Pick<Args, 'zone' | 'name' | 'type' | 'values' | 'ttl' | 'state'>): WantedRrset {
  const type = a.type.toUpperCase();
  const given = a.values === undefined ? [] : Array.isArray(a.values) ? a.values : [a.values];
  if (given.some((v) => v.trim() === '')) throw new ModuleError('dns_record: values: an empty value');
  let name: string;
  try {
    name = recordFqdn(a.name, a.zone);
  } catch (err) {
    throw new ModuleError(`dns_record: name: ${(err as Error).message}`);
  }
  return { name, type, ttl: a.ttl, values: canonicalValues(type, given), state: a.state };
}

/** dns_record plans what planRrset plans: create, update or delete one RRset. */
export type DnsRecordChange = RrsetPlanChange;

/** The PATCH entries of the planned changes, all checked before any is sent. */
function rrsetsOf(changes: readonly DnsRecordChange[]): RrsetChange[] {
  return changes.map((c) => {
    switch (c.action) {
      case 'create':
      case 'update':
      case 'delete':
        if (!c.data) throw new ModuleError(`internal: change ${c.summary} carries no RRset`);
        return c.data;
      default:
        unknownChange(c);
    }
  });
}

async function apiKeyOf(host: HostContext, a: Args): Promise<string> {
  if ((a.api_key === undefined) === (a.api_key_file === undefined)) {
    throw new ModuleError('dns_record: give exactly one of api_key or api_key_file');
  }
  if (a.api_key !== undefined) return a.api_key;
  const text = await host.readFile(a.api_key_file!);
  if (text === null) throw new ModuleError(`dns_record: api_key_file ${a.api_key_file} does not exist on ${host.name}`);
  const key = text.split('\n')[0]?.trim() ?? '';
  if (key === '') throw new ModuleError(`dns_record: api_key_file ${a.api_key_file} is empty`);
  return key;
}

async function backendOf(host: HostContext, a: Args): Promise<DnsBackend> {
  const zone = zoneFqdn(a.zone);
  if (a.backend === 'powerdns') return { kind: 'powerdns', target: { apiUrl: a.api_url, apiKey: await apiKeyOf(host, a), serverId: a.server_id, zone } };
  if ((a.tsig_key_name === undefined) !== (a.tsig_key_secret === undefined)) {
    throw new ModuleError('dns_record: tsig_key_name and tsig_key_secret go together (or neither, for unsigned updates)');
  }
  const tsig = a.tsig_key_name !== undefined ? { name: a.tsig_key_name, algorithm: a.tsig_algorithm, secret: a.tsig_key_secret! } : undefined;
  return { kind: 'rfc2136', target: { server: a.server, port: a.port, zone, tsig } };
}

export default defineModule({
  name: 'dns_record',
  doc:
    'Keeps one RRset (name and type) of a PowerDNS zone through the PowerDNS HTTP API: present with the given values ' +
    'and TTL, or absent. Reads the zone, compares the values as a set (in the canonical form PowerDNS stores: ' +
    'trailing dots on names, quoted TXT, compressed IPv6) and the TTL, and PATCHes the RRset (REPLACE or DELETE) only ' +
    'when they differ. Diffs show the RRset as zone-file lines. The HTTP request runs on the host the task runs on, ' +
    'with curl reading its configuration (API key included) on stdin, so the key is never on a command line; run ' +
    'it against the DNS server\'s host or any host that reaches api_url. api_key is a secret, redacted in every output.',
  example: `- name: the customer's MQTT name points at its host
  dns_record:
    zone: "{{ osm_domain }}"
    name: "{{ customer_name }}-mqtt"
    type: CNAME
    values: "{{ osm_host_name }}.{{ osm_domain }}"
    ttl: 300
    api_url: "{{ osm_dns_api_url }}"
    api_key_file: "{{ osm_dns_api_key_file }}"`,
  args,
  secretArgs: ['api_key', 'tsig_key_secret'],
  async gather(host, a): Promise<DnsRecordState> {
    const w = wantedRrset(a);
    const backend = await backendOf(host, a);
    const rrsets = backend.kind === 'powerdns' ? await getZoneRrsets(host, backend.target) : await readRrsets(host, backend.target, w.name);
    const otherTypes = rrsets.filter((r) => r.name.toLowerCase() === w.name && r.type !== w.type).map((r) => r.type);
    return { backend, current: findRrset(rrsets, w.name, w.type), otherTypes };
  },
  plan(a, s): DnsRecordChange[] {
    try {
      return planRrset(wantedRrset(a), s.current, s.otherTypes);
    } catch (err) {
      throw err instanceof ModuleError ? err : new ModuleError(`dns_record: ${(err as Error).message}`);
    }
  },
  async apply(host, _a, changes, s) {
    const rrsets = rrsetsOf(changes);
    if (s.backend.kind === 'powerdns') await patchRrsets(host, s.backend.target, rrsets);
    else await sendUpdate(host, s.backend.target, rrsets);
  },
  result(a, s, changes) {
    const w = wantedRrset(a);
    const before = s.current ? s.current.records.map((r) => r.content).sort() : [];
    const data = changes[0]?.data;
    const after = data === undefined ? before : data.changetype === 'DELETE' ? [] : data.records.map((r) => r.content).sort();
    return { zone: s.backend.target.zone, name: w.name, type: w.type, before, values: after, ttl: data?.changetype === 'REPLACE' ? data.ttl : (s.current?.ttl ?? null) };
  },
});
