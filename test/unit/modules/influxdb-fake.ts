// A fake InfluxDB OSS 2.7 behind a fake host: it reads the curl config the modules send on stdin (URL,
// method, headers, body, the write-out marker), answers the few endpoints the influxdb_* modules use,
// keeps state (so a second gather sees what apply did), and prints what curl would. Its answers have the
// shape of the fixtures in fixtures/influxdb/ (built from 2.7's API reference and source, see the README
// there); influxdb-fake's own test compares the two so the fake cannot drift from them.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ExecOptions, ExecResult } from '../../../runner/connection/types.js';
import type { HostContext } from '../../../runner/module.js';
import type { InfluxDbrp } from '../../../modules/lib/influxdb/parse.js';

export const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/influxdb/${name}`, import.meta.url), 'utf8'));

/** The operator token of the fixtures (setup-created.json, authorizations.json). */
export const OPERATOR_TOKEN = 'OPERATOR-TOKEN-0123456789';
export const BASE = 'http://127.0.0.1:8086';

interface Perm {
  action: string;
  resource: { type: string; id?: string; orgID?: string };
}
export interface FakeAuth {
  id: string;
  token: string;
  status: 'active' | 'inactive';
  description: string;
  orgID: string;
  permissions: Perm[];
}
export interface FakeBucket {
  id: string;
  orgID: string;
  name: string;
  retentionSeconds: number;
  shardGroupSeconds: number;
}
/** A stored mapping: what the server keeps (2.7's virtual ones are derived when listing). */
export type FakeDbrp = Omit<InfluxDbrp, 'virtual'>;
export interface FakeState {
  allowed: boolean;
  orgs: { id: string; name: string }[];
  buckets: FakeBucket[];
  auths: FakeAuth[];
  dbrps: FakeDbrp[];
}

export interface Request {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  /** The whole curl config, as the host received it on stdin. */
  stdin: string;
  argv: string[];
}

export interface Answer {
  status: number;
  body?: unknown;
  /** A raw body instead of JSON (a bad answer). */
  raw?: string;
}

const USER_ID = '0c1d2e3f40516273';
let nextId = 0x700000;
const newId = (): string => (nextId++).toString(16).padStart(16, 'a');
const newToken = (): string => randomBytes(64).toString('base64');

/** The state of setup-created.json: org acme, bucket osm kept forever, the operator token. */
export function setUpState(): FakeState {
  return {
    allowed: false,
    orgs: [{ id: '1a2b3c4d5e6f7081', name: 'acme' }],
    buckets: [{ id: '2b3c4d5e6f708192', orgID: '1a2b3c4d5e6f7081', name: 'osm', retentionSeconds: 0, shardGroupSeconds: 604800 }],
    auths: [{ id: '3c4d5e6f70819203', token: OPERATOR_TOKEN, status: 'active', description: "admin's Token", orgID: '1a2b3c4d5e6f7081', permissions: operatorPermissions() }],
    dbrps: [],
  };
}

export const freshState = (): FakeState => ({ allowed: true, orgs: [], buckets: [], auths: [], dbrps: [] });

function operatorPermissions(): Perm[] {
  return ['authorizations', 'buckets', 'orgs', 'dbrp'].flatMap((type) => [
    { action: 'read', resource: { type } },
    { action: 'write', resource: { type } },
  ]);
}

/** curl's config syntax back to values (the inverse of curlQuote). */
function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  return v.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

export function parseCurlStdin(stdin: string): { url: string; method: string; headers: Record<string, string>; data?: string; marker: string } {
  const out = { url: '', method: 'GET', headers: {} as Record<string, string>, data: undefined as string | undefined, marker: '' };
  for (const line of stdin.split('\n')) {
    const m = /^([a-z-]+)(?: = (.*))?$/.exec(line);
    if (!m) continue;
    const v = unquote(m[2] ?? '');
    if (m[1] === 'url') out.url = v;
    else if (m[1] === 'request') out.method = v;
    else if (m[1] === 'data-binary') out.data = v;
    else if (m[1] === 'write-out') out.marker = v.split('\n')[1] ?? '';
    else if (m[1] === 'header') {
      const i = v.indexOf(':');
      out.headers[v.slice(0, i).toLowerCase()] = v.slice(i + 1).trim();
    }
  }
  return out;
}

// Renderers in the shape of the fixtures.
const stamp = '2024-05-06T10:11:12.345678901Z';

export function renderOrg(o: { id: string; name: string }): unknown {
  const links = Object.fromEntries(
    ['labels', 'logs', 'members', 'owners', 'secrets'].map((k) => [k, `/api/v2/orgs/${o.id}/${k}`]),
  );
  return {
    links: { buckets: `/api/v2/buckets?org=${o.name}`, dashboards: `/api/v2/dashboards?org=${o.name}`, ...links, self: `/api/v2/orgs/${o.id}`, tasks: `/api/v2/tasks?org=${o.name}` },
    id: o.id,
    name: o.name,
    description: '',
    createdAt: stamp,
    updatedAt: stamp,
  };
}

export function renderBucket(b: FakeBucket): unknown {
  // As 2.7's newBucket: a rule only when retention or shard group duration is set.
  const rules = b.retentionSeconds > 0 || b.shardGroupSeconds > 0 ? [{ type: 'expire', everySeconds: b.retentionSeconds, shardGroupDurationSeconds: b.shardGroupSeconds }] : [];
  return {
    id: b.id,
    orgID: b.orgID,
    type: 'user',
    name: b.name,
    retentionRules: rules,
    createdAt: stamp,
    updatedAt: stamp,
    links: {
      labels: `/api/v2/buckets/${b.id}/labels`,
      members: `/api/v2/buckets/${b.id}/members`,
      org: `/api/v2/orgs/${b.orgID}`,
      owners: `/api/v2/buckets/${b.id}/owners`,
      self: `/api/v2/buckets/${b.id}`,
      write: `/api/v2/write?org=${b.orgID}&bucket=${b.id}`,
    },
    labels: [],
  };
}

export function renderAuth(s: FakeState, a: FakeAuth): unknown {
  const orgName = (id?: string) => s.orgs.find((o) => o.id === id)?.name;
  const bucketName = (id?: string) => s.buckets.find((b) => b.id === id)?.name;
  return {
    id: a.id,
    token: a.token,
    status: a.status,
    description: a.description,
    orgID: a.orgID,
    org: orgName(a.orgID),
    userID: USER_ID,
    user: 'admin',
    permissions: a.permissions.map((p) => ({
      action: p.action,
      resource: { ...p.resource, ...(p.resource.id ? { name: bucketName(p.resource.id) } : {}), ...(p.resource.orgID ? { org: orgName(p.resource.orgID) } : {}) },
    })),
    links: { self: `/api/v2/authorizations/${a.id}`, user: `/api/v2/users/${USER_ID}` },
    createdAt: stamp,
    updatedAt: stamp,
  };
}

const renderDbrp = (d: FakeDbrp, virtual = false): unknown => ({ ...d, virtual });

/** 2.7's GET /api/v2/dbrps: the stored mappings, then a virtual one per bucket (default unless a stored one leads to it). */
function listDbrps(s: FakeState, orgID: string, db: string | null): unknown[] {
  const stored = s.dbrps.filter((d) => d.orgID === orgID && (db === null || d.database === db));
  const virtual = s.buckets
    .filter((b) => b.orgID === orgID)
    .map((b) => ({ id: b.id, database: b.name, retention_policy: 'autogen', default: !stored.some((d) => d.bucketID === b.id), orgID, bucketID: b.id }))
    .filter((d) => db === null || d.database === db);
  return [...stored.map((d) => renderDbrp(d)), ...virtual.map((d) => renderDbrp(d, true))];
}

const notFound = (message: string): Answer => ({ status: 404, body: { code: 'not found', message } });

function authorized(s: FakeState, r: Request): boolean {
  const m = /^(?:Token|Bearer) (.+)$/.exec(r.headers['authorization'] ?? '');
  return m !== null && s.auths.some((a) => a.status === 'active' && a.token === m[1]);
}

function setup(s: FakeState, r: Request): Answer {
  if (!s.allowed) return { status: 422, body: fixture('setup-conflict.json') };
  const b = r.body as { username: string; org: string; bucket: string; retentionPeriodSeconds?: number; token?: string };
  const org = { id: newId(), name: b.org };
  const retention = b.retentionPeriodSeconds ?? 0;
  const bucket: FakeBucket = { id: newId(), orgID: org.id, name: b.bucket, retentionSeconds: retention, shardGroupSeconds: retention === 0 ? 604800 : 86400 };
  const auth: FakeAuth = { id: newId(), token: b.token ?? newToken(), status: 'active', description: `${b.username}'s Token`, orgID: org.id, permissions: operatorPermissions() };
  Object.assign(s, { allowed: false, orgs: [...s.orgs, org], buckets: [...s.buckets, bucket], auths: [...s.auths, auth] });
  return { status: 201, body: { user: { links: { self: `/api/v2/users/${USER_ID}` }, id: USER_ID, name: b.username, status: 'active' }, bucket: renderBucket(bucket), org: renderOrg(org), auth: renderAuth(s, auth) } };
}

