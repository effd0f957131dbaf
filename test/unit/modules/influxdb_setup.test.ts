// influxdb_setup against a fake InfluxDB 2.7 (influxdb-fake.ts, answers shaped as fixtures/influxdb/):
// setup of a fresh instance, a second run that changes nothing, an instance set up by someone else
// (never set up again), the bucket's retention, check mode, and what fails and how it says so.
import { describe, expect, it } from 'vitest';
import influxdbSetup, { planInfluxSetup, type InfluxSetupState } from '../../../modules/influxdb_setup.js';
import { influxCall } from '../../../modules/lib/influxdb/api.js';
import { parseBuckets, parseOrgs, parseSetupAllowed, parseSetupResult } from '../../../modules/lib/influxdb/parse.js';
import { describeRetention, retentionRule, shardGroupSecondsFor } from '../../../modules/lib/influxdb/retention.js';
import { runModule } from '../../../runner/execute/run-module.js';
import { argsFor } from '../../helpers/module-args.js';
import { BASE, fakeInflux, fixture, freshState, OPERATOR_TOKEN, setUpState, writes, type FakeInflux } from './influxdb-fake.js';

const PASSWORD = 'Adm1n-pass-word';
const given = { org: 'acme', bucket: 'osm', password: PASSWORD, token: OPERATOR_TOKEN };
const args = argsFor(influxdbSetup);

async function run(f: FakeInflux, over: Record<string, unknown> = {}, check = false) {
  return runModule(influxdbSetup, f.host, { ...given, ...over }, { check, diff: true });
}

/** Every text a run shows: changes, diff, message. The secrets must be in none of them. */
function shown(r: Awaited<ReturnType<typeof run>>): string {
  return JSON.stringify([r.changes, r.diff, r.msg, r.error]);
}

describe('influxdb_setup args', () => {
  it('defaults to the container-local API, user admin, data kept forever; password and token are secret', () => {
    expect(args(given)).toMatchObject({ url: BASE, username: 'admin', retention_seconds: 0 });
    expect(influxdbSetup.secretArgs).toEqual(['password', 'token']);
  });

  it.each([
    ['a password under 8 characters', { password: 'short' }],
    ['a reserved bucket name', { bucket: '_monitoring' }],
    ['a negative retention', { retention_seconds: -1 }],
    ['a URL without scheme', { url: '127.0.0.1:8086' }],
  ])('refuses %s', (_n, over) => {
    expect(() => args({ ...given, ...over })).toThrow();
  });
});

describe('InfluxDB 2.7 answers (fixtures)', () => {
  it('reads GET /api/v2/setup, POST /api/v2/setup, orgs and buckets', () => {
    expect(parseSetupAllowed(fixture('setup-allowed.json'))).toBe(true);
    expect(parseSetupAllowed(fixture('setup-done.json'))).toBe(false);
    expect(parseSetupResult(fixture('setup-created.json'))).toEqual({ orgID: '1a2b3c4d5e6f7081', bucketID: '2b3c4d5e6f708192' });
    expect(parseOrgs(fixture('orgs.json'))).toEqual([{ id: '1a2b3c4d5e6f7081', name: 'acme' }]);
    expect(parseBuckets(fixture('buckets.json'))).toEqual([{ id: '2b3c4d5e6f708192', name: 'osm', orgID: '1a2b3c4d5e6f7081', retentionSeconds: 0, shardGroupSeconds: 604800 }]);
  });

  it('reads no retention rule (older answers) as forever, and a 30-day rule', () => {
    const bucket = (retentionRules: unknown) => ({ buckets: [{ id: 'b', name: 'osm', orgID: 'o', retentionRules }] });
    expect(parseBuckets(bucket([]))[0]).toMatchObject({ retentionSeconds: 0 });
    expect(parseBuckets(bucket([{ type: 'expire', everySeconds: 2592000, shardGroupDurationSeconds: 86400 }]))[0]).toMatchObject({ retentionSeconds: 2592000, shardGroupSeconds: 86400 });
  });

  it.each([
    [() => parseSetupAllowed({}), 'InfluxDB gave an unexpected answer to GET /api/v2/setup: no allowed flag'],
    [() => parseSetupAllowed(undefined), 'GET /api/v2/setup: the body is not an object'],
    [() => parseOrgs({ orgs: [{ name: 'acme' }] }), 'GET /api/v2/orgs: no id'],
    [() => parseBuckets({ buckets: [{ id: 'b', name: 'osm', orgID: 'o', retentionRules: [{ type: 'expire', everySeconds: '0' }] }] }), 'a retention rule without numbers'],
    [() => parseSetupResult({ org: { id: 'o' } }), 'POST /api/v2/setup: bucket is not an object'],
  ])('names the answer it does not understand (%#)', (read, message) => {
    expect(read).toThrow(message);
  });
});

