// The vault format: envelopes, the AES256 cipher against a file ansible-vault wrote, and the keyring.
import { afterEach, describe, expect, it } from 'vitest';
import {
  decryptPayload, decryptVaultText, encryptPayload, encryptVaultText, formatEnvelope, isVaulted, parseEnvelope, setVaultSecrets,
} from '../../../runner/vault/index.js';
import { vaultStringYaml } from '../../../runner/vault/cli.js';
import { splitVaultId } from '../../../runner/vault/passwords.js';

// Written by ansible-core 2.14's `ansible-vault encrypt --vault-id dev@pwfile` (password pw123) of "vector: ok\n".
const FROM_ANSIBLE = `$ANSIBLE_VAULT;1.2;AES256;dev
32323335323439346466663933323666663238376234346437613262616339363963643166353831
6431333763633463343135396533336465353530663063370a626331643636333461623265313137
33373166623264326565613035336638393066393031663361613661313461666665306339613761
3166333730363339640a346663333136363266623065323431363866656232643432343461336639
3230
`;

afterEach(() => setVaultSecrets([]));

describe('envelope', () => {
  const cases: [string, string, { version: string; label?: string } | string][] = [
    ['1.1', '$ANSIBLE_VAULT;1.1;AES256\n6162\n', { version: '1.1', label: undefined }],
    ['1.2 with a label', '$ANSIBLE_VAULT;1.2;AES256;prod\n61\n62\n', { version: '1.2', label: 'prod' }],
    ['indented, CRLF', '  $ANSIBLE_VAULT;1.1;AES256\r\n  6162\r\n', { version: '1.1', label: undefined }],
    ['not vault', 'a: 1\n', 'not vault data'],
    ['version 2.0', '$ANSIBLE_VAULT;2.0;AES256\n61\n', 'version 2.0 is not supported'],
    ['other cipher', '$ANSIBLE_VAULT;1.1;AES\n61\n', 'cipher AES is not supported'],
    ['not hex', '$ANSIBLE_VAULT;1.1;AES256\nzz\n', 'not hexadecimal'],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    if (typeof expected === 'string') {
      expect(() => parseEnvelope(text)).toThrow(expected);
    } else {
      const env = parseEnvelope(text);
      expect({ version: env.version, label: env.label }).toEqual(expected);
    }
  });

  it('formats lines of 80 hex digits with a final newline, as ansible-vault', () => {
    const text = formatEnvelope('a'.repeat(170), 'dev');
    expect(text.split('\n')).toEqual(['$ANSIBLE_VAULT;1.2;AES256;dev', 'a'.repeat(80), 'a'.repeat(80), 'a'.repeat(10), '']);
    expect(isVaulted(text)).toBe(true);
    expect(isVaulted('x: $ANSIBLE_VAULT;')).toBe(false);
  });
});

describe('AES256 cipher', () => {
  it('opens what ansible-vault wrote', () => {
    const env = parseEnvelope(FROM_ANSIBLE);
    expect(env.label).toBe('dev');
    expect(decryptPayload(env.payload, 'pw123')?.toString()).toBe('vector: ok\n');
    expect(decryptPayload(env.payload, 'wrong')).toBeUndefined();
  });

  it.each(['', 'x', 'a'.repeat(16), 'ünïcode\n'.repeat(9)])('round-trips %j with a fixed salt, deterministically', (plain) => {
    const salt = Buffer.alloc(32, 7);
    const payload = encryptPayload(Buffer.from(plain), 'pw', salt);
    expect(encryptPayload(Buffer.from(plain), 'pw', salt)).toBe(payload);
    expect(decryptPayload(payload, 'pw')?.toString()).toBe(plain);
  });

  it('refuses a damaged payload', () => {
    expect(() => decryptPayload(Buffer.from('abc\n12').toString('hex'), 'pw')).toThrow('damaged');
  });
});

describe('keyring', () => {
  it('needs a password, tries the matching vault id first, then the others', () => {
    expect(() => decryptVaultText(FROM_ANSIBLE, 'f.yml')).toThrow('no vault password was given');
    setVaultSecrets([{ label: 'prod', password: 'nope' }]);
    expect(() => decryptVaultText(FROM_ANSIBLE, 'f.yml')).toThrow("f.yml: no vault password given decrypts it (vault id 'dev'); tried vault ids: prod");
    setVaultSecrets([{ label: 'prod', password: 'nope' }, { label: 'other', password: 'pw123' }]);
    expect(decryptVaultText(FROM_ANSIBLE, 'f.yml')).toBe('vector: ok\n');
  });

  it('encrypts with the label only when asked', () => {
    const secret = { label: 'dev', password: 'pw' };
    setVaultSecrets([secret]);
    expect(encryptVaultText('x', secret, true).startsWith('$ANSIBLE_VAULT;1.2;AES256;dev\n')).toBe(true);
    expect(encryptVaultText('x', secret, false).startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    expect(decryptVaultText(encryptVaultText('x', secret, true), 'v')).toBe('x');
  });

  it('prints encrypt_string values as ansible-vault does', () => {
    expect(vaultStringYaml('$ANSIBLE_VAULT;1.1;AES256\nab\n', 'pw')).toBe('pw: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          ab\n');
    expect(vaultStringYaml('$ANSIBLE_VAULT;1.1;AES256\nab\n')).toBe('!vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          ab\n');
  });

  it.each([['dev@pw.txt', ['dev', 'pw.txt']], ['pw.txt', ['default', 'pw.txt']], ['ops@prompt', ['ops', 'prompt']]])('--vault-id %s', (id, expected) => {
    expect(splitVaultId(id)).toEqual(expected);
  });
});
