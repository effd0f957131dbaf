// SHA-crypt ($5$ and $6$, Ulrich Drepper's specification), the scheme of password_hash('sha512'),
// byte-identical to glibc crypt(3), passlib and `openssl passwd -6 -salt`.
import { createHash, randomInt } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;

const ORDER: Record<'sha256' | 'sha512', number[][]> = {
  sha512: [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
    [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41], [-1, -1, 63],
  ],
  sha256: [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29], [-1, 31, 30]],
};

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[i % block.length]!;
  return out;
}

export function randomSalt(length = 16): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ITOA64[randomInt(64)];
  return s;
}

export function shaCrypt(algo: 'sha256' | 'sha512', password: string, salt: string, rounds = DEFAULT_ROUNDS): string {
  const H = (...parts: Buffer[]): Buffer => {
    const h = createHash(algo);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt.slice(0, 16), 'utf8');
  const B = H(P, S, P);
  const aParts = [P, S, repeatTo(B, P.length)];
  for (let n = P.length; n > 0; n >>= 1) aParts.push(n & 1 ? B : P);
  const A = H(...aParts);
  const DP = H(...Array<Buffer>(P.length).fill(P));
  const Pp = repeatTo(DP, P.length);
  const DS = H(...Array<Buffer>(16 + A[0]!).fill(S));
  const Sp = repeatTo(DS, S.length);
  let C = A;
  for (let i = 0; i < rounds; i++) {
    const parts: Buffer[] = [i & 1 ? Pp : C];
    if (i % 3) parts.push(Sp);
    if (i % 7) parts.push(Pp);
    parts.push(i & 1 ? C : Pp);
    C = H(...parts);
  }
  let out = '';
  for (const [a, b, c] of ORDER[algo]) {
    const byte = (i: number): number => (i < 0 ? 0 : C[i]!);
    let w = (byte(a!) << 16) | (byte(b!) << 8) | byte(c!);
    const n = a! >= 0 ? 4 : algo === 'sha512' ? 2 : 3;
    for (let k = 0; k < n; k++) {
      out += ITOA64[w & 0x3f];
      w >>= 6;
    }
  }
  const id = algo === 'sha512' ? '6' : '5';
  return `$${id}$${rounds === DEFAULT_ROUNDS ? '' : `rounds=${rounds}$`}${salt.slice(0, 16)}$${out}`;
}
