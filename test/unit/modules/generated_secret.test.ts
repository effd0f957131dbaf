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
    const text = renderSecretFile(base, { password: 's3cret-value-xyz' });
    expect(planSecretFile(base, { text, values: parseKeyValues(text) })).toEqual([]);
  });

  it('rewrites changed fields but never shows the kept secret', () => {
    const text = renderSecretFile(base, { password: 's3cret-value-xyz' });
    const [c] = planSecretFile({ ...base, fields: { user: 'acme', port: 8883 } }, { text, values: parseKeyValues(text) });
    expect(c?.action).toBe('write');
    expect(JSON.stringify(c)).not.toContain('s3cret-value-xyz');
  });

  it('adds a further secret to an existing file, keeping the first and showing neither', () => {
    const text = renderSecretFile(base, { password: 's3cret-value-xyz' });
    const more = { ...base, secrets: ['postgres_password', 'grafana_admin'] };
    const [c] = planSecretFile(more, { text, values: parseKeyValues(text) });
    expect(c?.action).toBe('write');
    expect(c?.summary).toMatch(/generate a 24-character postgres_password, a 24-character grafana_admin into \/root\/c\/acme.txt, keeping the others/);
    expect(c?.after).toBe('user=acme\npassword=********\npostgres_password=********\ngrafana_admin=********\n');
    expect(JSON.stringify(c)).not.toContain('s3cret-value-xyz');
    const full = renderSecretFile(more, { password: 'p1-aaaaaaaaaaaa', postgres_password: 'p2-bbbbbbbbbbbb', grafana_admin: 'p3-cccccccccccc' });
    expect(planSecretFile(more, { text: full, values: parseKeyValues(full) })).toEqual([]);
  });

  it('keeps lines the task does not name, hidden, when it rewrites the file', () => {
    const text = 'user=acme\npassword=s3cret-value-xyz\nold_token=tok-zzzzzzzzzzzz\n';
    const [c] = planSecretFile({ ...base, fields: { user: 'acme', port: 1 } }, { text, values: parseKeyValues(text) });
    expect(c?.after).toBe('user=acme\nport=1\npassword=********\nold_token=********\n');
    expect(c?.before).toBe('user=acme\npassword=********\nold_token=********\n');
    expect(renderSecretFile(base, parseKeyValues(text), parseKeyValues(text))).toBe(text);
    expect(planSecretFile(base, { text, values: parseKeyValues(text) })).toEqual([]);
  });

  it('absent deletes an existing file and is ok when it is gone', () => {
    expect(planSecretFile({ ...base, state: 'absent' }, { text: 'password=x\n', values: { password: 'x' } })[0]?.action).toBe('delete');
    expect(planSecretFile({ ...base, state: 'absent' }, { text: null, values: {} })).toEqual([]);
  });
});
