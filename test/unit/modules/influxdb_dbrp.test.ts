// influxdb_dbrp against a fake InfluxDB 2.7 (influxdb-fake.ts): only stored mappings count (2.7 also
// lists read-only virtual ones per bucket), a missing one is created, a wrong default PATCHed (with the
// org as 2.7 wants it), one leading elsewhere replaced; check mode sends nothing.
import { describe, expect, it } from 'vitest';
import influxdbDbrp, { planInfluxDbrp, storedMapping, type InfluxDbrpState } from '../../../modules/influxdb_dbrp.js';
import { parseDbrp, parseDbrps } from '../../../modules/lib/influxdb/parse.js';
import { runModule } from '../../../runner/execute/run-module.js';
import { argsFor } from '../../helpers/module-args.js';
import { fakeInflux, fixture, OPERATOR_TOKEN, setUpState, writes, type FakeDbrp, type FakeInflux, type FakeState } from './influxdb-fake.js';

const ORG = '1a2b3c4d5e6f7081';
const BUCKET = '2b3c4d5e6f708192';
const given = { token: OPERATOR_TOKEN, org: 'acme', bucket: 'osm', database: 'osm' };
const args = argsFor(influxdbDbrp);

function withDbrps(...dbrps: FakeDbrp[]): FakeState {
  const s = setUpState();
  s.dbrps.push(...dbrps);
  return s;
}
const stored = (over: Partial<FakeDbrp> = {}): FakeDbrp => ({ id: '7081920314253647', database: 'osm', retention_policy: 'autogen', default: true, orgID: ORG, bucketID: BUCKET, ...over });

async function run(f: FakeInflux, over: Record<string, unknown> = {}, check = false) {
  return runModule(influxdbDbrp, f.host, { ...given, ...over }, { check, diff: true });
}

describe('influxdb_dbrp args', () => {
  it('defaults to autogen, default true, present; the token is secret', () => {
    expect(args(given)).toMatchObject({ retention_policy: 'autogen', default: true, state: 'present', url: 'http://127.0.0.1:8086' });
    expect(influxdbDbrp.secretArgs).toEqual(['token']);
  });

  it.each([['os m'], ['osm/x'], ['']])('refuses the database name %j, as InfluxDB would', (database) => {
    expect(() => args({ ...given, database })).toThrow();
  });
});

describe('DBRP mappings of 2.7 (fixtures)', () => {
  it('tells stored mappings from the virtual one of each bucket', () => {
    const before = parseDbrps(fixture('dbrps-virtual.json'));
    expect(before).toEqual([{ id: BUCKET, database: 'osm', retention_policy: 'autogen', default: true, orgID: ORG, bucketID: BUCKET, virtual: true }]);
    expect(storedMapping(before, 'osm', 'autogen')).toBeNull();
    const after = parseDbrps(fixture('dbrps-stored.json'));
    expect(storedMapping(after, 'osm', 'autogen')).toEqual({ ...parseDbrp(fixture('dbrp-created.json'), 'POST'), virtual: false });
    expect(storedMapping(after, 'osm', 'other')).toBeNull();
  });

  it('names an answer it does not understand', () => {
    expect(() => parseDbrps({ dbrps: [] })).toThrow('InfluxDB gave an unexpected answer to GET /api/v2/dbrps: content is not a list');
    expect(() => parseDbrps({ content: [{ id: 'x', database: 'osm' }] })).toThrow('GET /api/v2/dbrps: no retention_policy');
  });
});

