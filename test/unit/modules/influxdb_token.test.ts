// influxdb_token against a fake InfluxDB 2.7 (influxdb-fake.ts): an authorization found by description
// is kept with its token, activated when inactive, replaced (with a new token, said in the plan) when its
// permissions differ; check mode sends nothing; tokens never show in plans, diffs or errors.
import { describe, expect, it } from 'vitest';
import influxdbToken, { keptAuthorization, planInfluxToken, type InfluxTokenState } from '../../../modules/influxdb_token.js';
import { parseAuthorization, parseAuthorizations, type InfluxAuthorization, type InfluxPermission } from '../../../modules/lib/influxdb/parse.js';
import { bucketPermission, describePermissions, samePermissions } from '../../../modules/lib/influxdb/permissions.js';
import { runModule } from '../../../runner/execute/run-module.js';
import { argsFor } from '../../helpers/module-args.js';
import { fakeInflux, fixture, OPERATOR_TOKEN, setUpState, writes, type FakeAuth, type FakeInflux, type FakeState } from './influxdb-fake.js';

const ORG = '1a2b3c4d5e6f7081';
const BUCKET = '2b3c4d5e6f708192';
const given = { token: OPERATOR_TOKEN, org: 'acme', description: 'chirpstack', permissions: [{ action: 'write' as const, bucket: 'osm' }] };
const args = argsFor(influxdbToken);

// The chirpstack and grafana authorizations of authorizations.json, as the fake keeps them.
const FIXTURE_AUTHS = parseAuthorizations(fixture('authorizations.json'));
const asFake = (a: InfluxAuthorization, over: Partial<FakeAuth> = {}): FakeAuth => ({ ...a, ...over });
const chirpstackAuth = FIXTURE_AUTHS.find((a) => a.description === 'chirpstack')!;
const grafanaAuth = FIXTURE_AUTHS.find((a) => a.description === 'grafana')!;

function withAuths(...auths: FakeAuth[]): FakeState {
  const s = setUpState();
  s.auths.push(...auths);
  return s;
}

async function run(f: FakeInflux, over: Record<string, unknown> = {}, check = false) {
  return runModule(influxdbToken, f.host, { ...given, ...over }, { check, diff: true });
}

/** What a run shows (not its registered data, which holds the token and is redacted as secretResults). */
function shown(r: Awaited<ReturnType<typeof run>>): string {
  return JSON.stringify([r.changes, r.diff, r.msg, r.error]);
}

function tokensOf(f: FakeInflux): string[] {
  return f.state.auths.map((a) => a.token);
}

describe('influxdb_token args and secrets', () => {
  it('keeps the operator token secret and registers the token as a secret result', () => {
    expect(influxdbToken.secretArgs).toEqual(['token']);
    expect(influxdbToken.secretResults).toEqual(['token']);
    expect(args(given)).toMatchObject({ url: 'http://127.0.0.1:8086', state: 'present' });
  });

  it.each([
    ['an action other than read or write', { permissions: [{ action: 'all', bucket: 'osm' }] }],
    ['a permission without bucket', { permissions: [{ action: 'read' }] }],
    ['an empty description', { description: '' }],
  ])('refuses %s', (_n, over) => {
    expect(() => args({ ...given, ...over } as never)).toThrow();
  });
});

describe('authorizations of 2.7 (fixtures)', () => {
  it('reads the token, status and permissions, without the names InfluxDB adds', () => {
    expect(FIXTURE_AUTHS.map((a) => [a.description, a.status])).toEqual([["admin's Token", 'active'], ['chirpstack', 'active'], ['grafana', 'inactive']]);
    expect(chirpstackAuth.permissions).toEqual([{ action: 'write', resource: { type: 'buckets', id: BUCKET, orgID: ORG } }]);
    expect(FIXTURE_AUTHS[0]?.permissions[0]).toEqual({ action: 'read', resource: { type: 'authorizations' } });
    expect(parseAuthorization(fixture('authorization-created.json'), 'POST').token).toMatch(/==$/);
  });

  it.each([
    [{ authorizations: [{ ...chirpstackAuth, status: 'gone' }] }, 'authorization status "gone"'],
    [{ authorizations: [{ ...chirpstackAuth, token: undefined }] }, 'GET /api/v2/authorizations: no token'],
    [{ authorizations: [{ ...chirpstackAuth, permissions: [{ action: 'delete', resource: { type: 'buckets' } }] }] }, 'permission action "delete"'],
    [{ auths: [] }, 'authorizations is not a list'],
  ])('names what it does not understand (%#)', (body, message) => {
    expect(() => parseAuthorizations(body)).toThrow(message);
  });
});

