// InfluxDB OSS 2.7's HTTP API called from the host the task runs on (the customer's container), with
// curl configured on stdin: the token goes in an `Authorization: Token …` header, never on a command
// line. API reference: https://docs.influxdata.com/influxdb/v2/api/ (OSS v2, pinned to 2.7).
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { apiFailure, callApi, type ApiRequest, type ApiResponse } from '../http/api.js';
import {
  parseAuthorization,
  parseAuthorizations,
  parseBucket,
  parseBuckets,
  parseDbrp,
  parseDbrps,
  parseOrgs,
  parseSetupAllowed,
  parseSetupResult,
  type InfluxAuthorization,
  type InfluxBucket,
  type InfluxDbrp,
  type InfluxOrg,
  type InfluxPermission,
} from './parse.js';
import { retentionRule } from './retention.js';

/** Where the API is and the token to call it with (none for the unauthenticated setup calls). */
export interface InfluxTarget {
  url: string;
  token?: string;
}

export const DEFAULT_INFLUX_URL = 'http://127.0.0.1:8086';

interface Call {
  method: ApiRequest['method'];
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Statuses that are an answer the caller reads (others fail the task). */
  ok: number[];
}

export function influxUrl(base: string, path: string, query?: Record<string, string>): string {
  const q = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
  return `${base.replace(/\/+$/, '')}${path}${q}`;
}

/** An answer with a status the caller did not expect; `status` lets callers tell a refused token (401). */
export class InfluxApiError extends ModuleError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** One call: a transport failure or a status outside `ok` is a ModuleError naming the request. */
export async function influxCall(host: HostContext, t: InfluxTarget, c: Call): Promise<ApiResponse> {
  const req: ApiRequest = {
    method: c.method,
    url: influxUrl(t.url, c.path, c.query),
    headers: t.token === undefined ? {} : { Authorization: `Token ${t.token}` },
    ...(c.json === undefined ? {} : { json: c.json }),
  };
  let res: ApiResponse;
  try {
    res = await callApi(host, req);
  } catch (e) {
    if (!(e instanceof ModuleError)) throw e;
    throw new ModuleError(`InfluxDB at ${t.url} did not answer (is influxdb running?): ${e.message}`, e.detail);
  }
  if (c.ok.includes(res.status)) return res;
  const what = res.status === 401 ? 'InfluxDB refused the token' : `InfluxDB ${c.method} ${c.path} failed`;
  throw new InfluxApiError(apiFailure(what, req, res).message, res.status);
}

export async function getSetupAllowed(host: HostContext, t: InfluxTarget): Promise<boolean> {
  const res = await influxCall(host, { url: t.url }, { method: 'GET', path: '/api/v2/setup', ok: [200] });
  return parseSetupAllowed(res.json);
}

export interface SetupRequest {
  username: string;
  password: string;
  org: string;
  bucket: string;
  retentionPeriodSeconds: number;
  /** The operator token to create (we choose it, so it is known before setup). */
  token: string;
}

export async function postSetup(host: HostContext, t: InfluxTarget, body: SetupRequest): Promise<{ orgID: string; bucketID: string }> {
  const res = await influxCall(host, { url: t.url }, { method: 'POST', path: '/api/v2/setup', json: body, ok: [201] });
  return parseSetupResult(res.json);
}

/**
 * The organization named `name`, or null when there is none. 2.7 answers a name filter that matches
 * nothing with 404 `organization name "x" not found`; an empty list is read the same way.
 */
export async function findOrg(host: HostContext, t: InfluxTarget, name: string): Promise<InfluxOrg | null> {
  const res = await influxCall(host, t, { method: 'GET', path: '/api/v2/orgs', query: { org: name }, ok: [200, 404] });
  if (res.status === 404) return null;
  return parseOrgs(res.json).find((o) => o.name === name) ?? null;
}

/** The org's ID, or a ModuleError saying to run influxdb_setup first. */
export async function requireOrg(host: HostContext, t: InfluxTarget, name: string): Promise<InfluxOrg> {
  const org = await findOrg(host, t, name);
  if (!org) throw new ModuleError(`InfluxDB at ${t.url} has no organization '${name}' (set it up with influxdb_setup first)`);
  return org;
}

