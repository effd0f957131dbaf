// chirpstack_influxdb_integration: an application in a ChirpStack v4 tenant whose device events
// ChirpStack writes to InfluxDB 2 (its InfluxDb integration), kept through ChirpStack's own API over
// gRPC-web from the container. The InfluxDB token is compared in gather; plans and diffs only say
// whether it matches.
// API: api/proto/api/{internal,tenant,application}.proto of chirpstack/chirpstack v4.9.0;
// integration docs: https://www.chirpstack.io/docs/chirpstack/integrations/influxdb.html
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { createApplication, findApplication, findTenant, getInfluxDbIntegration, login, putInfluxDbIntegration, type ChirpStackSession } from './lib/chirpstack/api.js';
import { GRPC_NOT_FOUND, GrpcError } from './lib/chirpstack/grpc-web.js';
import { INFLUXDB_VERSIONS, influxDbVersionName, type InfluxDbIntegration } from './lib/chirpstack/messages.js';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8080', description: "ChirpStack's API (gRPC-web) base URL, as seen from the target host." }),
    email: Type.String({ minLength: 1, default: 'admin', description: 'ChirpStack user to log in as (a global admin, or an admin of the tenant).' }),
    password: Type.String({ minLength: 1, description: "That user's password (secret)." }),
    tenant: Type.String({ minLength: 1, default: 'ChirpStack', description: 'Tenant (by name) that holds the application; ChirpStack v4 creates the tenant ChirpStack on its first start.' }),
    application: Type.String({ minLength: 1, maxLength: 100, default: 'osm', description: 'Application (by name) whose events go to InfluxDB; created in the tenant when missing.' }),
    endpoint: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8086/api/v2/write', description: "InfluxDB 2's write API URL, as seen from ChirpStack." }),
    organization: Type.String({ minLength: 1, description: 'InfluxDB organization (name) of the bucket.' }),
    bucket: Type.String({ minLength: 1, description: 'InfluxDB bucket the measurements go to.' }),
    token: Type.String({ minLength: 1, description: 'InfluxDB API token allowed to write to the bucket (secret: compared, never shown).' }),
    version: Type.Union([Type.Literal('INFLUXDB_2')], { default: 'INFLUXDB_2', description: 'InfluxDB API version; only INFLUXDB_2 (token, organization, bucket) is managed.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

/** The integration as ChirpStack holds it, the token reduced to whether it is the given one. */
export interface IntegrationSettings {
  endpoint: string;
  version: string;
  organization: string;
  bucket: string;
  tokenMatches: boolean;
}

export interface InfluxDbIntegrationState {
  tenantId: string;
  /** Undefined when the application does not exist yet. */
  applicationId: string | undefined;
  integration: IntegrationSettings | undefined;
}

export type InfluxDbIntegrationChange = Change<'create_application'> | Change<'create'> | Change<'update'>;

/** What gather keeps of ChirpStack's integration: the token only as matches / differs. */
export function settingsOf(i: InfluxDbIntegration, token: string): IntegrationSettings {
  return { endpoint: i.endpoint, version: influxDbVersionName(i.version), organization: i.organization, bucket: i.bucket, tokenMatches: i.token === token };
}

function describeSettings(s: Omit<IntegrationSettings, 'tokenMatches'>, token: string): string {
  return `endpoint: ${s.endpoint}\nversion: ${s.version}\norganization: ${s.organization}\nbucket: ${s.bucket}\ntoken: ${token}\n`;
}

const WANTED_TOKEN = '<token set>';

/** Pure: create the application and/or the integration, or update the integration where it differs. */
export function planInfluxDbIntegration(a: Pick<Args, 'tenant' | 'application' | 'endpoint' | 'organization' | 'bucket' | 'version'>, s: InfluxDbIntegrationState): InfluxDbIntegrationChange[] {
  const target = `ChirpStack application ${a.tenant}/${a.application}`;
  const wanted = describeSettings(a, WANTED_TOKEN);
  const out: InfluxDbIntegrationChange[] = [];
  if (s.applicationId === undefined) {
    out.push({ action: 'create_application', target, summary: `create ChirpStack application ${a.application} in tenant ${a.tenant}`, before: '', after: `application: ${a.application}\n` });
  }
  if (s.integration === undefined) {
    out.push({ action: 'create', target, summary: `send ${a.application}'s events to InfluxDB ${a.organization}/${a.bucket}`, before: '', after: wanted });
    return out;
  }
  const i = s.integration;
  const differs = i.endpoint !== a.endpoint || i.version !== a.version || i.organization !== a.organization || i.bucket !== a.bucket || !i.tokenMatches;
  if (differs) {
    const what = [
      i.endpoint !== a.endpoint && 'endpoint',
      i.version !== a.version && 'version',
      i.organization !== a.organization && 'organization',
      i.bucket !== a.bucket && 'bucket',
      !i.tokenMatches && 'token',
    ].filter(Boolean);
    out.push({ action: 'update', target, summary: `update ${a.application}'s InfluxDB integration (${what.join(', ')})`, before: describeSettings(i, i.tokenMatches ? WANTED_TOKEN : '<token differs>'), after: wanted });
  }
  return out;
}

async function session(host: HostContext, a: Args): Promise<ChirpStackSession> {
  return { host, baseUrl: a.url, token: await login(host, a.url, a.email, a.password) };
}

/** The integration, or undefined when ChirpStack has none for the application (NOT_FOUND). */
async function integrationOf(s: ChirpStackSession, applicationId: string): Promise<InfluxDbIntegration | undefined> {
  try {
    return await getInfluxDbIntegration(s, applicationId);
  } catch (e) {
    if (e instanceof GrpcError && e.code === GRPC_NOT_FOUND) return undefined;
    throw e;
  }
}

function integrationFor(a: Args, applicationId: string): InfluxDbIntegration {
  return { applicationId, endpoint: a.endpoint, version: INFLUXDB_VERSIONS[a.version], token: a.token, organization: a.organization, bucket: a.bucket };
}

export default defineModule({
  name: 'chirpstack_influxdb_integration',
  doc:
    "Keeps a ChirpStack v4 application's InfluxDB 2 integration (endpoint, organization, bucket, token), creating the " +
    'application in the tenant when it is missing. Talks to the API with gRPC-web (application/grpc-web-text) through curl ' +
    'on the target, credentials and token in its config on stdin. Gather logs in, finds the tenant and the application by ' +
    'exact name (TenantService.List, ApplicationService.List) and reads the integration (GetInfluxDbIntegration; ' +
    'NOT_FOUND means none); only read-only calls. The token is compared in node: plans and diffs say whether it matches, ' +
    'never what it is. Apply creates the application (ApplicationService.Create) and the integration, or updates it ' +
    '(Create/UpdateInfluxDbIntegration). Fails when the tenant does not exist, or when two tenants or applications share the name.',
  example: `- name: ChirpStack writes device events to InfluxDB
  chirpstack_influxdb_integration:
    password: "{{ mqtt_secret.values.chirpstack_admin_password }}"
    organization: "{{ customer_name }}"
    bucket: osm
    token: "{{ mqtt_secret.values.influxdb_chirpstack_token }}"`,
  args,
  secretArgs: ['password', 'token'],
  async gather(host, a): Promise<InfluxDbIntegrationState> {
    const s = await session(host, a);
    const tenant = await findTenant(s, a.tenant);
    if (tenant === undefined) throw new ModuleError(`chirpstack_influxdb_integration: ChirpStack at ${a.url} has no tenant named '${a.tenant}'`);
    const app = await findApplication(s, tenant.id, a.application);
    if (app === undefined) return { tenantId: tenant.id, applicationId: undefined, integration: undefined };
    const i = await integrationOf(s, app.id);
    return { tenantId: tenant.id, applicationId: app.id, integration: i === undefined ? undefined : settingsOf(i, a.token) };
  },
  plan: planInfluxDbIntegration,
  async apply(host, a, changes, state) {
    const s = await session(host, a);
    let applicationId = state.applicationId;
    for (const c of changes) {
      switch (c.action) {
        case 'create_application':
          applicationId = await createApplication(s, state.tenantId, a.application, 'Devices of this OSM customer (managed by osm-play)');
          break;
        case 'create':
        case 'update':
          if (applicationId === undefined) throw new ModuleError('chirpstack_influxdb_integration: no application to attach the integration to');
          await putInfluxDbIntegration(s, c.action === 'create' ? 'Create' : 'Update', integrationFor(a, applicationId));
          break;
        default:
          unknownChange(c);
      }
    }
    return { data: { tenant_id: state.tenantId, application_id: applicationId ?? '' } };
  },
  result(_a, state) {
    return { tenant_id: state.tenantId, application_id: state.applicationId ?? '' };
  },
});
