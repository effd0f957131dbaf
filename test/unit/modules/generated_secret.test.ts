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
    expect(c?.after).toBe('user=acme\npassword=********\nold_token=********\nport=1\n');
    expect(c?.before).toBe('user=acme\npassword=********\nold_token=********\n');
    expect(renderSecretFile(base, parseKeyValues(text), text)).toBe(text);
    expect(planSecretFile(base, { text, values: parseKeyValues(text) })).toEqual([]);
  });

  it('records given values (a token a server made) hidden, and two tasks sharing the file leave each other alone', () => {
    const first = { ...base, comment: 'acme', secrets: ['db_password'] };
    const text = renderSecretFile(first, { password: 'p1-aaaaaaaaaaaa', db_password: 'p2-bbbbbbbbbbbb' });
    const second = argsOf(generatedSecret, { path: '/root/c/acme.txt', given: { influx_token: 'tok-zzzzzzzzzzzz==' } });
    const [c] = planSecretFile(second, { text, values: parseKeyValues(text) });
    expect(c?.action).toBe('write');
    expect(c?.summary).toBe('record influx_token in /root/c/acme.txt, keeping its secrets');
    // Lines the task does not name are hidden too: it cannot know which are secret.
    expect(c?.after).toBe('# acme\nuser=********\npassword=********\ndb_password=********\ninflux_token=********\n');
    expect(JSON.stringify(c)).not.toMatch(/tok-z|p1-a|p2-b/);
    const written = renderSecretFile(second, parseKeyValues(text), text);
    expect(parseKeyValues(written)).toEqual({ user: 'acme', password: 'p1-aaaaaaaaaaaa', db_password: 'p2-bbbbbbbbbbbb', influx_token: 'tok-zzzzzzzzzzzz==' });
    // Each task, run again on what the other wrote, changes nothing.
    expect(planSecretFile(first, { text: written, values: parseKeyValues(written) })).toEqual([]);
    expect(planSecretFile(second, { text: written, values: parseKeyValues(written) })).toEqual([]);
    // A token the server re-made is recorded in place.
    const again = planSecretFile({ ...second, given: { influx_token: 'tok-new' } }, { text: written, values: parseKeyValues(written) });
    expect(again[0]?.summary).toMatch(/record influx_token/);
    expect(renderSecretFile({ ...second, given: { influx_token: 'tok-new' } }, parseKeyValues(written), written)).toBe(written.replace('tok-zzzzzzzzzzzz==', 'tok-new'));
  });

  it('absent deletes an existing file and is ok when it is gone', () => {
    expect(planSecretFile({ ...base, state: 'absent' }, { text: 'password=x\n', values: { password: 'x' } })[0]?.action).toBe('delete');
    expect(planSecretFile({ ...base, state: 'absent' }, { text: null, values: {} })).toEqual([]);
  });
});
