// influxdb_dbrp: an InfluxDB OSS 2.7 DBRP mapping, which lets v1 clients (InfluxQL, Grafana's InfluxQL
// data source, /query and /write) name a bucket as database + retention policy. Only stored mappings
// count: 2.7 also lists read-only "virtual" ones derived from bucket names, which are not ours to keep.
// API: https://docs.influxdata.com/influxdb/v2/api/#tag/DBRPs
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { createDbrp, DEFAULT_INFLUX_URL, deleteDbrp, findBucket, listDbrps, requireBucket, requireOrg, setDbrpDefault, type InfluxTarget } from './lib/influxdb/api.js';
import type { InfluxDbrp } from './lib/influxdb/parse.js';

// What InfluxDB accepts as database and retention policy names (DBRPMappingV2.Validate: "at least one
// character and only letters, numbers, '_', '-', and '.'").
const DBRP_NAME = '^[A-Za-z0-9_.-]+$';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', default: DEFAULT_INFLUX_URL, description: 'Base URL of the InfluxDB API, as the host the task runs on reaches it.' }),
    token: Type.String({ minLength: 1, description: 'A token allowed to manage DBRP mappings of org (the operator token; secret).' }),
    org: Type.String({ minLength: 1, description: 'Organization of the bucket.' }),
    bucket: Type.String({ minLength: 1, description: 'Name of the bucket the mapping leads to (must exist).' }),
    database: Type.String({ pattern: DBRP_NAME, description: 'v1 database name (letters, digits, _ . -).' }),
    retention_policy: Type.String({ pattern: DBRP_NAME, default: 'autogen', description: 'v1 retention policy name.' }),
    default: Type.Boolean({ default: true, description: "Whether it is the database's default retention policy (used when a v1 query names none)." }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: the mapping leads to bucket; absent: no stored mapping for database and retention_policy.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface InfluxDbrpState {
  orgID: string;
  /** The bucket's ID; null only with state absent (a bucket gone is fine then). */
  bucketID: string | null;
  /** The stored (not virtual) mapping of database + retention_policy, if any. */
  mapping: InfluxDbrp | null;
}

export type InfluxDbrpChange = Change<'create'> | Change<'default', { id: string }> | Change<'delete', { id: string }>;

const target = (a: Args): InfluxTarget => ({ url: a.url, token: a.token });

/** The stored mapping of the pair: 2.7 lets only one exist per org, database and retention policy. */
export function storedMapping(all: InfluxDbrp[], database: string, rp: string): InfluxDbrp | null {
  return all.find((m) => !m.virtual && m.database === database && m.retention_policy === rp) ?? null;
}

type PlanArgs = Pick<Args, 'bucket' | 'database' | 'retention_policy' | 'default' | 'state'>;

function describe(a: PlanArgs, bucket: string, isDefault: boolean): string {
  return `database: ${a.database}\nretention_policy: ${a.retention_policy}\nbucket: ${bucket}\ndefault: ${isDefault}\n`;
}

/** Pure: what to do. A mapping that leads to another bucket is replaced (2.7 cannot move one). */
export function planInfluxDbrp(a: PlanArgs, s: InfluxDbrpState): InfluxDbrpChange[] {
  const pair = `${a.database}/${a.retention_policy}`;
  const m = s.mapping;
  const deleteIt = (why: string): InfluxDbrpChange => ({
    action: 'delete',
    target: `DBRP ${pair}`,
    summary: `delete DBRP mapping ${pair} (to bucket ${m!.bucketID})${why}`,
    before: describe(a, m!.bucketID, m!.default),
    after: '',
    data: { id: m!.id },
  });
  if (a.state === 'absent') return m ? [deleteIt('')] : [];
  const create: InfluxDbrpChange = { action: 'create', target: `DBRP ${pair}`, summary: `map ${pair} to bucket ${a.bucket}${a.default ? ' (default)' : ''}`, before: '', after: describe(a, a.bucket, a.default) };
  if (!m) return [create];
  if (m.bucketID !== s.bucketID) return [deleteIt(`: it leads to another bucket than ${a.bucket}`), create];
  if (m.default !== a.default) {
    return [{ action: 'default', target: `DBRP ${pair}`, summary: `make ${pair} ${a.default ? 'the' : 'not the'} default of database ${a.database}`, before: `default: ${m.default}\n`, after: `default: ${a.default}\n`, data: { id: m.id } }];
  }
  return [];
}

export default defineModule({
  name: 'influxdb_dbrp',
  doc:
    "Keeps an InfluxDB OSS 2 (2.7) DBRP mapping (v1 database + retention policy → bucket) through the HTTP API (curl on the host, the token on curl's stdin). " +
    'GET /api/v2/dbrps finds the stored mapping of database and retention_policy (the read-only virtual mappings 2.7 derives from bucket names are ignored); ' +
    'a missing one is created (POST), one leading to another bucket is deleted and created again, a different default flag is PATCHed. absent deletes the stored mapping. ' +
    'Registers id, org_id and bucket_id. Changed when it created, changed or deleted a mapping.',
  example: `- name: v1 clients reach the bucket as database osm
  influxdb_dbrp:
    token: "{{ mqtt_secret.values.influxdb_operator_token }}"
    org: "{{ customer_name }}"
    bucket: osm
    database: osm
    retention_policy: autogen`,
  args,
  secretArgs: ['token'],
  async gather(host, a): Promise<InfluxDbrpState> {
    const org = await requireOrg(host, target(a), a.org);
    const bucket = a.state === 'present' ? await requireBucket(host, target(a), org, a.bucket) : await findBucket(host, target(a), org.id, a.bucket);
    const mapping = storedMapping(await listDbrps(host, target(a), org.id, a.database), a.database, a.retention_policy);
    return { orgID: org.id, bucketID: bucket?.id ?? null, mapping };
  },
  plan: (a, s) => planInfluxDbrp(a, s),
  async apply(host, a, changes, s) {
    let id: string | null = s.mapping?.id ?? null;
    for (const c of changes) {
      switch (c.action) {
        case 'create':
          id = (await createDbrp(host, target(a), { orgID: s.orgID, bucketID: s.bucketID!, database: a.database, retention_policy: a.retention_policy, default: a.default })).id;
          break;
        case 'default':
          await setDbrpDefault(host, target(a), s.orgID, c.data!.id, a.default);
          break;
        case 'delete':
          await deleteDbrp(host, target(a), s.orgID, c.data!.id);
          id = null;
          break;
        default:
          unknownChange(c);
      }
    }
    return { data: { id, org_id: s.orgID, bucket_id: s.bucketID } };
  },
  result: (_a, s) => ({ id: s.mapping?.id ?? null, org_id: s.orgID, bucket_id: s.bucketID }),
});
