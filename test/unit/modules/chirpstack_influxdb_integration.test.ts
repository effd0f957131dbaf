// chirpstack_influxdb_integration against a fake ChirpStack 4.9 API (chirpstack-fake.ts, answers
// encoded from the 4.9 proto: fixtures/chirpstack/README.txt).
import { describe, expect, it } from 'vitest';
import integration, { planInfluxDbIntegration, settingsOf, type InfluxDbIntegrationState } from '../../../modules/chirpstack_influxdb_integration.js';
import { decodeGetInfluxDbIntegrationResponse, decodeInfluxDbIntegration } from '../../../modules/lib/chirpstack/messages.js';
import { CURL_STDIN_ARGV } from '../../../modules/lib/http/curl.js';
import { argsFor } from '../../helpers/module-args.js';
import { APP_ID, fakeChirpStack, fixture, influxIntegration, JWT, TENANT_ID } from './chirpstack-fake.js';

const ADMIN_PASSWORD = 'Admin-Secret_1';
const TOKEN = 'acme-write-token';
const args = argsFor(integration);
const a = args({ password: ADMIN_PASSWORD, organization: 'acme', bucket: 'osm', token: TOKEN });
const WRITE = 'http://127.0.0.1:8086/api/v2/write';
const READ_ONLY = ['InternalService.Login', 'TenantService.List', 'ApplicationService.List', 'ApplicationService.GetInfluxDbIntegration'];

type Fake = ReturnType<typeof fakeChirpStack>;

function fresh(): Fake {
  return fakeChirpStack({ adminPassword: ADMIN_PASSWORD });
}

/** A ChirpStack where the application exists with the integration of fixtures/chirpstack/influxdb-acme.json. */
function configured(over: Partial<{ token: string; organization: string; bucket: string; endpoint: string }> = {}): Fake {
  const reply = new Uint8Array(Buffer.from(fixture('influxdb-acme').message_hex ?? '', 'hex'));
  const stored = decodeGetInfluxDbIntegrationResponse(reply);
  if (stored === undefined) throw new Error('influxdb-acme.json holds no integration');
  const i = { ...stored, ...over };
  return fakeChirpStack({
    adminPassword: ADMIN_PASSWORD,
    applications: [{ id: APP_ID, name: 'osm', tenantId: TENANT_ID }],
    integrations: new Map([[APP_ID, influxIntegration(i)]]),
  });
}

async function run(fake: Fake, check = false, given = a) {
  const state = await integration.gather(fake.host, given);
  const changes = integration.plan(given, state);
  const outcome = !check && changes.length > 0 ? await integration.apply(fake.host, given, changes, state) : undefined;
  return { state, changes, outcome };
}

describe('chirpstack_influxdb_integration args', () => {
  it('defaults: local API, admin, the tenant ChirpStack creates, application osm, local InfluxDB 2; secrets listed', () => {
    expect(a).toEqual({ url: 'http://127.0.0.1:8080', email: 'admin', password: ADMIN_PASSWORD, tenant: 'ChirpStack', application: 'osm', endpoint: WRITE, organization: 'acme', bucket: 'osm', token: TOKEN, version: 'INFLUXDB_2' });
    expect(integration.secretArgs).toEqual(['password', 'token']);
    expect(() => args({ password: 'x', organization: 'o', bucket: 'b', token: 't', version: 'INFLUXDB_1' as never })).toThrow();
  });
});

