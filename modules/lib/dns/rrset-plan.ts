// Pure planning of one RRset: what the zone holds against what is wanted, as a Change whose data
// is the PATCH entry that makes it so. Values compare as a set (order and duplicates do not matter).
import type { Change } from '../../../runner/types.js';
import type { PdnsRecord, PdnsRrset, RrsetChange } from './pdns-api.js';

export interface WantedRrset {
  /** FQDN with the trailing dot, lowercase. */
  name: string;
  /** Uppercase: A, AAAA, CNAME, TXT... */
  type: string;
  ttl: number;
  /** Canonical (names.ts), without duplicates. For absent: the values to remove; [] means the whole RRset. */
  values: string[];
  state: 'present' | 'absent';
}

/** Zone-file lines of an RRset, for diffs: `www.osm-lab.test. 300 IN A 10.0.3.10`; '' when absent. */
export function rrsetText(name: string, type: string, ttl: number, records: PdnsRecord[]): string {
  const lines = records.map((r) => `${r.disabled ? '; disabled: ' : ''}${name} ${ttl} IN ${type} ${r.content}`).sort();
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const enabled = (values: string[]): PdnsRecord[] => values.map((content) => ({ content, disabled: false }));

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((v) => sa.has(v));
}

/** "ttl 300 -> 600, +10.0.3.12, -10.0.3.11": what an update does, for the one-line summary. */
function describeUpdate(cur: PdnsRrset, ttl: number, values: string[]): string {
  const had = cur.records.filter((r) => !r.disabled).map((r) => r.content);
  const parts: string[] = [];
  if (cur.ttl !== ttl) parts.push(`ttl ${cur.ttl} -> ${ttl}`);
  for (const v of values) if (!had.includes(v)) parts.push(`+${v}`);
  for (const v of had) if (!values.includes(v)) parts.push(`-${v}`);
  const disabled = cur.records.filter((r) => r.disabled).length;
  if (disabled > 0) parts.push(`drop ${disabled} disabled record(s)`);
  return parts.join(', ');
}

/** What planRrset plans: each change carries the PATCH entry (REPLACE or DELETE) that makes it. */
export type RrsetPlanChange = Change<'create', RrsetChange> | Change<'update', RrsetChange> | Change<'delete', RrsetChange>;

function change(action: RrsetPlanChange['action'], w: WantedRrset, summary: string, before: string, after: string, data: RrsetChange): RrsetPlanChange {
  return { action, target: `${w.name} ${w.type}`, summary, before, after, data };
}

/** A CNAME shares its name with no other type (RFC 1034 3.6.2); the server would refuse, less clearly. */
function cnameConflict(w: WantedRrset, otherTypes: string[]): string | null {
  if (w.type === 'CNAME' && otherTypes.length > 0) {
    return `${w.name} already has ${otherTypes.join(', ')} records, and a CNAME cannot share its name: remove them first (state: absent)`;
  }
  if (w.type !== 'CNAME' && otherTypes.includes('CNAME')) {
    return `${w.name} is a CNAME, which cannot share its name with ${w.type}: remove the CNAME first (type: CNAME, state: absent)`;
  }
  return null;
}

/** `otherTypes`: the types of the other RRsets at the same name. */
export function planRrset(w: WantedRrset, cur: PdnsRrset | null, otherTypes: string[] = []): RrsetPlanChange[] {
  const before = cur ? rrsetText(cur.name, cur.type, cur.ttl, cur.records) : '';
  if (w.state === 'absent') return planAbsent(w, cur, before);
  if (w.values.length === 0) throw new Error('values: at least one value is needed for state=present');
  if ((w.type === 'CNAME' || w.type === 'DNAME') && w.values.length > 1) {
    throw new Error(`values: a ${w.type} holds exactly one value, got ${w.values.length}`);
  }
  const conflict = cnameConflict(w, otherTypes);
  if (conflict !== null) throw new Error(conflict);
  const after = rrsetText(w.name, w.type, w.ttl, enabled(w.values));
  const data: RrsetChange = { name: w.name, type: w.type, changetype: 'REPLACE', ttl: w.ttl, records: enabled(w.values) };
  if (!cur) return [change('create', w, `create ${w.name} ${w.type} ${w.values.join(' ')} (ttl ${w.ttl})`, before, after, data)];
  const allEnabled = cur.records.every((r) => !r.disabled);
  const curValues = cur.records.map((r) => r.content);
  if (allEnabled && cur.ttl === w.ttl && sameSet(curValues, w.values)) return [];
  return [change('update', w, `update ${w.name} ${w.type}: ${describeUpdate(cur, w.ttl, w.values)}`, before, after, data)];
}

function planAbsent(w: WantedRrset, cur: PdnsRrset | null, before: string): RrsetPlanChange[] {
  if (!cur) return [];
  const del: RrsetChange = { name: w.name, type: w.type, changetype: 'DELETE' };
  if (w.values.length === 0) return [change('delete', w, `delete ${w.name} ${w.type}`, before, '', del)];
  // Only the given values go; the rest of the RRset stays as it is.
  const kept = cur.records.filter((r) => !w.values.includes(r.content));
  if (kept.length === cur.records.length) return [];
  const removed = cur.records.filter((r) => w.values.includes(r.content)).map((r) => r.content);
  if (kept.length === 0) return [change('delete', w, `delete ${w.name} ${w.type} (its last values ${removed.join(' ')})`, before, '', del)];
  const after = rrsetText(cur.name, cur.type, cur.ttl, kept);
  const data: RrsetChange = { name: w.name, type: w.type, changetype: 'REPLACE', ttl: cur.ttl, records: kept };
  return [change('update', w, `update ${w.name} ${w.type}: -${removed.join(', -')}`, before, after, data)];
}
