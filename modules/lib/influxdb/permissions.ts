// Bucket permissions of an InfluxDB 2.7 authorization: the task names buckets, the API wants
// `{action, resource: {type: "buckets", id, orgID}}` (https://docs.influxdata.com/influxdb/v2/api/#operation/PostAuthorizations),
// and answers with the same plus names. Two permission lists are the same when their sets of
// (action, type, id, orgID) are equal: order and the names InfluxDB adds do not count.
import type { InfluxPermission } from './parse.js';

/** A permission as a task gives it. */
export interface BucketGrant {
  action: 'read' | 'write';
  bucket: string;
}

/** The API's permission for a grant, with the bucket's ID resolved. */
export function bucketPermission(g: BucketGrant, bucketID: string, orgID: string): InfluxPermission {
  return { action: g.action, resource: { type: 'buckets', id: bucketID, orgID } };
}

function permissionKey(p: InfluxPermission): string {
  return [p.action, p.resource.type, p.resource.id ?? '*', p.resource.orgID ?? '*'].join(' ');
}

export function samePermissions(a: InfluxPermission[], b: InfluxPermission[]): boolean {
  const ka = new Set(a.map(permissionKey));
  const kb = new Set(b.map(permissionKey));
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}

/**
 * One line per permission, sorted, for plans and diffs: `write buckets osm` where the bucket's ID
 * has a name the task gave, else the ID (`read buckets 0a1b…`), `all` for a type-wide permission.
 */
export function describePermissions(ps: InfluxPermission[], namesById: Record<string, string> = {}): string {
  const lines = ps.map((p) => `${p.action} ${p.resource.type} ${p.resource.id === undefined ? 'all' : (namesById[p.resource.id] ?? p.resource.id)}`);
  return [...new Set(lines)].sort().join(', ');
}
