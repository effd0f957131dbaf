// Pure readers of InfluxDB OSS 2.7's API answers (https://docs.influxdata.com/influxdb/v2/api/): each
// takes a parsed JSON body and returns the few fields the influxdb_* modules decide with, or throws a
// ModuleError naming the request whose answer was not what 2.7 sends.
import { ModuleError } from '../../../runner/module.js';

export interface InfluxOrg {
  id: string;
  name: string;
}

export interface InfluxBucket {
  id: string;
  name: string;
  orgID: string;
  /** 0: kept forever. */
  retentionSeconds: number;
  shardGroupSeconds: number;
}

export interface InfluxPermission {
  action: 'read' | 'write';
  resource: { type: string; id?: string; orgID?: string };
}

export interface InfluxAuthorization {
  id: string;
  /** The token value: OSS 2.7 returns it in every GET (2.9 hashes tokens and no longer can). */
  token: string;
  status: 'active' | 'inactive';
  description: string;
  orgID: string;
  permissions: InfluxPermission[];
}

export interface InfluxDbrp {
  id: string;
  database: string;
  retention_policy: string;
  default: boolean;
  orgID: string;
  bucketID: string;
  /** A read-only mapping 2.7 derives from a bucket's name; not stored, cannot be changed. */
  virtual: boolean;
}

type Json = Record<string, unknown>;

/** The failure of a reader: which answer, and what was wrong with it. */
export function badAnswer(what: string, problem: string): ModuleError {
  return new ModuleError(`InfluxDB gave an unexpected answer to ${what}: ${problem}`);
}

function object(v: unknown, what: string, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badAnswer(what, `${where} is not an object`);
  return v as Json;
}

function list(v: unknown, what: string, where: string): unknown[] {
  if (!Array.isArray(v)) throw badAnswer(what, `${where} is not a list`);
  return v;
}

function text(o: Json, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw badAnswer(what, `no ${key}`);
  return v;
}

function optionalText(o: Json, key: string): string | undefined {
  return typeof o[key] === 'string' && o[key] !== '' ? o[key] : undefined;
}

/** GET /api/v2/setup: `{"allowed": true}` while the instance has no user, org or bucket yet. */
export function parseSetupAllowed(body: unknown): boolean {
  const what = 'GET /api/v2/setup';
  const allowed = object(body, what, 'the body').allowed;
  if (typeof allowed !== 'boolean') throw badAnswer(what, 'no allowed flag');
  return allowed;
}

/** POST /api/v2/setup (201): the org and bucket it made (the user and auth are not needed). */
export function parseSetupResult(body: unknown): { orgID: string; bucketID: string } {
  const what = 'POST /api/v2/setup';
  const o = object(body, what, 'the body');
  return { orgID: text(object(o.org, what, 'org'), 'id', what), bucketID: text(object(o.bucket, what, 'bucket'), 'id', what) };
}

export function parseOrg(v: unknown, what: string): InfluxOrg {
  const o = object(v, what, 'an organization');
  return { id: text(o, 'id', what), name: text(o, 'name', what) };
}

/** GET /api/v2/orgs: `{"orgs": [...]}`. */
export function parseOrgs(body: unknown): InfluxOrg[] {
  const what = 'GET /api/v2/orgs';
  return list(object(body, what, 'the body').orgs, what, 'orgs').map((o) => parseOrg(o, what));
}

/**
 * A bucket's retention from its retentionRules. 2.7 sends no rule, or one `expire` rule with
 * everySeconds 0, for a bucket kept forever (tenant/http_server_bucket.go, newBucket).
 */
function retentionOf(rules: unknown, what: string): { retentionSeconds: number; shardGroupSeconds: number } {
  const rs = rules === undefined || rules === null ? [] : list(rules, what, 'retentionRules');
  const rule = rs.map((r) => object(r, what, 'a retention rule')).find((r) => r.type === 'expire');
  if (!rule) return { retentionSeconds: 0, shardGroupSeconds: 0 };
  const every = rule.everySeconds ?? 0;
  const shard = rule.shardGroupDurationSeconds ?? 0;
  if (typeof every !== 'number' || typeof shard !== 'number') throw badAnswer(what, 'a retention rule without numbers');
  return { retentionSeconds: every, shardGroupSeconds: shard };
}

export function parseBucket(v: unknown, what: string): InfluxBucket {
  const o = object(v, what, 'a bucket');
  return { id: text(o, 'id', what), name: text(o, 'name', what), orgID: text(o, 'orgID', what), ...retentionOf(o.retentionRules, what) };
}

/** GET /api/v2/buckets: `{"buckets": [...]}`. */
export function parseBuckets(body: unknown): InfluxBucket[] {
  const what = 'GET /api/v2/buckets';
  return list(object(body, what, 'the body').buckets, what, 'buckets').map((b) => parseBucket(b, what));
}

function parsePermission(v: unknown, what: string): InfluxPermission {
  const p = object(v, what, 'a permission');
  if (p.action !== 'read' && p.action !== 'write') throw badAnswer(what, `permission action ${JSON.stringify(p.action)}`);
  const r = object(p.resource, what, 'a permission resource');
  const id = optionalText(r, 'id');
  const orgID = optionalText(r, 'orgID');
  return { action: p.action, resource: { type: text(r, 'type', what), ...(id ? { id } : {}), ...(orgID ? { orgID } : {}) } };
}

export function parseAuthorization(v: unknown, what: string): InfluxAuthorization {
  const a = object(v, what, 'an authorization');
  if (a.status !== 'active' && a.status !== 'inactive') throw badAnswer(what, `authorization status ${JSON.stringify(a.status)}`);
  return {
    id: text(a, 'id', what),
    token: text(a, 'token', what),
    status: a.status,
    description: typeof a.description === 'string' ? a.description : '',
    orgID: text(a, 'orgID', what),
    permissions: list(a.permissions, what, 'permissions').map((p) => parsePermission(p, what)),
  };
}

/** GET /api/v2/authorizations: `{"authorizations": [...]}`. */
export function parseAuthorizations(body: unknown): InfluxAuthorization[] {
  const what = 'GET /api/v2/authorizations';
  return list(object(body, what, 'the body').authorizations, what, 'authorizations').map((a) => parseAuthorization(a, what));
}

export function parseDbrp(v: unknown, what: string): InfluxDbrp {
  const d = object(v, what, 'a DBRP mapping');
  return {
    id: text(d, 'id', what),
    database: text(d, 'database', what),
    retention_policy: text(d, 'retention_policy', what),
    default: d.default === true,
    orgID: text(d, 'orgID', what),
    bucketID: text(d, 'bucketID', what),
    virtual: d.virtual === true,
  };
}

/** GET /api/v2/dbrps: `{"content": [...]}`, physical mappings first, then the virtual ones. */
export function parseDbrps(body: unknown): InfluxDbrp[] {
  const what = 'GET /api/v2/dbrps';
  return list(object(body, what, 'the body').content, what, 'content').map((d) => parseDbrp(d, what));
}