describe('planInfluxDbIntegration', () => {
  const have = (over: Partial<NonNullable<InfluxDbIntegrationState['integration']>> = {}): InfluxDbIntegrationState => ({
    tenantId: TENANT_ID,
    applicationId: APP_ID,
    integration: { endpoint: WRITE, version: 'INFLUXDB_2', organization: 'acme', bucket: 'osm', tokenMatches: true, ...over },
  });
  it.each([
    ['all as wanted', have(), []],
    ['no application', { tenantId: TENANT_ID, applicationId: undefined, integration: undefined }, ['create_application', 'create']],
    ['no integration', { tenantId: TENANT_ID, applicationId: APP_ID, integration: undefined }, ['create']],
    ['another token', have({ tokenMatches: false }), ['update']],
    ['another bucket', have({ bucket: 'old' }), ['update']],
    ['another organization', have({ organization: 'x' }), ['update']],
    ['another endpoint', have({ endpoint: 'http://10.0.0.1:8086/api/v2/write' }), ['update']],
    ['InfluxDB 1 settings', have({ version: 'INFLUXDB_1' }), ['update']],
  ])('%s', (_n, state, want) => expect(planInfluxDbIntegration(a, state).map((c) => c.action)).toEqual(want));

  it('shows settings and whether the token matches, never the token', () => {
    const [c] = planInfluxDbIntegration(a, have({ tokenMatches: false, bucket: 'old' }));
    expect(c).toEqual({
      action: 'update',
      target: 'ChirpStack application ChirpStack/osm',
      summary: "update osm's InfluxDB integration (bucket, token)",
      before: `endpoint: ${WRITE}\nversion: INFLUXDB_2\norganization: acme\nbucket: old\ntoken: <token differs>\n`,
      after: `endpoint: ${WRITE}\nversion: INFLUXDB_2\norganization: acme\nbucket: osm\ntoken: <token set>\n`,
    });
    const all = [have({ tokenMatches: false }), have(), { tenantId: TENANT_ID, applicationId: undefined, integration: undefined }].flatMap((s) => planInfluxDbIntegration(a, s));
    expect(JSON.stringify(all)).not.toContain(TOKEN);
  });

  it('settingsOf keeps only whether the token matches', () => {
    const s = settingsOf({ applicationId: APP_ID, endpoint: WRITE, version: 1, token: TOKEN, organization: 'acme', bucket: 'osm' }, TOKEN);
    expect(s).toEqual({ endpoint: WRITE, version: 'INFLUXDB_2', organization: 'acme', bucket: 'osm', tokenMatches: true });
    expect(settingsOf({ applicationId: APP_ID, endpoint: WRITE, version: 1, token: 'other', organization: 'acme', bucket: 'osm' }, TOKEN).tokenMatches).toBe(false);
  });
});

describe('chirpstack_influxdb_integration on a fresh ChirpStack', () => {
  it('creates the application in the tenant ChirpStack and the integration with the given settings', async () => {
    const fake = fresh();
    const { state, changes, outcome } = await run(fake);
    expect(state).toEqual({ tenantId: TENANT_ID, applicationId: undefined, integration: undefined });
    expect(changes.map((c) => c.action)).toEqual(['create_application', 'create']);
    expect(outcome).toEqual({ data: { tenant_id: TENANT_ID, application_id: APP_ID } });
    expect(fake.state.applications).toEqual([{ id: APP_ID, name: 'osm', tenantId: TENANT_ID }]);
    expect(decodeInfluxDbIntegration(fake.state.integrations.get(APP_ID) ?? new Uint8Array())).toEqual({ applicationId: APP_ID, endpoint: WRITE, version: 1, token: TOKEN, organization: 'acme', bucket: 'osm' });
    expect(fake.calls.map((c) => c.rpc)).toEqual([...READ_ONLY.slice(0, 3), 'InternalService.Login', 'ApplicationService.Create', 'ApplicationService.CreateInfluxDbIntegration']);
    for (const c of fake.calls.filter((x) => x.rpc !== 'InternalService.Login')) expect(c.authorization).toBe(`Bearer ${JWT}`);
  });

  it('is idempotent: the second run reads the same settings and plans nothing', async () => {
    const fake = fresh();
    await run(fake);
    const again = await run(fake);
    expect(again.state.integration).toEqual({ endpoint: WRITE, version: 'INFLUXDB_2', organization: 'acme', bucket: 'osm', tokenMatches: true });
    expect(again.changes).toEqual([]);
    expect(again.outcome).toBeUndefined();
  });

  it('check mode: only read-only calls, nothing created', async () => {
    const fake = fresh();
    const { changes } = await run(fake, true);
    expect(changes).toHaveLength(2);
    expect(fake.state.applications).toEqual([]);
    expect(new Set(fake.calls.map((c) => c.rpc))).toEqual(new Set(READ_ONLY.slice(0, 3)));
  });

  it('secrets travel on curl stdin only', async () => {
    const fake = fresh();
    await run(fake);
    for (const c of fake.calls) expect(c.argv).toEqual(CURL_STDIN_ARGV);
  });
});