export async function findBucket(host: HostContext, t: InfluxTarget, orgID: string, name: string): Promise<InfluxBucket | null> {
  const res = await influxCall(host, t, { method: 'GET', path: '/api/v2/buckets', query: { orgID, name }, ok: [200, 404] });
  if (res.status === 404) return null;
  return parseBuckets(res.json).find((b) => b.name === name && b.orgID === orgID) ?? null;
}

export async function requireBucket(host: HostContext, t: InfluxTarget, org: InfluxOrg, name: string): Promise<InfluxBucket> {
  const bucket = await findBucket(host, t, org.id, name);
  if (!bucket) throw new ModuleError(`InfluxDB at ${t.url} has no bucket '${name}' in organization '${org.name}'`);
  return bucket;
}

export async function createBucket(host: HostContext, t: InfluxTarget, orgID: string, name: string, retentionSeconds: number): Promise<InfluxBucket> {
  const json = { orgID, name, retentionRules: [retentionRule(retentionSeconds)] };
  const res = await influxCall(host, t, { method: 'POST', path: '/api/v2/buckets', json, ok: [201] });
  return parseBucket(res.json, 'POST /api/v2/buckets');
}

export async function setBucketRetention(host: HostContext, t: InfluxTarget, bucketID: string, retentionSeconds: number): Promise<void> {
  const json = { retentionRules: [retentionRule(retentionSeconds)] };
  await influxCall(host, t, { method: 'PATCH', path: `/api/v2/buckets/${encodeURIComponent(bucketID)}`, json, ok: [200] });
}

export async function listAuthorizations(host: HostContext, t: InfluxTarget, orgID: string): Promise<InfluxAuthorization[]> {
  const res = await influxCall(host, t, { method: 'GET', path: '/api/v2/authorizations', query: { orgID }, ok: [200] });
  return parseAuthorizations(res.json);
}

export async function createAuthorization(
  host: HostContext,
  t: InfluxTarget,
  body: { orgID: string; description: string; permissions: InfluxPermission[] },
): Promise<InfluxAuthorization> {
  const res = await influxCall(host, t, { method: 'POST', path: '/api/v2/authorizations', json: { ...body, status: 'active' }, ok: [201] });
  return parseAuthorization(res.json, 'POST /api/v2/authorizations');
}

export async function activateAuthorization(host: HostContext, t: InfluxTarget, id: string): Promise<void> {
  await influxCall(host, t, { method: 'PATCH', path: `/api/v2/authorizations/${encodeURIComponent(id)}`, json: { status: 'active' }, ok: [200] });
}

/** Deleting one already gone (404) is what was wanted. */
export async function deleteAuthorization(host: HostContext, t: InfluxTarget, id: string): Promise<void> {
  await influxCall(host, t, { method: 'DELETE', path: `/api/v2/authorizations/${encodeURIComponent(id)}`, ok: [204, 404] });
}

export async function listDbrps(host: HostContext, t: InfluxTarget, orgID: string, db: string): Promise<InfluxDbrp[]> {
  const res = await influxCall(host, t, { method: 'GET', path: '/api/v2/dbrps', query: { orgID, db }, ok: [200] });
  return parseDbrps(res.json);
}

export async function createDbrp(
  host: HostContext,
  t: InfluxTarget,
  body: { orgID: string; bucketID: string; database: string; retention_policy: string; default: boolean },
): Promise<InfluxDbrp> {
  const res = await influxCall(host, t, { method: 'POST', path: '/api/v2/dbrps', json: body, ok: [201] });
  return parseDbrp(res.json, 'POST /api/v2/dbrps');
}

/** PATCH and DELETE of a mapping need the org as a query parameter (dbrp/http_server_dbrp.go). */
export async function setDbrpDefault(host: HostContext, t: InfluxTarget, orgID: string, id: string, isDefault: boolean): Promise<void> {
  await influxCall(host, t, { method: 'PATCH', path: `/api/v2/dbrps/${encodeURIComponent(id)}`, query: { orgID }, json: { default: isDefault }, ok: [200] });
}

export async function deleteDbrp(host: HostContext, t: InfluxTarget, orgID: string, id: string): Promise<void> {
  await influxCall(host, t, { method: 'DELETE', path: `/api/v2/dbrps/${encodeURIComponent(id)}`, query: { orgID }, ok: [204, 404] });
}
