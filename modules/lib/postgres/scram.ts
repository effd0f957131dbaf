// PostgreSQL password verifiers (pg_authid.rolpassword), checked and made in node so a password
// never reaches a command line, the server or its log. Formats (PostgreSQL 10+, src/common/scram-common.c):
//   SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
//     SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations, 32)
//     StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key")
//   md5<hex MD5(password || role name)>
// PostgreSQL runs the password through SASLprep before SCRAM hashing. We hash the password's UTF-8 bytes
// as they are, which is what SASLprep leaves for every password that saslprepKeeps() accepts (every
// ASCII password among them); the modules refuse the others instead of storing a verifier no login matches.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_ITERATIONS = 4096;
const KEY_LEN = 32;

export interface ScramVerifier {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** The parts of a `SCRAM-SHA-256$…` verifier, or null when it is not one (wrong shape, key lengths, iterations). */
export function parseScramVerifier(text: string): ScramVerifier | null {
  const m = /^SCRAM-SHA-256\$(\d{1,9}):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(text);
  if (!m) return null;
  const iterations = Number(m[1]);
  const salt = Buffer.from(m[2] ?? '', 'base64');
  const storedKey = Buffer.from(m[3] ?? '', 'base64');
  const serverKey = Buffer.from(m[4] ?? '', 'base64');
  if (iterations < 1 || salt.length === 0 || storedKey.length !== KEY_LEN || serverKey.length !== KEY_LEN) return null;
  return { iterations, salt, storedKey, serverKey };
}

/** StoredKey and ServerKey of a password, as RFC 5802/7677 and PostgreSQL define them. */
export function scramKeys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, KEY_LEN, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: createHmac('sha256', salted).update('Server Key').digest(),
  };
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when a SCRAM-SHA-256 verifier was made from `password` (both keys must match). */
export function verifyScram(verifier: string, password: string): boolean {
  const v = parseScramVerifier(verifier);
  if (!v) return false;
  const k = scramKeys(password, v.salt, v.iterations);
  return sameBytes(k.storedKey, v.storedKey) && sameBytes(k.serverKey, v.serverKey);
}

/** A new verifier, as PostgreSQL makes it with password_encryption = scram-sha-256 (16-byte salt, 4096 iterations). */
export function makeScramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const k = scramKeys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${k.storedKey.toString('base64')}:${k.serverKey.toString('base64')}`;
}

/** The `md5…` form PostgreSQL stored before SCRAM: md5 of the password followed by the role name. */
export function md5Verifier(password: string, role: string): string {
  return `md5${createHash('md5').update(Buffer.from(password + role, 'utf8')).digest('hex')}`;
}

export type StoredPasswordKind = 'none' | 'scram' | 'md5' | 'other';

/** What kind of rolpassword this is ('' or null: none). */
export function storedPasswordKind(stored: string | null): StoredPasswordKind {
  if (stored === null || stored === '') return 'none';
  if (parseScramVerifier(stored)) return 'scram';
  if (/^md5[0-9a-f]{32}$/.test(stored)) return 'md5';
  return 'other';
}

/** True when rolpassword `stored` (SCRAM-SHA-256 or md5) accepts `password` for `role`. Anything else never matches. */
export function verifyStoredPassword(stored: string | null, password: string, role: string): boolean {
  switch (storedPasswordKind(stored)) {
    case 'scram':
      return verifyScram(stored ?? '', password);
    case 'md5':
      return sameBytes(Buffer.from(md5Verifier(password, role)), Buffer.from(stored ?? ''));
    default:
      return false;
  }
}

// RFC 4013 (SASLprep) mapping, as inclusive code point ranges: B.1 "commonly mapped to nothing" and
// C.1.2 non-ASCII spaces (mapped to U+0020).
const SASLPREP_MAPPED: readonly [number, number][] = [
  [0x00a0, 0x00a0], [0x00ad, 0x00ad], [0x034f, 0x034f], [0x1680, 0x1680], [0x1806, 0x1806], [0x180b, 0x180d],
  [0x2000, 0x200d], [0x202f, 0x202f], [0x205f, 0x2060], [0x3000, 0x3000], [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
];

function saslprepMaps(password: string): boolean {
  for (const ch of password) {
    const cp = ch.codePointAt(0) ?? 0;
    if (SASLPREP_MAPPED.some(([lo, hi]) => cp >= lo && cp <= hi)) return true;
  }
  return false;
}

/**
 * True when PostgreSQL's SASLprep leaves `password` as it is, so a verifier of its plain UTF-8 bytes is
 * the one the server and clients compute. pg_saslprep returns either the mapped, NFKC-normalised
 * password or (when that holds a prohibited character) the password unchanged; with nothing to map and
 * NFKC a no-op, both are the password itself. Every ASCII password qualifies.
 */
export function saslprepKeeps(password: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(password)) return true;
  return !saslprepMaps(password) && password.normalize('NFKC') === password;
}
