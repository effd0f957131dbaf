import { describe, expect, it } from 'vitest';
import aptKey, { aptKeyResult, planAptKey, refuseAptKeyArgs, type AptKeyState } from '../../../modules/apt_key.js';
import { dearmor, keyMatches, normaliseKeyId, parseColons, type KeyInfo } from '../../../modules/lib/apt_key/keys.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(aptKey);

const FPR = '53C36D2363238240651027105456330B27E0CB96';
const SUB = 'AAAABBBBCCCCDDDDEEEEFFFFF13AFC3C7E6757EA';
const COLONS = [
  'pub:-:255:22:5456330B27E0CB96:1796519718:::-:::scSC:::::ed25519:::0:',
  `fpr:::::::::${FPR}:`,
  'uid:-::::1796519718::2B38::Test Key <t@example.org>::::::::::0:',
  'sub:-:255:18:F13AFC3C7E6757EA:1796519718::::::e:::::cv25519::',
  `fpr:::::::::${SUB}:`,
  'pub:-:255:22:1111222233334444:1796519718:::-:::scSC:::::ed25519:::0:',
  'fpr:::::::::99998888777766665555444433332222:',
].join('\n');
const KEY: KeyInfo = { keyid: '5456330B27E0CB96', fprs: [FPR, SUB], keyids: ['5456330B27E0CB96', 'F13AFC3C7E6757EA'] };
const OTHER: KeyInfo = { keyid: '1111222233334444', fprs: ['9999888877776666555544441111222233334444'], keyids: ['1111222233334444'] };

describe('apt_key keys', () => {
  it('reads gpg --with-colons: primary id, fingerprints and subkey ids', () => {
    const keys = parseColons(COLONS);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual(KEY);
  });
  it.each([['0x27e0cb96', '27E0CB96'], ['5456330b27e0cb96', '5456330B27E0CB96'], [FPR.toLowerCase(), FPR]])('id %s -> %s', (id, want) => expect(normaliseKeyId(id)).toBe(want));
  it.each(['27E0CB9', '123456789012', 'XYZXYZXY'])('refuses id %s as Ansible does', (id) => expect(() => normaliseKeyId(id)).toThrow(/Invalid key_id/));
  it('matches a short id, a long id, a fingerprint and a subkey id', () => {
    for (const id of ['27E0CB96', '5456330B27E0CB96', FPR, 'F13AFC3C7E6757EA']) expect(keyMatches(KEY, id)).toBe(true);
    expect(keyMatches(OTHER, '27E0CB96')).toBe(false);
  });
  it('dearmors: headers and the CRC line dropped; binary passes through', () => {
    const bin = Buffer.from([0x99, 0x00, 0x33, 0x04, 1, 2, 3, 250]);
    const armored = `-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: x\n\n${bin.toString('base64')}\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n`;
    expect(dearmor(Buffer.from(armored))).toEqual(bin);
    expect(dearmor(bin)).toEqual(bin);
    expect(() => dearmor(Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc'))).toThrow(/no complete armored block/);
  });
});

describe('planAptKey', () => {
  const bytes = Buffer.from([0x99, 1, 2]);
  const state = (o: Partial<AptKeyState>): AptKeyState => ({ id: '5456330B27E0CB96', keyrings: [], source: { bytes, keys: [KEY] }, target: '/etc/apt/trusted.gpg.d/5456330B27E0CB96.gpg', targetBytes: null, ...o });

  it('present: adds the dearmored key to its own keyring in trusted.gpg.d', () => {
    const c = planAptKey(args(), state({}));
    expect(c.map((x) => [x.action, x.target])).toEqual([['add', '/etc/apt/trusted.gpg.d/5456330B27E0CB96.gpg']]);
    expect(c[0].data).toEqual(bytes);
    expect(c[0].after).toBe('5456330B27E0CB96\n');
  });
  it('present: appends to an existing keyring', () => {
    const c = planAptKey(args({ keyring: '/k.gpg' }), state({ target: '/k.gpg', targetBytes: Buffer.from([7]), keyrings: [{ path: '/k.gpg', keys: [OTHER] }] }));
    expect(c[0].data).toEqual(Buffer.from([7, 0x99, 1, 2]));
    expect(c[0].before).toBe('1111222233334444\n');
  });
  it('present: ok when any keyring holds the id (a subkey counts)', () => {
    expect(planAptKey(args(), state({ keyrings: [{ path: '/etc/apt/trusted.gpg', keys: [OTHER, KEY] }] }))).toEqual([]);
    expect(planAptKey(args(), state({ id: 'F13AFC3C7E6757EA', keyrings: [{ path: '/x', keys: [KEY] }] }))).toEqual([]);
  });
  it('present: data without the id, or no data at all, fails clearly', () => {
    expect(() => planAptKey(args(), state({ id: '1111222233334444' }))).toThrow(/does not hold key 1111222233334444/);
    expect(() => planAptKey(args(), state({ source: null }))).toThrow(/not in any keyring, and no data, file or url gives it/);
  });
  it('absent: deletes a keyring left empty, rewrites one with other keys, skips the rest', () => {
    const c = planAptKey(args({ state: 'absent' }), state({ source: null, keyrings: [{ path: '/a.gpg', keys: [KEY] }, { path: '/b.gpg', keys: [OTHER, KEY] }, { path: '/c.gpg', keys: [OTHER] }] }));
    expect(c.map((x) => [x.action, x.target, x.data])).toEqual([['delete', '/a.gpg', undefined], ['remove-key', '/b.gpg', [FPR]]]);
    expect(planAptKey(args({ state: 'absent' }), state({ keyrings: [{ path: '/c.gpg', keys: [OTHER] }] }))).toEqual([]);
  });
  it("results: Ansible's id, key_id, short_id, fp and before", () => {
    expect(aptKeyResult(args({ id: '0x' + FPR }), state({ id: FPR, keyrings: [{ path: '/a', keys: [KEY] }] }))).toEqual({
      id: '0x' + FPR, key_id: FPR, short_id: '27E0CB96', fp: '5456330B27E0CB96', before: ['5456330B27E0CB96', 'F13AFC3C7E6757EA'],
    });
  });
  it('refuses keyserver, two sources, and nothing to go by', () => {
    expect(() => refuseAptKeyArgs(args({ id: '27E0CB96', keyserver: 'keyserver.ubuntu.com' }))).toThrow(/keyserver is not supported: give the keyserver's HTTPS URL/);
    expect(() => refuseAptKeyArgs(args({ data: 'x', url: 'https://x/k' }))).toThrow(/mutually exclusive: data\|url/);
    expect(() => refuseAptKeyArgs(args())).toThrow(/give id, or the key/);
  });
});