function route(s: FakeState, r: Request): Answer {
  const { method, path, query: q } = r;
  if (path === '/api/v2/setup') return method === 'GET' ? { status: 200, body: { allowed: s.allowed } } : setup(s, r);
  if (!authorized(s, r)) return { status: 401, body: fixture('unauthorized.json') };
  const id = path.split('/')[4] ?? '';
  if (method === 'GET' && path === '/api/v2/orgs') {
    const org = s.orgs.find((o) => o.name === q.get('org'));
    return org ? { status: 200, body: { links: { self: '/api/v2/orgs' }, orgs: [renderOrg(org)] } } : notFound(`organization name "${q.get('org')}" not found`);
  }
  if (method === 'GET' && path === '/api/v2/buckets') {
    const b = s.buckets.find((x) => x.orgID === q.get('orgID') && x.name === q.get('name'));
    return b ? { status: 200, body: { links: { self: '/api/v2/buckets' }, buckets: [renderBucket(b)] } } : notFound(`bucket "${q.get('name')}" not found`);
  }
  if (method === 'POST' && path === '/api/v2/buckets') {
    const body = r.body as { orgID: string; name: string; retentionRules: { everySeconds: number; shardGroupDurationSeconds: number }[] };
    const b: FakeBucket = { id: newId(), orgID: body.orgID, name: body.name, retentionSeconds: body.retentionRules[0]?.everySeconds ?? 0, shardGroupSeconds: body.retentionRules[0]?.shardGroupDurationSeconds ?? 604800 };
    s.buckets.push(b);
    return { status: 201, body: renderBucket(b) };
  }
  if (method === 'PATCH' && path.startsWith('/api/v2/buckets/')) {
    const b = s.buckets.find((x) => x.id === id);
    if (!b) return notFound('bucket not found');
    const rule = (r.body as { retentionRules: { everySeconds?: number; shardGroupDurationSeconds?: number }[] }).retentionRules[0] ?? {};
    const retention = rule.everySeconds ?? b.retentionSeconds;
    const shard = rule.shardGroupDurationSeconds ?? b.shardGroupSeconds;
    // As 2.7's meta client: a shard group longer than the retention is refused.
    if (retention !== 0 && shard > retention) return { status: 422, body: fixture('bucket-retention-refused.json') };
    Object.assign(b, { retentionSeconds: retention, shardGroupSeconds: shard });
    return { status: 200, body: renderBucket(b) };
  }
  if (method === 'GET' && path === '/api/v2/authorizations') {
    const list = s.auths.filter((a) => !q.get('orgID') || a.orgID === q.get('orgID'));
    return { status: 200, body: { links: { self: '/api/v2/authorizations' }, authorizations: list.map((a) => renderAuth(s, a)) } };
  }
  if (method === 'POST' && path === '/api/v2/authorizations') {
    const body = r.body as { orgID: string; description: string; status?: 'active' | 'inactive'; permissions: Perm[] };
    const a: FakeAuth = { id: newId(), token: newToken(), status: body.status ?? 'active', description: body.description, orgID: body.orgID, permissions: body.permissions };
    s.auths.push(a);
    return { status: 201, body: renderAuth(s, a) };
  }
  if (path.startsWith('/api/v2/authorizations/')) {
    const a = s.auths.find((x) => x.id === id);
    if (!a) return notFound('authorization not found');
    if (method === 'DELETE') {
      s.auths = s.auths.filter((x) => x !== a);
      return { status: 204 };
    }
    if (method === 'PATCH') {
      Object.assign(a, r.body as object);
      return { status: 200, body: renderAuth(s, a) };
    }
  }
  if (method === 'GET' && path === '/api/v2/dbrps') return { status: 200, body: { content: listDbrps(s, q.get('orgID') ?? '', q.get('db')) } };
  if (method === 'POST' && path === '/api/v2/dbrps') {
    const body = r.body as Omit<FakeDbrp, 'id'>;
    if (s.dbrps.some((d) => d.orgID === body.orgID && d.database === body.database && d.retention_policy === body.retention_policy)) {
      return { status: 422, body: { code: 'conflict', message: 'another DBRP mapping with same orgID, db, and rp exists' } };
    }
    if (body.default) for (const d of s.dbrps) if (d.orgID === body.orgID && d.database === body.database) d.default = false;
    const d: FakeDbrp = { id: newId(), database: body.database, retention_policy: body.retention_policy, default: body.default, orgID: body.orgID, bucketID: body.bucketID };
    s.dbrps.push(d);
    return { status: 201, body: renderDbrp(d) };
  }
  if (path.startsWith('/api/v2/dbrps/')) {
    // 2.7 wants the org of the mapping as a query parameter (mustGetOrgIDFromHTTPRequest).
    if (!q.get('orgID') && !q.get('org')) return { status: 400, body: { code: 'invalid', message: 'either "org" or "orgID" must be provided' } };
    const d = s.dbrps.find((x) => x.id === id && x.orgID === q.get('orgID'));
    if (!d) return notFound('unable to find DBRP');
    if (method === 'DELETE') {
      s.dbrps = s.dbrps.filter((x) => x !== d);
      return { status: 204 };
    }
    if (method === 'PATCH') {
      Object.assign(d, r.body as object);
      return { status: 200, body: { content: renderDbrp(d) } };
    }
  }
  return { status: 404, body: { code: 'not found', message: 'path not found' } };
}

