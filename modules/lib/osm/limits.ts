// A customer's limits as the inventory and -e write them: memory sizes (cgroup) and bandwidth rates
// (tc). Pure, so the parsing and the tbf shape are unit-tested; the veth hook script
// (templates/osm-veth-limit.sh.j2) and osm-metrics read rates with the same units.

/** A memory limit as cgroups take it: bytes with an optional K/M/G/T suffix (powers of 1024), or `max`. */
export const MEMORY_PATTERN = '^([0-9]+[KMGT]?|max)$';
/** A rate as tc writes it (bits per second with bit/kbit/mbit/gbit, powers of 1000), or none for no limit. */
export const BANDWIDTH_PATTERN = '^([0-9]+(bit|kbit|mbit|gbit)|none)$';

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** Bytes of a memory limit; null for `max` (no limit). */
export function parseSize(text: string): number | null {
  if (text === 'max') return null;
  const m = /^([0-9]+)([KMGT]?)$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a memory size (bytes, or a number with K, M, G or T; or max)`);
  const bytes = Number(m[1]) * (SIZE_UNITS[m[2] ?? ''] ?? 1);
  if (!Number.isSafeInteger(bytes)) throw new Error(`'${text}' is too large a memory size`);
  return bytes;
}

/** Bits per second of a rate. */
export function parseRate(text: string): number {
  const m = /^([0-9]+)(bit|kbit|mbit|gbit)$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a rate (a number with bit, kbit, mbit or gbit)`);
  const bps = Number(m[1]) * (RATE_UNITS[m[2] ?? 'bit'] ?? 1);
  if (bps <= 0 || !Number.isSafeInteger(bps)) throw new Error(`'${text}' is not a usable rate`);
  return bps;
}

/** A byte count in the largest unit that divides it evenly (536870912 → 512M). */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return 'max';
  for (const u of ['T', 'G', 'M', 'K'] as const) {
    const n = SIZE_UNITS[u] ?? 1;
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${u}`;
  }
  return String(bytes);
}

/** Bits per second in the largest tc unit that divides it evenly (10000000 → 10mbit). */
export function formatRate(bps: number): string {
  for (const u of ['gbit', 'mbit', 'kbit'] as const) {
    const n = RATE_UNITS[u] ?? 1;
    if (bps >= n && bps % n === 0) return `${bps / n}${u}`;
  }
  return `${bps}bit`;
}

const PAGE = 4096;
/** cgroup v1 reports "no limit" as the largest page multiple of a signed 64-bit number. */
const V1_UNLIMITED = 2 ** 62;

/**
 * The limit a cgroup file reads back (memory.max: bytes or `max`; memory.limit_in_bytes: bytes, a
 * huge number for none), as bytes or null for none. The kernel rounds a limit down to whole pages.
 */
export function parseCgroupLimit(text: string): number | null {
  const t = text.trim();
  if (t === 'max' || t === '-1') return null;
  if (!/^[0-9]+$/.test(t)) throw new Error(`'${t}' is not a cgroup memory limit`);
  const n = Number(t);
  return n >= V1_UNLIMITED ? null : n;
}

/** Whether a cgroup's limit is the one asked for (the kernel keeps whole pages of it). */
export function sameMemoryLimit(wanted: number | null, current: number | null): boolean {
  if (wanted === null || current === null) return wanted === current;
  return Math.floor(wanted / PAGE) === Math.floor(current / PAGE);
}

/** The cgroup file of the memory limit, and the value written to it, for each cgroup version. */
export function memoryKey(v2: boolean): string {
  return v2 ? 'memory.max' : 'memory.limit_in_bytes';
}
export function memoryValue(v2: boolean, bytes: number | null): string {
  if (bytes === null) return v2 ? 'max' : '-1';
  return String(bytes);
}

/**
 * tbf's bucket: 10 ms of the rate, at least 16 KiB (a few full-size packets, so a kernel with a
 * coarse timer still reaches the rate). The hook script computes the same.
 */
export function tbfBurstBytes(bps: number): number {
  return Math.max(16384, Math.floor(bps / 8 / 100));
}

/** `tc qdisc replace` argv that limits what the host sends into the container through its veth. */
export function tbfArgv(veth: string, bps: number): string[] {
  return ['tc', 'qdisc', 'replace', 'dev', veth, 'root', 'tbf', 'rate', `${bps}bit`, 'burst', String(tbfBurstBytes(bps)), 'latency', '100ms'];
}

/** The root qdisc of a device from `tc -j qdisc show dev VETH root`: its kind and, for tbf, its rate in bits/s. */
export interface RootQdisc {
  kind: string;
  bps: number | null;
}

export function parseRootQdisc(json: string): RootQdisc | null {
  let doc: unknown;
  try {
    doc = JSON.parse(json.trim() === '' ? '[]' : json);
  } catch {
    throw new Error(`tc printed no JSON: ${json.slice(0, 200)}`);
  }
  if (!Array.isArray(doc)) throw new Error('tc -j printed no list');
  const root = (doc as Record<string, unknown>[]).find((q) => q['root'] === true) ?? (doc[0] as Record<string, unknown> | undefined);
  if (!root || typeof root['kind'] !== 'string') return null;
  const options = root['options'] as Record<string, unknown> | undefined;
  // tc -j gives tbf's rate in bytes per second.
  const rate = options?.['rate'];
  return { kind: root['kind'], bps: typeof rate === 'number' ? rate * 8 : null };
}

/** Whether a root qdisc limits the device to the rate (none wanted: no tbf there). */
export function sameRate(wantedBps: number | null, q: RootQdisc | null): boolean {
  const current = q?.kind === 'tbf' ? q.bps : null;
  if (wantedBps === null || current === null) return wantedBps === current;
  // tc keeps the rate in bytes per second.
  return Math.abs(current - wantedBps) <= 8;
}