describe('retention', () => {
  it.each([
    [0, 604800, 'forever'],
    [3600, 3600, '1h'],
    [36 * 3600, 3600, '36h'],
    [2 * 86400, 86400, '2d'],
    [30 * 86400, 86400, '30d'],
    [180 * 86400, 604800, '180d'],
    [5400, 3600, '5400s'],
  ])('%i s: shard groups of %i s, shown as %s', (seconds, shard, text) => {
    expect(shardGroupSecondsFor(seconds)).toBe(shard);
    expect(describeRetention(seconds)).toBe(text);
    expect(retentionRule(seconds)).toEqual({ type: 'expire', everySeconds: seconds, shardGroupDurationSeconds: shard });
  });
});

describe('influxdb_setup on a fresh instance', () => {
  it('check mode plans the setup and sends nothing but reads', async () => {
    const f = fakeInflux(freshState());
    const r = await run(f, {}, true);
    expect(r).toMatchObject({ status: 'changed', pending: true, data: { org_id: null, bucket_id: null } });
    expect(r.changes.map((c) => c.summary)).toEqual(['set up InfluxDB at http://127.0.0.1:8086: user admin, organization acme, bucket osm (retention forever), the given operator token']);
    expect(writes(f)).toEqual([]);
    expect(f.state.allowed).toBe(true);
    expect(shown(r)).not.toContain(PASSWORD);
    expect(shown(r)).not.toContain(OPERATOR_TOKEN);
  });

  it('sets up with the chosen token, secrets on curl stdin only; the second run changes nothing', async () => {
    const f = fakeInflux(freshState());
    const r = await run(f, { retention_seconds: '2592000' });
    expect(r.status).toBe('changed');
    const [post] = writes(f);
    expect(post).toMatchObject({ method: 'POST', url: `${BASE}/api/v2/setup` });
    expect(post?.body).toEqual({ username: 'admin', password: PASSWORD, org: 'acme', bucket: 'osm', retentionPeriodSeconds: 2592000, token: OPERATOR_TOKEN });
    expect(f.requests.every((q) => JSON.stringify(q.argv) === '["curl","--config","-"]')).toBe(true);
    expect(f.state.auths[0]?.token).toBe(OPERATOR_TOKEN);
    const { id: orgID } = f.state.orgs[0]!;
    expect(r.data).toEqual({ org_id: orgID, bucket_id: f.state.buckets[0]!.id });
    expect(shown(r)).not.toContain(PASSWORD);
    expect(shown(r)).not.toContain(OPERATOR_TOKEN);

    const before = f.requests.length;
    const again = await run(f, { retention_seconds: 2592000 });
    expect(again).toMatchObject({ status: 'ok', changes: [], data: r.data });
    const second = f.requests.slice(before);
    expect(second.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v2/setup', 'GET /api/v2/orgs', 'GET /api/v2/buckets']);
    expect(second[1]?.headers['authorization']).toBe(`Token ${OPERATOR_TOKEN}`);
    expect(second[2]?.query.get('orgID')).toBe(orgID);
  });

  it('says what the server said when the setup is refused (someone set it up meanwhile)', async () => {
    const f = fakeInflux(freshState());
    f.override = (q) => (q.method === 'POST' ? { status: 422, body: fixture('setup-conflict.json') } : undefined);
    const r = await run(f);
    expect(r.status).toBe('failed');
    expect(r.msg).toBe('InfluxDB POST /api/v2/setup failed: POST http://127.0.0.1:8086/api/v2/setup answered 422: onboarding has already been completed');
  });
});

describe('influxdb_setup on an instance set up already', () => {
  it('is ok when the token reaches the org and the bucket has its retention; registers their IDs', async () => {
    const f = fakeInflux(setUpState());
    const r = await run(f);
    expect(r).toMatchObject({ status: 'ok', changes: [], data: { org_id: '1a2b3c4d5e6f7081', bucket_id: '2b3c4d5e6f708192' } });
    expect(writes(f)).toEqual([]);
  });

  it('never sets up again when the token does not work there: someone else set it up', async () => {
    const f = fakeInflux(setUpState());
    const r = await run(f, { token: 'another-token-of-ours' });
    expect(r.status).toBe('failed');
    expect(r.msg).toBe('InfluxDB at http://127.0.0.1:8086 was set up by someone else / the token does not match: it refuses the operator token (401); it is never set up again');
    expect(writes(f)).toEqual([]);
    expect(shown(r)).not.toContain('another-token-of-ours');
  });

  it('fails the same way when the token works but the org is not there', async () => {
    const f = fakeInflux(setUpState());
    const r = await run(f, { org: 'globex' });
    expect(r.msg).toBe("InfluxDB at http://127.0.0.1:8086 was set up by someone else: the token works but there is no organization 'globex'; it is never set up again");
    expect(writes(f)).toEqual([]);
  });

  it('sets a different retention with the shard group duration that fits it; then nothing', async () => {
    const f = fakeInflux(setUpState());
    const check = await run(f, { retention_seconds: 7 * 86400 }, true);
    expect(check.changes.map((c) => [c.action, c.summary, c.before, c.after])).toEqual([['retention', 'set the retention of bucket osm to 7d (it is forever)', 'retention: forever\n', 'retention: 7d\n']]);
    expect(writes(f)).toEqual([]);

    const r = await run(f, { retention_seconds: 7 * 86400 });
    expect(r.status).toBe('changed');
    const [patch] = writes(f);
    expect(patch).toMatchObject({ method: 'PATCH', path: '/api/v2/buckets/2b3c4d5e6f708192' });
    expect(patch?.body).toEqual({ retentionRules: [{ type: 'expire', everySeconds: 604800, shardGroupDurationSeconds: 86400 }] });
    expect(f.state.buckets[0]).toMatchObject({ retentionSeconds: 604800, shardGroupSeconds: 86400 });
    expect(await run(f, { retention_seconds: 7 * 86400 })).toMatchObject({ status: 'ok', changes: [] });
  });

  it('a PATCH of the retention alone would be refused by 2.7 (so the shard group duration goes with it)', async () => {
    const f = fakeInflux(setUpState());
    const patch = influxCall(f.host, { url: BASE, token: OPERATOR_TOKEN }, { method: 'PATCH', path: '/api/v2/buckets/2b3c4d5e6f708192', json: { retentionRules: [{ type: 'expire', everySeconds: 86400 }] }, ok: [200] });
    await expect(patch).rejects.toThrow('answered 422: shard-group duration must also be updated to be smaller than new retention duration');
  });

  it('creates the bucket when it is missing', async () => {
    const f = fakeInflux({ ...setUpState(), buckets: [] });
    const r = await run(f);
    expect(r.changes.map((c) => c.summary)).toEqual(['create bucket osm in organization acme (retention forever)']);
    expect(writes(f)[0]?.body).toEqual({ orgID: '1a2b3c4d5e6f7081', name: 'osm', retentionRules: [{ type: 'expire', everySeconds: 0, shardGroupDurationSeconds: 604800 }] });
    expect(r.data).toEqual({ org_id: '1a2b3c4d5e6f7081', bucket_id: f.state.buckets[0]!.id });
    expect(await run(f)).toMatchObject({ status: 'ok', changes: [] });
  });
});

describe('influxdb_setup failures', () => {
  it('says InfluxDB does not answer when nothing listens', async () => {
    const f = fakeInflux(freshState());
    f.override = () => 'down';
    const r = await run(f);
    expect(r.status).toBe('failed');
    expect(r.msg).toMatch(/^InfluxDB at http:\/\/127\.0\.0\.1:8086 did not answer \(is influxdb running\?\): GET http:\/\/127\.0\.0\.1:8086\/api\/v2\/setup failed: curl: \(7\) Failed to connect/);
  });

  it('names an answer that is not 2.7 JSON', async () => {
    const f = fakeInflux(freshState());
    f.override = () => ({ status: 200, raw: '<html>502 Bad Gateway</html>' });
    expect((await run(f)).msg).toBe('InfluxDB gave an unexpected answer to GET /api/v2/setup: the body is not an object');
  });

  it('refuses a retention under one hour before sending anything', async () => {
    const f = fakeInflux(freshState());
    const r = await run(f, { retention_seconds: 600 });
    expect(r.msg).toBe("influxdb_setup: retention_seconds 600 is under InfluxDB's minimum of 3600 (use 0 to keep data forever)");
    expect(writes(f)).toEqual([]);
  });
});

describe('planInfluxSetup', () => {
  const a = args(given);
  const bucket = { id: 'b', name: 'osm', orgID: 'o', retentionSeconds: 0, shardGroupSeconds: 604800 };
  it.each<[string, InfluxSetupState, string[]]>([
    ['fresh', { allowed: true, org: null, bucket: null }, ['setup']],
    ['set up, bucket as asked', { allowed: false, org: { id: 'o', name: 'acme' }, bucket }, []],
    ['set up, bucket gone', { allowed: false, org: { id: 'o', name: 'acme' }, bucket: null }, ['create_bucket']],
    ['set up, other retention', { allowed: false, org: { id: 'o', name: 'acme' }, bucket: { ...bucket, retentionSeconds: 3600 } }, ['retention']],
  ])('%s', (_n, s, want) => {
    const changes = planInfluxSetup(a, s);
    expect(changes.map((c) => c.action)).toEqual(want);
    expect(JSON.stringify(changes)).not.toContain(PASSWORD);
    expect(JSON.stringify(changes)).not.toContain(OPERATOR_TOKEN);
  });
});