export interface FakeInflux {
  host: HostContext;
  state: FakeState;
  requests: Request[];
  /** Answers ahead of the fake's own (a bad answer, an outage); undefined lets the fake answer. */
  override?: (r: Request) => Answer | 'down' | undefined;
}

function curlOutput(r: Request, a: Answer, marker: string): string {
  const body = a.raw ?? (a.body === undefined ? '' : JSON.stringify(a.body));
  const head = `HTTP/1.1 ${a.status} X\r\n${body ? 'Content-Type: application/json; charset=utf-8\r\n' : ''}X-Influxdb-Build: OSS\r\nX-Influxdb-Version: v2.7.11\r\n\r\n`;
  return `${head}${body}\n${marker}\n${a.status}\n0\n${r.url}\n`;
}

/** A host whose every exec is curl reaching the fake InfluxDB. */
export function fakeInflux(state: FakeState = setUpState()): FakeInflux {
  const fake: FakeInflux = { state, requests: [], host: undefined as unknown as HostContext };
  const exec = async (cmd: { argv: string[] }, opts: ExecOptions = {}): Promise<ExecResult> => {
    const stdin = String(opts.stdin ?? '');
    const c = parseCurlStdin(stdin);
    const u = new URL(c.url);
    const r: Request = { method: c.method, url: c.url, path: u.pathname, query: u.searchParams, headers: c.headers, body: c.data === undefined ? undefined : JSON.parse(c.data), stdin, argv: cmd.argv };
    fake.requests.push(r);
    const a = fake.override?.(r) ?? route(fake.state, r);
    if (a === 'down') return { exitCode: 7, stdout: '', stderr: `curl: (7) Failed to connect to ${u.hostname} port ${u.port} after 0 ms: Couldn't connect to server\n`, durationMs: 1 };
    return { exitCode: 0, stdout: curlOutput(r, a, c.marker), stderr: '', durationMs: 1 };
  };
  fake.host = { name: 'acme-svr', exec } as unknown as HostContext;
  return fake;
}

/** Requests that change something (what check mode must never send). */
export const writes = (f: FakeInflux): Request[] => f.requests.filter((r) => r.method !== 'GET');