describe('chirpstack_influxdb_integration with an integration in place (influxdb-acme.json)', () => {
  it('nothing to do when it matches', async () => {
    const fake = configured();
    const { changes } = await run(fake);
    expect(changes).toEqual([]);
    expect(fake.calls.map((c) => c.rpc)).toEqual(READ_ONLY);
  });

  it('updates a rotated token and a moved bucket, then is quiet', async () => {
    const fake = configured({ token: 'old-token', bucket: 'old' });
    const { changes } = await run(fake);
    expect(changes.map((c) => c.summary)).toEqual(["update osm's InfluxDB integration (bucket, token)"]);
    expect(fake.calls.at(-1)?.rpc).toBe('ApplicationService.UpdateInfluxDbIntegration');
    expect(decodeInfluxDbIntegration(fake.state.integrations.get(APP_ID) ?? new Uint8Array())).toMatchObject({ token: TOKEN, bucket: 'osm' });
    expect((await run(fake)).changes).toEqual([]);
  });

  it('creates only the integration when the application exists without one', async () => {
    const fake = fakeChirpStack({ adminPassword: ADMIN_PASSWORD, applications: [{ id: APP_ID, name: 'osm', tenantId: TENANT_ID }] });
    const { changes } = await run(fake);
    expect(changes.map((c) => c.action)).toEqual(['create']);
    expect(fake.calls.map((c) => c.rpc).slice(-1)).toEqual(['ApplicationService.CreateInfluxDbIntegration']);
  });
});

describe('chirpstack_influxdb_integration failures', () => {
  it('a missing tenant is named', async () => {
    const fake = fakeChirpStack({ adminPassword: ADMIN_PASSWORD, tenants: [] });
    await expect(integration.gather(fake.host, a)).rejects.toThrow("ChirpStack at http://127.0.0.1:8080 has no tenant named 'ChirpStack'");
  });

  it('two applications of the name are refused, not guessed between', async () => {
    const fake = fakeChirpStack({ adminPassword: ADMIN_PASSWORD, applications: [{ id: APP_ID, name: 'osm', tenantId: TENANT_ID }, { id: 'b2', name: 'osm', tenantId: TENANT_ID }] });
    await expect(integration.gather(fake.host, a)).rejects.toThrow(`ChirpStack has 2 applications named 'osm' (${APP_ID}, b2); keep one`);
  });

  it('an application whose name only contains the wanted one is not it', async () => {
    const fake = fakeChirpStack({ adminPassword: ADMIN_PASSWORD, applications: [{ id: 'b2', name: 'osm-old', tenantId: TENANT_ID }] });
    expect((await integration.gather(fake.host, a)).applicationId).toBeUndefined();
  });

  it('a wrong admin password: UNAUTHENTICATED, without the password or the token', async () => {
    const fake = fakeChirpStack({ adminPassword: 'other' });
    const err = await integration.gather(fake.host, a).catch((e: Error) => e);
    expect((err as Error).message).toBe('ChirpStack InternalService.Login failed: UNAUTHENTICATED (16): Invalid username or password');
  });

  it('ChirpStack down', async () => {
    const fake = fakeChirpStack({ down: true });
    await expect(integration.gather(fake.host, a)).rejects.toThrow(/Failed to connect/);
  });

  it('a reply that is not gRPC-web (a proxy error page)', async () => {
    const fake = fakeChirpStack({ override: { status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>502 Bad Gateway</h1>' } });
    await expect(integration.gather(fake.host, a)).rejects.toThrow(/answered HTTP 502 \(text\/html\), not a gRPC-web reply/);
  });
});
