// IPv4 arithmetic for address allocation: addresses as unsigned 32-bit numbers.

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a number, or null when the text is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | null {
  const m = OCTETS.exec(text.trim());
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    n = n * 256 + o;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface Subnet {
  network: number;
  broadcast: number;
  prefix: number;
}

/** Parses `10.0.3.0/24`; throws on anything else, naming the bad text. */
export function parseCidr(cidr: string): Subnet {
  const [addr, bits, extra] = cidr.split('/');
  const ip = parseIpv4(addr ?? '');
  const prefix = Number(bits);
  if (ip === null || extra !== undefined || !/^\d{1,2}$/.test(bits ?? '') || prefix > 30 || prefix < 8) {
    throw new Error(`not an IPv4 subnet between /8 and /30: '${cidr}'`);
  }
  const size = 2 ** (32 - prefix);
  const network = ip - (ip % size);
  return { network, broadcast: network + size - 1, prefix };
}

export function inSubnet(ip: number, subnet: Subnet): boolean {
  return ip >= subnet.network && ip <= subnet.broadcast;
}
