// Ansible Vault's AES256 cipher, as ansible-core writes it: PBKDF2-HMAC-SHA256 (10000 rounds) turns
// the password and a 32-byte salt into 80 bytes (AES key, HMAC key, CTR counter block); the
// plaintext is PKCS#7-padded, encrypted with AES-256-CTR, and the ciphertext is HMAC-SHA256-signed.
import { createRequire } from 'node:module';

// node:crypto is loaded when a vault is first used: every playbook file is read through this code,
// few hold a vault, and a syntax check need not load crypto at all.
const requireHere = createRequire(import.meta.url);
let cryptoModule: typeof import('node:crypto') | undefined;
const crypto = (): typeof import('node:crypto') => (cryptoModule ??= requireHere('node:crypto') as typeof import('node:crypto'));

const ITERATIONS = 10000;
const BLOCK = 16;

interface Keys {
  cipherKey: Buffer;
  hmacKey: Buffer;
  iv: Buffer;
}

function deriveKeys(password: string, salt: Buffer): Keys {
  const derived = crypto().pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 80, 'sha256');
  return { cipherKey: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}

function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer): Buffer | undefined {
  const n = data[data.length - 1];
  if (n === undefined || n < 1 || n > BLOCK || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}

/** The hex payload Ansible puts under the header: hexlify(hex(salt) \n hex(hmac) \n hex(ciphertext)). */
export function encryptPayload(plaintext: Buffer, password: string, salt: Buffer = crypto().randomBytes(32)): string {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const cipher = crypto().createCipheriv('aes-256-ctr', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  const mac = crypto().createHmac('sha256', hmacKey).update(ciphertext).digest('hex');
  const inner = [salt.toString('hex'), mac, ciphertext.toString('hex')].join('\n');
  return Buffer.from(inner, 'utf8').toString('hex');
}

/** The plaintext, or undefined when the password is wrong (the HMAC does not match). Throws on a damaged payload. */
export function decryptPayload(payloadHex: string, password: string): Buffer | undefined {
  const inner = Buffer.from(payloadHex, 'hex').toString('utf8').split('\n');
  if (inner.length !== 3 || inner.some((part) => !/^[0-9a-fA-F]*$/.test(part) || part.length % 2 !== 0)) {
    throw new Error('the vault payload is damaged (expected salt, HMAC and ciphertext)');
  }
  const [saltHex, macHex, cipherHex] = inner as [string, string, string];
  const { cipherKey, hmacKey, iv } = deriveKeys(password, Buffer.from(saltHex, 'hex'));
  const ciphertext = Buffer.from(cipherHex, 'hex');
  const expected = crypto().createHmac('sha256', hmacKey).update(ciphertext).digest();
  const given = Buffer.from(macHex, 'hex');
  if (given.length !== expected.length || !crypto().timingSafeEqual(given, expected)) return undefined;
  const decipher = crypto().createDecipheriv('aes-256-ctr', cipherKey, iv);
  const plain = unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  if (!plain) throw new Error('the vault payload is damaged (bad padding)');
  return plain;
}
