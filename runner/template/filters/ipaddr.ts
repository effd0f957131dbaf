// The common uses of ansible.utils.ipaddr (netaddr-based in Ansible): validity filtering (`ipaddr`,
// `ipv4`, `ipv6`) and the queries address, network, netmask, prefix, broadcast, host,
// network/prefix, public, private, and an integer (the nth address of the network).
import { TemplateError } from '../errors.js';
import { pyStr } from '../python.js';

interface Net {
  version: 4 | 6;
  ip: bigint;
  prefix: number;
  bits: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseV4(v4[1]!);
    if (n === undefined) return undefined;
    tail = [n >> 16n, n & 0xffffn];
    text = text.slice(0, -v4[1]!.length) + (text.endsWith(`::${v4[1]}`) ? '' : '0');
    if (!text.endsWith(':')) text = text.slice(0, -1);
    else if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const total = head.length + rest.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const words = [...head.map((g) => BigInt(`0x${g}`)), ...Array<bigint>(8 - total).fill(0n), ...rest.map((g) => BigInt(`0x${g}`)), ...tail];
  return words.reduce((acc, w) => (acc << 16n) | w, 0n);
}

export function parseNet(value: unknown): Net | undefined {
  if (typeof value !== 'string') return undefined;
  const [addr, pfx, extra] = value.trim().split('/');
  if (extra !== undefined || !addr) return undefined;
  const v4 = parseV4(addr);
  const ip = v4 ?? parseV6(addr);
  if (ip === undefined) return undefined;
  const bits = v4 !== undefined ? 32 : 128;
  let prefix = bits;
  if (pfx !== undefined) {
    const mask = bits === 32 ? parseV4(pfx) : undefined;
    if (/^\d{1,3}$/.test(pfx) && Number(pfx) <= bits) prefix = Number(pfx);
    else if (mask !== undefined && /^1*0*$/.test(mask.toString(2).padStart(32, '0'))) prefix = mask.toString(2).replace(/0+$/, '').length;
    else return undefined;
  }
  return { version: bits === 32 ? 4 : 6, ip, prefix, bits };
}

function formatIp(n: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const words = [...Array(8).keys()].map((i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (2+) of zero words becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const maskOf = (n: Net): bigint => ((1n << BigInt(n.bits)) - 1n) ^ ((1n << BigInt(n.bits - n.prefix)) - 1n);
const size = (n: Net): bigint => 1n << BigInt(n.bits - n.prefix);

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10', '::1/128'].map((s) => parseNet(s)!);
const NOT_PUBLIC = [...PRIVATE, ...['0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '::/128', 'ff00::/8'].map((s) => parseNet(s)!)];
const within = (n: Net, nets: Net[]): boolean => nets.some((r) => r.version === n.version && (n.ip & maskOf(r)) === r.ip);

function query(n: Net, original: string, q: unknown): unknown {
  const network = n.ip & maskOf(n);
  const broadcast = network | (size(n) - 1n);
  if (typeof q === 'number') {
    const nth = q < 0 ? BigInt(broadcast) + 1n + BigInt(q) : network + BigInt(q);
    if (nth < network || nth > broadcast) return false;
    return `${formatIp(nth, n.version)}/${n.prefix}`;
  }
  switch (q) {
    case undefined:
    case null:
    case '':
      return original;
    case 'address':
      return size(n) > 1n && n.ip === network && size(n) > 2n ? false : formatIp(n.ip, n.version);
    case 'network':
      return formatIp(network, n.version);
    case 'netmask':
      return formatIp(maskOf(n), n.version);
    case 'prefix':
      return n.prefix;
    case 'broadcast':
      return size(n) > 2n ? formatIp(broadcast, n.version) : false;
    case 'host':
      return size(n) === 1n || n.ip !== network ? `${formatIp(n.ip, n.version)}/${n.prefix}` : false;
    case 'net':
      return n.ip === network && size(n) > 1n ? `${formatIp(network, n.version)}/${n.prefix}` : false;
    case 'network/prefix':
    case 'subnet':
    case 'cidr':
      return `${formatIp(network, n.version)}/${n.prefix}`;
    case 'size':
      return Number(size(n));
    case 'private':
      return within(n, PRIVATE) ? original : false;
    case 'public':
      return within(n, NOT_PUBLIC) ? false : original;
    default:
      throw new TemplateError(`ipaddr: query '${pyStr(q)}' is not supported (supported: address, network, netmask, prefix, broadcast, host, net, network/prefix, size, public, private, or an index)`);
  }
}

function ipFilter(version: 4 | 6 | undefined) {
  return (value: unknown, args: unknown[]): unknown => {
    const q = args[0];
    const one = (v: unknown): unknown => {
      const n = parseNet(typeof v === 'number' ? pyStr(v) : v);
      if (!n || (version !== undefined && n.version !== version)) return false;
      return query(n, String(v).trim(), q);
    };
    if (Array.isArray(value)) return value.map(one).filter((r) => r !== false);
    return one(value);
  };
}

export const ipFilters = {
  ipaddr: ipFilter(undefined),
  ipv4: ipFilter(4),
  ipv6: ipFilter(6),
};
