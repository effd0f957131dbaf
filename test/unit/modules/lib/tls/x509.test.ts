import { describe, expect, it } from 'vitest';
import { daysLeft, normalSerial, parseX509Text, sameNames } from '../../../../../modules/lib/tls/x509.js';

describe('parseX509Text (openssl 3.0 output)', () => {
  it('reads expiry, SANs, subject, issuer and serial', () => {
    const info = parseX509Text(`serial=0A12F3
notAfter=Dec  7 22:36:54 2026 GMT
X509v3 Subject Alternative Name: 
    DNS:a.example, DNS:b.example, IP Address:127.0.0.1
subject=CN = a.example
issuer=CN = Pebble Intermediate CA 5c3a0e
`);
    expect(info.notAfter.toISOString()).toBe('2026-12-07T22:36:54.000Z');
    expect(info.names).toEqual(['a.example', 'b.example', '127.0.0.1']);
    expect(info.subject).toBe('CN = a.example');
    expect(info.issuer).toBe('CN = Pebble Intermediate CA 5c3a0e');
    expect(info.serial).toBe('A12F3');
    expect(Math.round(daysLeft(info, new Date('2026-11-27T22:36:54Z')))).toBe(10);
  });
  it('has no names when the certificate has no SAN (openssl says so on stderr)', () => {
    expect(parseX509Text('notAfter=Jan  1 00:00:00 2030 GMT\n').names).toEqual([]);
  });
  it.each(['', 'unable to load certificate', 'notAfter=garbage'])('throws on %j', (t) => {
    expect(() => parseX509Text(t)).toThrow();
  });
  it.each([
    ['0A:12:f3', 'A12F3'],
    ['0x0a12f3', 'A12F3'],
    [' A12F3\n', 'A12F3'],
    ['00', '0'],
  ])('normalSerial %j is %j', (given, normal) => {
    expect(normalSerial(given)).toBe(normal);
  });
  it.each([
    [['a', 'b'], ['B', 'a'], true],
    [['a'], ['a', 'b'], false],
    [['a', 'a'], ['a'], true],
  ])('sameNames %j %j', (a, b, same) => {
    expect(sameNames(a, b)).toBe(same);
  });
});
