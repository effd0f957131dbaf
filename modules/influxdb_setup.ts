// influxdb_setup: InfluxDB OSS 2.7's initial setup (onboarding) with an operator token we choose, so
// the token is known (and kept in the customer's credentials) without reading it back. An instance set
// up already is never set up again: the token must work there, or the task fails saying so. The bucket's
// retention is kept as asked. API: https://docs.influxdata.com/influxdb/v2/api/#tag/Setup
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { createBucket, DEFAULT_INFLUX_URL, findBucket, findOrg, getSetupAllowed, InfluxApiError, postSetup, setBucketRetention, type InfluxTarget } from './lib/influxdb/api.js';
import type { InfluxBucket, InfluxOrg } from './lib/influxdb/parse.js';
import { describeRetention, MIN_RETENTION_SECONDS } from './lib/influxdb/retention.js';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', default: DEFAULT_INFLUX_URL, description: 'Base URL of the InfluxDB API, as the host the task runs on reaches it.' }),
    username: Type.String({ minLength: 1, default: 'admin', description: 'The initial user (only used by the setup itself).' }),
    password: Type.String({
      minLength: 8,
      description: "The initial user's password (secret; InfluxDB wants at least 8 characters). Only used by the setup: a later change is not applied.",
    }),
    org: Type.String({ minLength: 1, description: 'The initial organization.' }),
    bucket: Type.String({ minLength: 1, pattern: '^[^_]', description: 'The initial bucket (names starting with _ are reserved by InfluxDB).' }),
    retention_seconds: Type.Integer({
      minimum: 0,
      default: 0,
      description: "The bucket's retention in seconds: 0 keeps data forever, otherwise at least 3600. Kept on later runs (PATCHed when it differs).",
    }),
    token: Type.String({
      minLength: 12,
      description: 'The operator token the setup creates (secret). On an instance set up already it must be a working token with access to org.',
    }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface InfluxSetupState {
  /** GET /api/v2/setup said the instance has no user, org or bucket yet. */
  allowed: boolean;
  org: InfluxOrg | null;
  bucket: InfluxBucket | null;
}

export type InfluxSetupChange = Change<'setup'> | Change<'create_bucket'> | Change<'retention'>;

const target = (a: Args): InfluxTarget => ({ url: a.url, token: a.token });

/**
 * The org the token reaches on an instance set up already. A refused token or a missing org mean
 * someone else set it up (or with another token): the instance is left alone and the task fails.
 */
async function gatherOrg(host: HostContext, a: Args): Promise<InfluxOrg> {
  let org: InfluxOrg | null;
  try {
    org = await findOrg(host, target(a), a.org);
  } catch (e) {
    if (e instanceof InfluxApiError && e.status === 401) {
      throw new ModuleError(`InfluxDB at ${a.url} was set up by someone else / the token does not match: it refuses the operator token (401); it is never set up again`);
    }
    throw e;
  }
  if (!org) throw new ModuleError(`InfluxDB at ${a.url} was set up by someone else: the token works but there is no organization '${a.org}'; it is never set up again`);
  return org;
}

function describeSetup(a: Args): string {
  return `user: ${a.username}\norg: ${a.org}\nbucket: ${a.bucket}\nretention: ${describeRetention(a.retention_seconds)}\noperator token: <given>\n`;
}

/** Pure: what to do. The password and token never appear, only that they are given. */
export function planInfluxSetup(a: Args, s: InfluxSetupState): InfluxSetupChange[] {
  const where = `InfluxDB at ${a.url}`;
  if (s.allowed) {
    return [{ action: 'setup', target: where, summary: `set up ${where}: user ${a.username}, organization ${a.org}, bucket ${a.bucket} (retention ${describeRetention(a.retention_seconds)}), the given operator token`, before: '', after: describeSetup(a) }];
  }
  if (!s.bucket) {
    return [{ action: 'create_bucket', target: `bucket ${a.bucket}`, summary: `create bucket ${a.bucket} in organization ${a.org} (retention ${describeRetention(a.retention_seconds)})`, before: '', after: `bucket: ${a.bucket}\nretention: ${describeRetention(a.retention_seconds)}\n` }];
  }
  if (s.bucket.retentionSeconds !== a.retention_seconds) {
    const from = describeRetention(s.bucket.retentionSeconds);
    const to = describeRetention(a.retention_seconds);
    return [{ action: 'retention', target: `bucket ${a.bucket}`, summary: `set the retention of bucket ${a.bucket} to ${to} (it is ${from})`, before: `retention: ${from}\n`, after: `retention: ${to}\n` }];
  }
  return [];
}

export default defineModule({
  name: 'influxdb_setup',
  doc:
    "Sets up InfluxDB OSS 2 (2.7) through its HTTP API, called with curl on the host (token and password on curl's stdin): " +
    'when GET /api/v2/setup says it is allowed, POST /api/v2/setup creates the user, organization, bucket (with its retention) and the ' +
    'operator token given as `token`. An instance set up already is never set up again: the token must reach the organization ' +
    '(GET /api/v2/orgs), otherwise the task fails saying it was set up by someone else or the token does not match. Then the bucket ' +
    'is created when missing and its retention PATCHed when it differs (with the shard group duration InfluxDB picks for that retention). ' +
    'The password is only used by the setup. Registers org_id and bucket_id (null in check mode before the setup). Changed when it set up, ' +
    'created the bucket or changed its retention.',
  example: `- name: InfluxDB is set up
  influxdb_setup:
    org: "{{ customer_name }}"
    bucket: osm
    retention_seconds: 0
    password: "{{ mqtt_secret.values.influxdb_admin_password }}"
    token: "{{ mqtt_secret.values.influxdb_operator_token }}"
  register: influx_setup`,
  args,
  secretArgs: ['password', 'token'],
  async gather(host, a): Promise<InfluxSetupState> {
    if (await getSetupAllowed(host, { url: a.url })) return { allowed: true, org: null, bucket: null };
    const org = await gatherOrg(host, a);
    return { allowed: false, org, bucket: await findBucket(host, target(a), org.id, a.bucket) };
  },
  plan(a, s) {
    if (a.retention_seconds !== 0 && a.retention_seconds < MIN_RETENTION_SECONDS) {
      throw new ModuleError(`influxdb_setup: retention_seconds ${a.retention_seconds} is under InfluxDB's minimum of ${MIN_RETENTION_SECONDS} (use 0 to keep data forever)`);
    }
    return planInfluxSetup(a, s);
  },
  async apply(host, a, changes, s) {
    let ids = { org_id: s.org?.id ?? null, bucket_id: s.bucket?.id ?? null };
    for (const c of changes) {
      switch (c.action) {
        case 'setup': {
          const made = await postSetup(host, { url: a.url }, {
            username: a.username,
            password: a.password,
            org: a.org,
            bucket: a.bucket,
            retentionPeriodSeconds: a.retention_seconds,
            token: a.token,
          });
          ids = { org_id: made.orgID, bucket_id: made.bucketID };
          break;
        }
        case 'create_bucket':
          ids.bucket_id = (await createBucket(host, target(a), s.org!.id, a.bucket, a.retention_seconds)).id;
          break;
        case 'retention':
          await setBucketRetention(host, target(a), s.bucket!.id, a.retention_seconds);
          break;
        default:
          unknownChange(c);
      }
    }
    return { data: ids };
  },
  result: (_a, s) => ({ org_id: s.org?.id ?? null, bucket_id: s.bucket?.id ?? null }),
});