describe('permissions', () => {
  const w = bucketPermission({ action: 'write', bucket: 'osm' }, BUCKET, ORG);
  const r = bucketPermission({ action: 'read', bucket: 'osm' }, BUCKET, ORG);
  it('compare as sets: order and duplicates do not count, action, bucket and org do', () => {
    expect(samePermissions([w, r], [r, w, r])).toBe(true);
    expect(samePermissions([w], [r])).toBe(false);
    expect(samePermissions([w], [w, r])).toBe(false);
    expect(samePermissions([w], [{ ...w, resource: { ...w.resource, id: 'other' } }])).toBe(false);
    expect(samePermissions([w], [{ ...w, resource: { type: 'buckets', id: BUCKET } }])).toBe(false);
  });

  it('are shown by bucket name where known', () => {
    const all: InfluxPermission = { action: 'read', resource: { type: 'orgs' } };
    expect(describePermissions([w, r, all], { [BUCKET]: 'osm' })).toBe('read buckets osm, read orgs all, write buckets osm');
    expect(describePermissions([w])).toBe(`write buckets ${BUCKET}`);
  });
});

describe('influxdb_token', () => {
  it('check mode plans the authorization and sends nothing; the token is not known yet', async () => {
    const f = fakeInflux();
    const r = await run(f, {}, true);
    expect(r).toMatchObject({ status: 'changed', pending: true, data: { id: null, token: null } });
    expect(r.changes.map((c) => c.summary)).toEqual(["create authorization 'chirpstack' (write buckets osm)"]);
    expect(writes(f)).toEqual([]);
  });

  it('creates it with the bucket resolved to its ID, returns its token; the next run keeps that token', async () => {
    const f = fakeInflux();
    const r = await run(f);
    expect(r.status).toBe('changed');
    const [post] = writes(f);
    expect(post).toMatchObject({ method: 'POST', path: '/api/v2/authorizations' });
    expect(post?.body).toEqual({ orgID: ORG, description: 'chirpstack', status: 'active', permissions: [{ action: 'write', resource: { type: 'buckets', id: BUCKET, orgID: ORG } }] });
    const made = f.state.auths.find((a) => a.description === 'chirpstack')!;
    expect(r.data).toMatchObject({ id: made.id, token: made.token });
    expect(shown(r)).not.toContain(made.token);
    expect(shown(r)).not.toContain(OPERATOR_TOKEN);

    const again = await run(f);
    expect(again).toMatchObject({ status: 'ok', changes: [], data: { id: made.id, token: made.token } });
    expect(writes(f)).toHaveLength(1);
  });

  it("keeps an authorization with the same permissions (2.7's answer) and never rotates its token", async () => {
    const f = fakeInflux(withAuths(asFake(chirpstackAuth)));
    const r = await run(f);
    expect(r).toMatchObject({ status: 'ok', data: { id: chirpstackAuth.id, token: chirpstackAuth.token } });
    expect(writes(f)).toEqual([]);
  });

  it('activates an inactive one, keeping its token', async () => {
    const f = fakeInflux(withAuths(asFake(grafanaAuth)));
    const over = { description: 'grafana', permissions: [{ action: 'read', bucket: 'osm' }] };
    const r = await run(f, over);
    expect(r.changes.map((c) => c.summary)).toEqual([`activate authorization ${grafanaAuth.id} 'grafana' (it is inactive)`]);
    expect(writes(f).map((q) => [q.method, q.path, q.body])).toEqual([['PATCH', `/api/v2/authorizations/${grafanaAuth.id}`, { status: 'active' }]]);
    expect(r.data).toMatchObject({ token: grafanaAuth.token });
    expect(await run(f, over)).toMatchObject({ status: 'ok', changes: [] });
  });

  it('replaces one whose permissions differ, saying so: a new authorization and token, the old one deleted', async () => {
    const f = fakeInflux(withAuths(asFake(chirpstackAuth, { permissions: [{ action: 'read', resource: { type: 'buckets', id: BUCKET, orgID: ORG } }] })));
    const check = await run(f, {}, true);
    expect(check.changes.map((c) => c.summary)).toEqual([
      `create authorization 'chirpstack' (write buckets osm), replacing ${chirpstackAuth.id} whose permissions differ (a new token)`,
      `delete authorization ${chirpstackAuth.id} 'chirpstack': its permissions differ (read buckets osm)`,
    ]);
    expect(check.data).toMatchObject({ token: null });
    expect(writes(f)).toEqual([]);

    const r = await run(f);
    expect(writes(f).map((q) => q.method)).toEqual(['POST', 'DELETE']);
    expect(f.state.auths.filter((a) => a.description === 'chirpstack')).toHaveLength(1);
    expect(r.data['token']).not.toBe(chirpstackAuth.token);
    expect(tokensOf(f)).toContain(r.data['token']);
    expect(shown(r)).not.toContain(String(r.data['token']));
    expect(await run(f)).toMatchObject({ status: 'ok', changes: [], data: { token: r.data['token'] } });
  });

  it('deletes other authorizations with the description, keeping the one that fits', async () => {
    const dup = asFake(chirpstackAuth, { id: '0a0b0c0d0e0f0102', token: 'a-second-token-value', status: 'inactive' });
    const f = fakeInflux(withAuths(dup, asFake(chirpstackAuth)));
    const r = await run(f);
    expect(r.changes.map((c) => c.summary)).toEqual([`delete authorization ${dup.id} 'chirpstack': another one with this description has these permissions`]);
    expect(r.data).toMatchObject({ id: chirpstackAuth.id, token: chirpstackAuth.token });
    expect(f.state.auths.map((a) => a.id)).not.toContain(dup.id);
  });

  it('absent deletes every one with the description, then nothing', async () => {
    const f = fakeInflux(withAuths(asFake(chirpstackAuth), asFake(grafanaAuth)));
    const r = await run(f, { state: 'absent', permissions: [] });
    expect(writes(f).map((q) => `${q.method} ${q.path}`)).toEqual([`DELETE /api/v2/authorizations/${chirpstackAuth.id}`]);
    expect(r.data).toMatchObject({ id: null, token: null });
    expect(f.state.auths.map((a) => a.description)).toEqual(["admin's Token", 'grafana']);
    expect(await run(f, { state: 'absent' })).toMatchObject({ status: 'ok', changes: [] });
  });

  it('refuses present without permissions', async () => {
    const r = await run(fakeInflux(), { permissions: [] });
    expect(r.msg).toBe('influxdb_token: permissions must name at least one {action, bucket} with state present');
  });

  it.each<[string, Record<string, unknown>, ((f: FakeInflux) => void) | undefined, string]>([
    ['a bucket that does not exist', { permissions: [{ action: 'read', bucket: 'nope' }] }, undefined, "InfluxDB at http://127.0.0.1:8086 has no bucket 'nope' in organization 'acme'"],
    ['an org that does not exist', { org: 'globex' }, undefined, "InfluxDB at http://127.0.0.1:8086 has no organization 'globex' (set it up with influxdb_setup first)"],
    ['a refused token', { token: 'not-the-operator-token' }, undefined, 'InfluxDB refused the token: GET http://127.0.0.1:8086/api/v2/orgs?org=acme answered 401: unauthorized access'],
    ['a server that is down', {}, (f) => (f.override = () => 'down'), 'InfluxDB at http://127.0.0.1:8086 did not answer (is influxdb running?)'],
    ['a list it cannot read', {}, (f) => (f.override = (q) => (q.path === '/api/v2/authorizations' ? { status: 200, body: { authorizations: {} } } : undefined)), 'InfluxDB gave an unexpected answer to GET /api/v2/authorizations: authorizations is not a list'],
    ['a refused create', {}, (f) => (f.override = (q) => (q.method === 'POST' ? { status: 400, body: { code: 'invalid', message: 'authorization must include permissions' } } : undefined)), 'InfluxDB POST /api/v2/authorizations failed: POST http://127.0.0.1:8086/api/v2/authorizations answered 400: authorization must include permissions'],
  ])('fails clearly on %s, showing no token', async (_n, over, setup, message) => {
    const f = fakeInflux(withAuths(asFake(grafanaAuth)));
    setup?.(f);
    const r = await run(f, over);
    expect(r.status).toBe('failed');
    expect(r.msg).toContain(message);
    for (const t of [OPERATOR_TOKEN, 'not-the-operator-token', grafanaAuth.token]) expect(shown(r)).not.toContain(t);
  });
});

