// Parser for `openssl x509 -noout -serial -subject -issuer -enddate -ext subjectAltName` (OpenSSL 3).

export interface CertInfo {
  notAfter: Date;
  /** DNS names and IP addresses from subjectAltName, in order, e.g. ["a.example", "127.0.0.1"]. */
  names: string[];
  subject?: string;
  issuer?: string;
  /** Upper-case hex without colons or leading zeros, e.g. "1A2B". */
  serial?: string;
}

/** A serial as openssl prints it or as an operator writes it, in one form for comparing. */
export function normalSerial(s: string): string {
  return s.trim().replace(/^0x/i, '').replace(/:/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

/** Throws when there is no notAfter line (not a certificate, or openssl failed). */
export function parseX509Text(text: string): CertInfo {
  const end = /^notAfter=(.+)$/m.exec(text);
  if (!end?.[1]) throw new Error('no notAfter in openssl x509 output');
  const notAfter = new Date(end[1].trim());
  if (Number.isNaN(notAfter.getTime())) throw new Error(`unreadable notAfter: ${end[1]}`);
  const names: string[] = [];
  const san = /X509v3 Subject Alternative Name:[^\n]*\n\s*([^\n]*)/.exec(text);
  if (san?.[1]) {
    for (const part of san[1].split(',')) {
      const m = /^\s*(DNS|IP Address):(.+?)\s*$/.exec(part);
      if (m?.[2]) names.push(m[2]);
    }
  }
  const info: CertInfo = { notAfter, names };
  const subject = /^subject=(.*)$/m.exec(text)?.[1];
  const issuer = /^issuer=(.*)$/m.exec(text)?.[1];
  if (subject !== undefined) info.subject = subject.trim();
  if (issuer !== undefined) info.issuer = issuer.trim();
  const serial = /^serial=([0-9A-Fa-f]+)\s*$/m.exec(text)?.[1];
  if (serial !== undefined) info.serial = normalSerial(serial);
  return info;
}

/** Days from `now` until the certificate expires (negative when expired). */
export function daysLeft(info: CertInfo, now: Date): number {
  return (info.notAfter.getTime() - now.getTime()) / 86_400_000;
}

/** Same set of names, ignoring order and case. */
export function sameNames(a: string[], b: string[]): boolean {
  const norm = (x: string[]): string => [...new Set(x.map((s) => s.toLowerCase()))].sort().join(',');
  return norm(a) === norm(b);
}
