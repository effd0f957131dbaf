import { describe, expect, it } from 'vitest';
import { formatIpv4, parseCidr, parseIpv4 } from '../../../../../modules/lib/net/ipv4.js';

describe('ipv4', () => {
  it.each([
    ['10.0.3.1', 167772929],
    ['255.255.255.255', 4294967295],
    ['10.0.3.256', null],
    ['10.0.3', null],
    ['a.b.c.d', null],
  ])('parses %s', (text, n) => {
    expect(parseIpv4(text)).toBe(n);
    if (n !== null) expect(formatIpv4(n)).toBe(text);
  });
  it('normalises a CIDR to its network', () => {
    const s = parseCidr('10.0.3.77/24');
    expect([formatIpv4(s.network), formatIpv4(s.broadcast), s.prefix]).toEqual(['10.0.3.0', '10.0.3.255', 24]);
  });
  it.each(['10.0.3.0', '10.0.3.0/31', '10.0.3.0/x', 'x/24'])('rejects %s', (c) => {
    expect(() => parseCidr(c)).toThrow(/not an IPv4 subnet/);
  });
});
