import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  makeScramVerifier,
  md5Verifier,
  parseScramVerifier,
  saslprepKeeps,
  scramKeys,
  storedPasswordKind,
  verifyScram,
  verifyStoredPassword,
} from '../../../../../modules/lib/postgres/scram.js';

// RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
const RFC_SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const RFC_AUTH_MESSAGE = [
  'n=user,r=rOprNGfwEbeRWgbNEkqO',
  'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
].join(',');
const RFC_CLIENT_PROOF = 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const RFC_SERVER_SIGNATURE = '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';
// The verifier PostgreSQL stores for "pencil" with that salt: its keys reproduce the RFC's exchange
// (first test), and it was cross-checked with Python's hashlib/hmac.
const PENCIL = 'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=';
// Computed with Python's hashlib/hmac, salt "0123456789abcdef".
const SALT16 = Buffer.from('0123456789abcdef');
const S3CRET = 'SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$oxB+CiYP/3DgLwALB6spgyIRQbAPC3LtLd7OUUw3vyA=:GyhVjuGXsBpQUqN+glYqtcvlEylQFY8I606kBTqC1Oc=';
const UMLAUTS = 'SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$3fAV27j/YomKockTpuTuKl8RWKrwUX4tGo6Bmy3IHkQ=:LakBVUYurAovdTX6//mRi+yyjfF4zqUVQreGOY7pUPI=';
// Python: 'md5' + md5('secret' + 'alice').hexdigest().
const MD5_ALICE = 'md54a0a68b43b6cd5cf266fa02f196e2371';

describe('scramKeys against RFC 7677', () => {
  it("reproduces the RFC exchange's client proof and server signature", () => {
    const k = scramKeys('pencil', RFC_SALT, 4096);
    // The server's check: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage), and SHA-256(ClientKey) = StoredKey.
    const clientSignature = createHmac('sha256', k.storedKey).update(RFC_AUTH_MESSAGE).digest();
    const proof = Buffer.from(RFC_CLIENT_PROOF, 'base64');
    const clientKey = Buffer.from(proof.map((b, i) => b ^ (clientSignature[i] ?? 0)));
    expect(createHash('sha256').update(clientKey).digest()).toEqual(k.storedKey);
    expect(createHmac('sha256', k.serverKey).update(RFC_AUTH_MESSAGE).digest('base64')).toBe(RFC_SERVER_SIGNATURE);
  });

  it('makes the verifiers Python makes', () => {
    expect(makeScramVerifier('pencil', RFC_SALT, 4096)).toBe(PENCIL);
    expect(makeScramVerifier('S3cret pass', SALT16)).toBe(S3CRET);
    expect(makeScramVerifier('pässwörd', SALT16)).toBe(UMLAUTS);
  });
});

describe('verifyScram', () => {
  it.each([
    [PENCIL, 'pencil', true],
    [PENCIL, 'Pencil', false],
    [PENCIL, 'pencil ', false],
    [S3CRET, 'S3cret pass', true],
    [S3CRET, 'pencil', false],
    [UMLAUTS, 'pässwörd', true],
    [UMLAUTS, 'passwort', false],
  ])('%s with %j: %s', (verifier, password, want) => {
    expect(verifyScram(verifier, password)).toBe(want);
  });

  it('needs both keys to match', () => {
    const cut = PENCIL.lastIndexOf(':');
    const [head, serverKey] = [PENCIL.slice(0, cut), PENCIL.slice(cut + 1)];
    const otherServerKey = S3CRET.slice(S3CRET.lastIndexOf(':') + 1);
    expect(serverKey).not.toBe(otherServerKey);
    expect(verifyScram(`${head}:${serverKey}`, 'pencil')).toBe(true);
    expect(verifyScram(`${head}:${otherServerKey}`, 'pencil')).toBe(false);
  });

  it.each([
    ['md5 hash', MD5_ALICE],
    ['other mechanism', PENCIL.replace('SHA-256', 'SHA-1')],
    ['short stored key', PENCIL.replace('WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=', 'WG5d8oPm')],
    ['zero iterations', PENCIL.replace('$4096:', '$0:')],
    ['no salt', PENCIL.replace('W22ZaJ0SNY7soEsUEjb6gQ==', '')],
    ['empty', ''],
  ])('never matches a malformed verifier: %s', (_n, text) => {
    expect(parseScramVerifier(text)).toBeNull();
    expect(verifyScram(text, 'pencil')).toBe(false);
  });
});

describe('makeScramVerifier', () => {
  it('uses a fresh 16-byte salt and 4096 iterations, and the result verifies', () => {
    const a = makeScramVerifier('S3cret pass');
    const b = makeScramVerifier('S3cret pass');
    expect(a).not.toBe(b);
    const p = parseScramVerifier(a);
    expect(p?.iterations).toBe(4096);
    expect(p?.salt.length).toBe(16);
    expect(verifyScram(a, 'S3cret pass')).toBe(true);
    expect(verifyScram(a, 'S3cret pas')).toBe(false);
    expect(a).not.toContain('S3cret');
  });
});

describe('md5 and stored passwords', () => {
  it('makes the md5 form PostgreSQL stored: md5(password || role)', () => {
    expect(md5Verifier('secret', 'alice')).toBe(MD5_ALICE);
  });

  it.each([
    [PENCIL, 'pencil', 'alice', true],
    [PENCIL, 'secret', 'alice', false],
    [MD5_ALICE, 'secret', 'alice', true],
    [MD5_ALICE, 'secret', 'bob', false],
    [MD5_ALICE, 'Secret', 'alice', false],
    [MD5_ALICE.toUpperCase(), 'secret', 'alice', false],
    ['', 'secret', 'alice', false],
    [null, 'secret', 'alice', false],
    ['secret', 'secret', 'alice', false],
  ])('%j accepts %j for %s: %s', (stored, password, role, want) => {
    expect(verifyStoredPassword(stored, password, role)).toBe(want);
  });

  it.each([
    [null, 'none'],
    ['', 'none'],
    [PENCIL, 'scram'],
    [MD5_ALICE, 'md5'],
    ['md5xyz', 'other'],
    ['plain text', 'other'],
  ])('kind of %j: %s', (stored, want) => {
    expect(storedPasswordKind(stored)).toBe(want);
  });
});

describe('saslprepKeeps', () => {
  it.each([
    ['S3cret pass', true],
    ['with\ttab and ~!@#$%^&*()', true],
    ['pässwörd', true],
    ['密码パスワード', true],
    ['non\u00a0breaking space', false],
    ['soft\u00adhyphen', false],
    ['zero\u200bwidth', false],
    ['ideographic\u3000space', false],
    ['variation selector \u2764\ufe0f', false],
    ['word\u2060joiner', false],
    ['ligature \ufb01', false],
    ['fullwidth \uff21', false],
    ['decomposed a\u0308', false],
  ])('%j: %s', (password, want) => {
    expect(saslprepKeeps(password)).toBe(want);
  });
});
