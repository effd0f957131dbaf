// influxdb_token: an InfluxDB OSS 2.7 authorization (API token) of an organization, found by its
// description, with bucket permissions. An authorization with the same permissions is kept and its
// token never rotated, so the services configured with it keep working; different permissions mean a
// new authorization (InfluxDB cannot change an authorization's permissions), hence a new token.
// API: https://docs.influxdata.com/influxdb/v2/api/#tag/Authorizations-(API-tokens)
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import {
  activateAuthorization,
  createAuthorization,
  DEFAULT_INFLUX_URL,
  deleteAuthorization,
  listAuthorizations,
  requireBucket,
  requireOrg,
  type InfluxTarget,
} from './lib/influxdb/api.js';
import type { InfluxAuthorization, InfluxPermission } from './lib/influxdb/parse.js';
import { bucketPermission, describePermissions, samePermissions } from './lib/influxdb/permissions.js';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', default: DEFAULT_INFLUX_URL, description: 'Base URL of the InfluxDB API, as the host the task runs on reaches it.' }),
    token: Type.String({ minLength: 1, description: 'A token allowed to manage authorizations (the operator token; secret).' }),
    org: Type.String({ minLength: 1, description: 'Organization of the authorization (and of the buckets).' }),
    description: Type.String({ minLength: 1, description: "The authorization's description: how it is found again. Keep it unique in the organization." }),
    permissions: Type.Array(
      Type.Object(
        {
          action: Type.Union([Type.Literal('read'), Type.Literal('write')], { description: 'read or write.' }),
          bucket: Type.String({ minLength: 1, description: 'Name of a bucket of org (must exist).' }),
        },
        { additionalProperties: false },
      ),
      { default: [], description: 'What the token may do: {action, bucket} items. Needed (at least one) with state present.' },
    ),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: one active authorization with exactly these permissions; absent: none with this description.',
    }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface InfluxTokenState {
  orgID: string;
  /** The permissions asked for, bucket names resolved to IDs (empty for absent). */
  wanted: InfluxPermission[];
  /** Bucket ID → the name the task gave, for plans. */
  bucketNames: Record<string, string>;
  /** The org's authorizations with this description. */
  found: InfluxAuthorization[];
}

export type InfluxTokenChange = Change<'create'> | Change<'delete', { id: string }> | Change<'activate', { id: string }>;

const target = (a: Args): InfluxTarget => ({ url: a.url, token: a.token });

/** The authorization kept: the first with the permissions asked for, an active one first. */
export function keptAuthorization(s: InfluxTokenState): InfluxAuthorization | undefined {
  const same = s.found.filter((f) => samePermissions(f.permissions, s.wanted));
  return same.find((f) => f.status === 'active') ?? same[0];
}

function deleteChange(description: string, s: InfluxTokenState, f: InfluxAuthorization, why: string): InfluxTokenChange {
  return {
    action: 'delete',
    target: `authorization ${f.id}`,
    summary: `delete authorization ${f.id} '${description}'${why}`,
    before: `description: ${description}\npermissions: ${describePermissions(f.permissions, s.bucketNames)}\nstatus: ${f.status}\n`,
    after: '',
    data: { id: f.id },
  };
}

/** Pure: what to do. Tokens never appear, only authorization IDs and permissions. */
export function planInfluxToken(a: Pick<Args, 'description' | 'state'>, s: InfluxTokenState): InfluxTokenChange[] {
  if (a.state === 'absent') return s.found.map((f) => deleteChange(a.description, s, f, ''));
  const kept = keptAuthorization(s);
  const wanted = describePermissions(s.wanted, s.bucketNames);
  const out: InfluxTokenChange[] = [];
  if (!kept) {
    const replacing = s.found.length > 0 ? `, replacing ${s.found.map((f) => f.id).join(', ')} whose permissions differ (a new token)` : '';
    out.push({
      action: 'create',
      target: `authorization '${a.description}'`,
      summary: `create authorization '${a.description}' (${wanted})${replacing}`,
      before: '',
      after: `description: ${a.description}\npermissions: ${wanted}\nstatus: active\n`,
    });
  } else if (kept.status !== 'active') {
    out.push({ action: 'activate', target: `authorization ${kept.id}`, summary: `activate authorization ${kept.id} '${a.description}' (it is inactive)`, before: 'status: inactive\n', after: 'status: active\n', data: { id: kept.id } });
  }
  for (const f of s.found) {
    if (f === kept) continue;
    out.push(deleteChange(a.description, s, f, kept ? ': another one with this description has these permissions' : `: its permissions differ (${describePermissions(f.permissions, s.bucketNames)})`));
  }
  return out;
}

export default defineModule({
  name: 'influxdb_token',
  doc:
    "Keeps an InfluxDB OSS 2 (2.7) authorization (API token) of an organization, found by its description, through the HTTP API (curl on the host, the operator token on curl's stdin). " +
    'permissions name buckets (resolved to IDs; a missing bucket fails the task). An authorization with this description and the same permissions is kept, its token never rotated; ' +
    'an inactive one is activated. When the permissions differ a new authorization is created and the old one deleted (InfluxDB cannot change permissions): the plan says so, and the token changes. ' +
    'Other authorizations with the description are deleted. absent deletes every one with the description. Registers id and token (the token value, which OSS 2.7 returns; ' +
    'redacted in every output; null in check mode before it exists). Changed when it created, activated or deleted one.',
  example: `- name: ChirpStack's InfluxDB token
  influxdb_token:
    token: "{{ mqtt_secret.values.influxdb_operator_token }}"
    org: "{{ customer_name }}"
    description: chirpstack
    permissions: [{ action: write, bucket: osm }]
  register: influx_chirpstack_token
  no_log: true`,
  args,
  secretArgs: ['token'],
  secretResults: ['token'],
  async gather(host, a): Promise<InfluxTokenState> {
    const org = await requireOrg(host, target(a), a.org);
    const wanted: InfluxPermission[] = [];
    const bucketNames: Record<string, string> = {};
    const ids = new Map<string, string>();
    for (const g of a.state === 'present' ? a.permissions : []) {
      if (!ids.has(g.bucket)) ids.set(g.bucket, (await requireBucket(host, target(a), org, g.bucket)).id);
      const id = ids.get(g.bucket)!;
      bucketNames[id] = g.bucket;
      wanted.push(bucketPermission(g, id, org.id));
    }
    const found = (await listAuthorizations(host, target(a), org.id)).filter((f) => f.description === a.description && f.orgID === org.id);
    return { orgID: org.id, wanted, bucketNames, found };
  },
  plan(a, s) {
    if (a.state === 'present' && a.permissions.length === 0) throw new ModuleError('influxdb_token: permissions must name at least one {action, bucket} with state present');
    return planInfluxToken(a, s);
  },
  async apply(host, a, changes, s) {
    let kept = a.state === 'present' ? keptAuthorization(s) : undefined;
    for (const c of changes) {
      switch (c.action) {
        case 'create':
          kept = await createAuthorization(host, target(a), { orgID: s.orgID, description: a.description, permissions: s.wanted });
          break;
        case 'activate':
          await activateAuthorization(host, target(a), c.data!.id);
          break;
        case 'delete':
          await deleteAuthorization(host, target(a), c.data!.id);
          break;
        default:
          unknownChange(c);
      }
    }
    return { data: { id: kept?.id ?? null, token: kept?.token ?? null } };
  },
  result(a, s) {
    const kept = a.state === 'present' ? keptAuthorization(s) : undefined;
    return { id: kept?.id ?? null, token: kept?.token ?? null, description: a.description };
  },
});
