// mosquitto password-file hashes, checked and made in node so a password never reaches a command line.
// Formats (mosquitto 2, src/password_mosq.c):
//   $7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512, 64 bytes>   (default, 101 iterations)
//   $6$<base64 salt>$<base64 SHA512(password || salt)>                    (mosquitto 1.x default)
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export interface PasswdEntry {
  user: string;
  hash: string;
  /** 1-based line in the file. */
  line: number;
}

/** Parses a mosquitto password file: `user:hash` lines; blank lines and `#` comments are skipped. */
export function parsePasswdFile(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    out.push({ user: line.slice(0, colon), hash: line.slice(colon + 1), line: i + 1 });
  });
  return out;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `hash` (as stored by mosquitto_passwd) matches `password`. Unknown formats never match. */
export function verifyMosquittoHash(hash: string, password: string): boolean {
  const parts = hash.split('$');
  const pw = Buffer.from(password, 'utf8');
  if (parts.length === 5 && parts[0] === '' && parts[1] === '7') {
    const iterations = Number(parts[2]);
    if (!Number.isInteger(iterations) || iterations < 1) return false;
    const salt = Buffer.from(parts[3] ?? '', 'base64');
    const want = Buffer.from(parts[4] ?? '', 'base64');
    if (salt.length === 0 || want.length === 0) return false;
    return sameBytes(pbkdf2Sync(pw, salt, iterations, want.length, 'sha512'), want);
  }
  if (parts.length === 4 && parts[0] === '' && parts[1] === '6') {
    const salt = Buffer.from(parts[2] ?? '', 'base64');
    const want = Buffer.from(parts[3] ?? '', 'base64');
    if (salt.length === 0 || want.length === 0) return false;
    return sameBytes(createHash('sha512').update(pw).update(salt).digest(), want);
  }
  return false;
}

/** A new `$7$` hash as mosquitto_passwd 2 makes it (12-byte salt, 101 iterations, 64-byte key). */
export function makeMosquittoHash(password: string, salt: Buffer = randomBytes(12), iterations = 101): string {
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
