// The fake InfluxDB the influxdb_* tests run against answers in the shape of the 2.7 fixtures: same
// keys and value types, object by object, and the very fixtures for the DBRP listings. A change to the
// fake that drifts from 2.7's answers fails here rather than silently weakening the module tests.
import { describe, expect, it } from 'vitest';
import { fakeInflux, fixture, freshState, OPERATOR_TOKEN, parseCurlStdin, setUpState, type FakeInflux } from './influxdb-fake.js';
import { callApi } from '../../../modules/lib/http/api.js';

/** Keys and value types, recursively (arrays by their first element). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return typeof v;
}

async function get(f: FakeInflux, path: string, token = OPERATOR_TOKEN): Promise<{ status: number; json: unknown }> {
  return callApi(f.host, { method: 'GET', url: `http://127.0.0.1:8086${path}`, headers: { Authorization: `Token ${token}` } });
}

describe('influxdb-fake', () => {
  it('reads back what curlConfig writes: URL, method, headers, body, marker', () => {
    const c = parseCurlStdin('url = "http://h/x?a=1"\nrequest = "POST"\nwrite-out = "\\n--m--\\n%{http_code}"\nheader = "Authorization: Token a\\"b"\ndata-binary = "{\\"k\\":\\"v\\\\n\\"}"\n');
    expect(c).toEqual({ url: 'http://h/x?a=1', method: 'POST', headers: { authorization: 'Token a"b' }, data: '{"k":"v\\n"}', marker: '--m--' });
  });

  it('answers setup, orgs, buckets and authorizations in the shape of the fixtures', async () => {
    const fresh = fakeInflux(freshState());
    expect((await get(fresh, '/api/v2/setup')).json).toEqual(fixture('setup-allowed.json'));
    const made = await callApi(fresh.host, { method: 'POST', url: 'http://127.0.0.1:8086/api/v2/setup', json: { username: 'admin', password: 'p4ssword', org: 'acme', bucket: 'osm', retentionPeriodSeconds: 0, token: OPERATOR_TOKEN } });
    expect(made.status).toBe(201);
    expect(shape(made.json)).toEqual(shape(fixture('setup-created.json')));

    const f = fakeInflux(setUpState());
    expect((await get(f, '/api/v2/setup')).json).toEqual(fixture('setup-done.json'));
    expect(shape((await get(f, '/api/v2/orgs?org=acme')).json)).toEqual(shape(fixture('orgs.json')));
    expect(shape((await get(f, '/api/v2/buckets?orgID=1a2b3c4d5e6f7081&name=osm')).json)).toEqual(shape(fixture('buckets.json')));
    f.state.auths.push({ id: '4d5e6f7081920314', token: 't', status: 'active', description: 'chirpstack', orgID: '1a2b3c4d5e6f7081', permissions: [{ action: 'write', resource: { type: 'buckets', id: '2b3c4d5e6f708192', orgID: '1a2b3c4d5e6f7081' } }] });
    const auths = (await get(f, '/api/v2/authorizations?orgID=1a2b3c4d5e6f7081')).json as { authorizations: unknown[] };
    const want = fixture('authorizations.json') as { authorizations: unknown[] };
    expect(shape(auths.authorizations[1])).toEqual(shape(want.authorizations[1]));
    expect(shape({ ...(auths as object), authorizations: [] })).toEqual(shape({ ...(want as object), authorizations: [] }));
  });

  it('lists DBRP mappings exactly as the fixtures: the virtual one, then a stored one before it', async () => {
    const f = fakeInflux(setUpState());
    expect((await get(f, '/api/v2/dbrps?orgID=1a2b3c4d5e6f7081&db=osm')).json).toEqual(fixture('dbrps-virtual.json'));
    f.state.dbrps.push({ id: '7081920314253647', database: 'osm', retention_policy: 'autogen', default: true, orgID: '1a2b3c4d5e6f7081', bucketID: '2b3c4d5e6f708192' });
    expect((await get(f, '/api/v2/dbrps?orgID=1a2b3c4d5e6f7081&db=osm')).json).toEqual(fixture('dbrps-stored.json'));
  });

  it('answers errors with the fixtures: a refused token, a missing org or bucket', async () => {
    const f = fakeInflux(setUpState());
    expect(await get(f, '/api/v2/orgs?org=acme', 'nope')).toMatchObject({ status: 401, json: fixture('unauthorized.json') });
    expect(await get(f, '/api/v2/orgs?org=acme2')).toMatchObject({ status: 404, json: { code: 'not found', message: 'organization name "acme2" not found' } });
    expect((fixture('org-not-found.json') as { code: string }).code).toBe('not found');
    expect(await get(f, '/api/v2/buckets?orgID=1a2b3c4d5e6f7081&name=osm2')).toMatchObject({ status: 404, json: { ...(fixture('bucket-not-found.json') as object), message: 'bucket "osm2" not found' } });
  });
});