describe('influxdb_dbrp', () => {
  it('check mode plans the mapping (the virtual one does not count) and sends nothing', async () => {
    const f = fakeInflux();
    const r = await run(f, {}, true);
    expect(r).toMatchObject({ status: 'changed', pending: true });
    expect(r.changes.map((c) => c.summary)).toEqual(['map osm/autogen to bucket osm (default)']);
    expect(writes(f)).toEqual([]);
    const list = f.requests.find((q) => q.path === '/api/v2/dbrps');
    expect([list?.query.get('orgID'), list?.query.get('db')]).toEqual([ORG, 'osm']);
  });

  it('creates it with the bucket and org IDs; the next run changes nothing', async () => {
    const f = fakeInflux();
    const r = await run(f);
    expect(r.status).toBe('changed');
    expect(writes(f).map((q) => [q.method, q.path, q.body])).toEqual([['POST', '/api/v2/dbrps', { orgID: ORG, bucketID: BUCKET, database: 'osm', retention_policy: 'autogen', default: true }]]);
    expect(r.data).toEqual({ id: f.state.dbrps[0]!.id, org_id: ORG, bucket_id: BUCKET });
    expect(await run(f)).toMatchObject({ status: 'ok', changes: [], data: r.data });
    expect(writes(f)).toHaveLength(1);
  });

  it('is ok with the stored mapping of the fixture', async () => {
    const f = fakeInflux(withDbrps(stored()));
    expect(await run(f)).toMatchObject({ status: 'ok', data: { id: '7081920314253647' } });
  });

  it('makes it the default with a PATCH naming the org, as 2.7 requires', async () => {
    const f = fakeInflux(withDbrps(stored({ default: false })));
    const r = await run(f);
    expect(r.changes.map((c) => [c.summary, c.before, c.after])).toEqual([['make osm/autogen the default of database osm', 'default: false\n', 'default: true\n']]);
    const [patch] = writes(f);
    expect([patch?.method, patch?.path, patch?.query.get('orgID'), patch?.body]).toEqual(['PATCH', '/api/v2/dbrps/7081920314253647', ORG, { default: true }]);
    expect(await run(f)).toMatchObject({ status: 'ok', changes: [] });
  });

  it('replaces a mapping that leads to another bucket', async () => {
    const f = fakeInflux(withDbrps(stored({ bucketID: '0f0e0d0c0b0a0908' })));
    const r = await run(f);
    expect(r.changes.map((c) => c.action)).toEqual(['delete', 'create']);
    expect(r.changes[0]?.summary).toBe('delete DBRP mapping osm/autogen (to bucket 0f0e0d0c0b0a0908): it leads to another bucket than osm');
    expect(writes(f).map((q) => `${q.method} ${q.path}${q.method === 'DELETE' ? `?orgID=${q.query.get('orgID')}` : ''}`)).toEqual(['DELETE /api/v2/dbrps/7081920314253647?orgID=1a2b3c4d5e6f7081', 'POST /api/v2/dbrps']);
    expect(f.state.dbrps.map((d) => d.bucketID)).toEqual([BUCKET]);
    expect(await run(f)).toMatchObject({ status: 'ok', changes: [] });
  });

  it('absent deletes the stored mapping (the bucket need not exist), then nothing', async () => {
    const f = fakeInflux(withDbrps(stored()));
    f.state.buckets = [];
    const r = await run(f, { state: 'absent' });
    expect(r.changes.map((c) => c.action)).toEqual(['delete']);
    expect(f.state.dbrps).toEqual([]);
    expect(await run(f, { state: 'absent' })).toMatchObject({ status: 'ok', changes: [] });
  });

  it.each<[string, Record<string, unknown>, ((f: FakeInflux) => void) | undefined, string]>([
    ['a missing bucket', { bucket: 'nope' }, undefined, "InfluxDB at http://127.0.0.1:8086 has no bucket 'nope' in organization 'acme'"],
    ['a missing org', { org: 'globex' }, undefined, "has no organization 'globex' (set it up with influxdb_setup first)"],
    ['a refused token', { token: 'wrong-token' }, undefined, 'InfluxDB refused the token: GET http://127.0.0.1:8086/api/v2/orgs?org=acme answered 401: unauthorized access'],
    ['a server that is down', {}, (f) => (f.override = () => 'down'), 'did not answer (is influxdb running?)'],
    ['a refused create', {}, (f) => (f.override = (q) => (q.method === 'POST' ? { status: 422, body: { code: 'conflict', message: 'another DBRP mapping with same orgID, db, and rp exists' } } : undefined)), 'InfluxDB POST /api/v2/dbrps failed: POST http://127.0.0.1:8086/api/v2/dbrps answered 422: another DBRP mapping with same orgID, db, and rp exists'],
  ])('fails clearly on %s, showing no token', async (_n, over, setup, message) => {
    const f = fakeInflux();
    setup?.(f);
    const r = await run(f, over);
    expect(r.status).toBe('failed');
    expect(r.msg).toContain(message);
    expect(JSON.stringify([r.changes, r.diff, r.msg])).not.toContain(OPERATOR_TOKEN);
  });
});

describe('planInfluxDbrp', () => {
  const a = args(given);
  const m = { ...stored(), virtual: false };
  const st = (mapping: InfluxDbrpState['mapping']): InfluxDbrpState => ({ orgID: ORG, bucketID: BUCKET, mapping });
  it.each<[string, Partial<typeof a>, InfluxDbrpState['mapping'], string[]]>([
    ['none', {}, null, ['create']],
    ['as asked', {}, m, []],
    ['not default', {}, { ...m, default: false }, ['default']],
    ['asked not default, is default', { default: false }, m, ['default']],
    ['another bucket', {}, { ...m, bucketID: 'x' }, ['delete', 'create']],
    ['absent, there', { state: 'absent' }, m, ['delete']],
    ['absent, none', { state: 'absent' }, null, []],
  ])('%s', (_n, over, mapping, want) => {
    expect(planInfluxDbrp({ ...a, ...over }, st(mapping)).map((c) => c.action)).toEqual(want);
  });
});
