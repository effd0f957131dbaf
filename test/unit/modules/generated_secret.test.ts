import { describe, expect, it } from 'vitest';
import generatedSecret, { parseKeyValues, planSecretFile, renderSecretFile } from '../../../modules/generated_secret.js';
import { argsOf } from '../../helpers/module-args.js';

const base = argsOf(generatedSecret, { path: '/root/c/acme.txt', fields: { user: 'acme' } });

describe('generated_secret plan', () => {
  it('creates the file when missing, with the secret hidden in the diff', () => {
    const [c, ...rest] = planSecretFile(base, { text: null, values: {} });
    expect(rest).toEqual([]);
    expect(c?.action).toBe('create');
    expect(c?.after).toBe('user=acme\npassword=********\n');
  });

  it('keeps an existing secret: same fields means no change', () => {
    const text = renderSecretFile(base, 's3cret-value-xyz');
    expect(planSecretFile(base, { text, values: parseKeyValues(text) })).toEqual([]);
  });

  it('rewrites changed fields but never shows the kept secret', () => {
    const text = renderSecretFile(base, 's3cret-value-xyz');
    const [c] = planSecretFile({ ...base, fields: { user: 'acme', port: 8883 } }, { text, values: parseKeyValues(text) });
    expect(c?.action).toBe('write');
    expect(JSON.stringify(c)).not.toContain('s3cret-value-xyz');
  });

  it('absent deletes an existing file and is ok when it is gone', () => {
    expect(planSecretFile({ ...base, state: 'absent' }, { text: 'password=x\n', values: { password: 'x' } })[0]?.action).toBe('delete');
    expect(planSecretFile({ ...base, state: 'absent' }, { text: null, values: {} })).toEqual([]);
  });
});
