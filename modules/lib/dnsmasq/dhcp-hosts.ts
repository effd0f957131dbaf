// dnsmasq dhcp-host lines: parsing, allocation of a free address and MAC, and the edited file text.
// The same parser reads a dnsmasq conf file (`dhcp-host=...` lines) and a dhcp-hostsfile (bare values).
import { createHash } from 'node:crypto';
import { formatIpv4, inSubnet, parseIpv4, type Subnet } from '../net/ipv4.js';

export type HostsFormat = 'conf' | 'hostsfile';

export interface DhcpHostLine {
  /** 0-based line number in the file. */
  index: number;
  mac?: string;
  ip?: string;
  name?: string;
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const LEASE_TIME = /^(\d+[smhdw]?|infinite)$/i;
const PREFIXED = /^(id|set|tag|net):/i;

/** The value part of a line holding a dhcp-host, or null when the line is something else. */
function hostValue(line: string, format: HostsFormat): string | null {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return null;
  if (format === 'hostsfile') return t;
  const m = /^dhcp-host\s*=\s*(.*)$/.exec(t);
  return m ? (m[1] ?? '') : null;
}

/** Reads every dhcp-host entry of the file: its MAC, IPv4 address and host name where present. */
export function parseDhcpHosts(text: string, format: HostsFormat): DhcpHostLine[] {
  const out: DhcpHostLine[] = [];
  text.split('\n').forEach((line, index) => {
    const value = hostValue(line, format);
    if (value === null) return;
    const entry: DhcpHostLine = { index };
    for (const raw of value.split(',')) {
      const field = raw.trim();
      if (field === '' || PREFIXED.test(field) || field === 'ignore') continue;
      if (MAC.test(field)) entry.mac ??= field.toLowerCase();
      else if (parseIpv4(field) !== null) entry.ip ??= field;
      else if (LEASE_TIME.test(field)) continue;
      else entry.name ??= field;
    }
    out.push(entry);
  });
  return out;
}

export interface Lease {
  index: number;
  mac: string;
  ip: string;
  name: string;
}

/** dnsmasq's lease file: `expiry mac ip hostname client-id` per line. */
export function parseLeases(text: string): Lease[] {
  const out: Lease[] = [];
  text.split('\n').forEach((line, index) => {
    const [, mac, ip, name] = line.trim().split(/\s+/);
    if (mac && ip && parseIpv4(ip) !== null) out.push({ index, mac: mac.toLowerCase(), ip, name: name ?? '*' });
  });
  return out;
}

/** Lowest address of the subnet that is not the network, broadcast, gateway or already used. */
export function lowestFreeIp(subnet: Subnet, gateway: string, used: Iterable<string>): string | null {
  const taken = new Set<number>();
  for (const ip of used) {
    const n = parseIpv4(ip);
    if (n !== null) taken.add(n);
  }
  const gw = parseIpv4(gateway);
  if (gw !== null) taken.add(gw);
  for (let n = subnet.network + 1; n < subnet.broadcast; n++) {
    if (!taken.has(n)) return formatIpv4(n);
  }
  return null;
}

/** A 00:16:3e MAC derived from the name (stable across runs and in check mode), bumped past used ones. */
export function macForName(name: string, used: Iterable<string>): string {
  const taken = new Set([...used].map((m) => m.toLowerCase()));
  taken.add('00:16:3e:00:00:00'); // lxc-net's bridge MAC
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256').update(attempt === 0 ? name : `${name}#${attempt}`).digest();
    const tail = [...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0'));
    const mac = ['00', '16', '3e', ...tail].join(':');
    if (!taken.has(mac)) return mac;
  }
}

/** `dhcp-hostsfile=PATH` lines of a dnsmasq conf: the files whose entries dnsmasq also serves. */
export function hostsfilesOf(confText: string): string[] {
  return confText
    .split('\n')
    .map((l) => /^\s*dhcp-hostsfile\s*=\s*(\S+)\s*$/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
}

export function renderHostLine(format: HostsFormat, mac: string, ip: string, name: string): string {
  const value = `${mac},${ip},${name}`;
  return format === 'conf' ? `dhcp-host=${value}` : value;
}

export interface DesiredHost {
  name: string;
  mac?: string;
  ip?: string;
}

export interface Allocation {
  mac: string;
  ip: string;
  /** The line this entry replaces, if the name (or its given MAC) already had one. */
  existing?: DhcpHostLine;
}

/**
 * Decides the MAC and IP for `want`: given values win; otherwise the name's existing line keeps its
 * values; otherwise the lowest free address and a name-derived MAC. Throws when a given value belongs
 * to another host (in this file or a reserved one) or the subnet is full.
 */
export function allocate(
  want: DesiredHost,
  lines: DhcpHostLine[],
  leases: Lease[],
  subnet: Subnet,
  gateway: string,
  reserved: DhcpHostLine[] = [],
): Allocation {
  const wantMac = want.mac?.toLowerCase();
  const existing =
    lines.find((l) => l.name === want.name) ??
    (wantMac ? lines.find((l) => l.name === undefined && l.mac === wantMac) : undefined);
  // Entries of other files (reserved) count as taken, and are never edited.
  const others = [...lines.filter((l) => l !== existing), ...reserved];
  if (wantMac) {
    const clash = others.find((l) => l.mac === wantMac);
    if (clash) throw new Error(`MAC ${wantMac} is already used by ${clash.name ?? `line ${clash.index + 1}`}`);
  }
  if (want.ip) {
    const n = parseIpv4(want.ip);
    if (n === null || !inSubnet(n, subnet)) throw new Error(`ip ${want.ip} is not in the subnet`);
    const clash = others.find((l) => l.ip === want.ip);
    if (clash) throw new Error(`ip ${want.ip} is already used by ${clash.name ?? `line ${clash.index + 1}`}`);
  }
  // Leases of this very host (same MAC) do not block its own address.
  const ownMac = wantMac ?? existing?.mac;
  const foreignLeases = leases.filter((l) => l.mac !== ownMac);
  const mac = wantMac ?? existing?.mac ?? macForName(want.name, [...others, ...leases].flatMap((l) => (l.mac ? [l.mac] : [])));
  let ip = want.ip ?? existing?.ip;
  if (!ip) {
    const used = [...others.flatMap((l) => (l.ip ? [l.ip] : [])), ...foreignLeases.map((l) => l.ip)];
    const free = lowestFreeIp(subnet, gateway, used);
    if (!free) throw new Error('no free address left in the subnet');
    ip = free;
  }
  return { mac, ip, existing };
}

/** The file text with the host's line set (replacing `existing` in place) or removed. */
export function editHostsText(text: string, replace: DhcpHostLine | undefined, line: string | null): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  if (replace) {
    if (line === null) lines.splice(replace.index, 1);
    else lines[replace.index] = line;
  } else if (line !== null) {
    lines.push(line);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The lease file without the host's leases (same MAC, IP or name). */
export function dropLeases(text: string, match: { mac?: string; ip?: string; name: string }): string {
  const drop = new Set(
    parseLeases(text)
      .filter((l) => l.mac === match.mac?.toLowerCase() || l.ip === match.ip || l.name === match.name)
      .map((l) => l.index),
  );
  if (drop.size === 0) return text;
  return text
    .split('\n')
    .filter((_, i) => !drop.has(i))
    .join('\n');
}
