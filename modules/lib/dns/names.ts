// DNS names and record values in the canonical form PowerDNS stores and returns, so a wanted RRset
// and the server's compare equal exactly when the server would answer the same thing.

/** `osm-lab.test` or `osm-lab.test.` -> `osm-lab.test.` (lowercase: DNS names are case-insensitive). */
export function zoneFqdn(zone: string): string {
  const z = zone.trim().toLowerCase().replace(/\.+$/, '');
  if (z === '') throw new Error('zone is empty');
  return `${z}.`;
}

/**
 * The record's owner name as an FQDN inside the zone. `@` or '' is the apex; `www` is relative;
 * `www.osm-lab.test` (ending in the zone) and `www.osm-lab.test.` are taken as full names.
 * A full name outside the zone is refused: the server would reject it anyway, less clearly.
 */
export function recordFqdn(name: string, zone: string): string {
  const z = zoneFqdn(zone);
  const n = name.trim().toLowerCase();
  if (n === '' || n === '@' || n === z || `${n}.` === z) return z;
  if (n.endsWith('.')) {
    if (!n.endsWith(`.${z}`)) throw new Error(`name '${name}' is outside zone ${z}`);
    return n;
  }
  if (`${n}.`.endsWith(`.${z}`)) return `${n}.`;
  return `${n}.${z}`;
}

/** Types whose whole value is a domain name. */
const NAME_TYPES = new Set(['CNAME', 'NS', 'PTR', 'DNAME']);
/** Types whose last field is a domain name: MX `10 mail.example.`, SRV `0 5 8883 host.example.`. */
const LAST_FIELD_NAME_TYPES = new Set(['MX', 'SRV']);

const withDot = (n: string) => (n.endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.`);

/** An IPv6 address in the compressed lowercase form PowerDNS returns (fd00:0::0001 -> fd00::1). */
function canonicalIpv6(v: string): string {
  try {
    return new URL(`http://[${v}]/`).hostname.slice(1, -1);
  } catch {
    return v; // not an address: the server says what is wrong with it
  }
}

/** A TXT value as DNS character strings: given quoted it is kept, else quoted with `"` and `\` escaped. */
function quoteTxt(v: string): string {
  if (v.startsWith('"')) return v;
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** One value as PowerDNS stores it for this type. */
export function canonicalValue(type: string, value: string): string {
  const v = value.trim();
  if (NAME_TYPES.has(type)) return withDot(v);
  if (LAST_FIELD_NAME_TYPES.has(type)) {
    const fields = v.split(/\s+/);
    const last = fields.pop() ?? '';
    return [...fields, withDot(last)].join(' ');
  }
  if (type === 'AAAA') return canonicalIpv6(v);
  if (type === 'TXT' || type === 'SPF') return quoteTxt(v);
  return v;
}

/** Canonical values, duplicates dropped, sorted: an RRset is a set. */
export function canonicalValues(type: string, values: string[]): string[] {
  return [...new Set(values.map((v) => canonicalValue(type, v)))].sort();
}