describe('planInfluxToken', () => {
  const wanted = [bucketPermission({ action: 'write', bucket: 'osm' }, BUCKET, ORG)];
  const st = (found: InfluxAuthorization[]): InfluxTokenState => ({ orgID: ORG, wanted, bucketNames: { [BUCKET]: 'osm' }, found });
  const present = { description: 'chirpstack', state: 'present' as const };
  it.each<[string, InfluxAuthorization[], string[]]>([
    ['none', [], ['create']],
    ['same, active', [chirpstackAuth], []],
    ['same, inactive', [{ ...chirpstackAuth, status: 'inactive' }], ['activate']],
    ['other permissions', [{ ...chirpstackAuth, permissions: [] }], ['create', 'delete']],
    ['same twice', [{ ...chirpstackAuth, id: 'x' }, chirpstackAuth], ['delete']],
  ])('%s', (_n, found, want) => {
    const changes = planInfluxToken(present, st(found));
    expect(changes.map((c) => c.action)).toEqual(want);
    expect(JSON.stringify(changes)).not.toContain(chirpstackAuth.token);
  });

  it('prefers an active one among the same', () => {
    const inactive = { ...chirpstackAuth, id: 'x', status: 'inactive' as const };
    expect(keptAuthorization(st([inactive, chirpstackAuth]))?.id).toBe(chirpstackAuth.id);
    expect(keptAuthorization(st([inactive]))?.id).toBe('x');
  });
});
