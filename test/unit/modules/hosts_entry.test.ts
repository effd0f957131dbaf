import { describe, expect, it } from 'vitest';
import hostsEntry, { planHostsEntry } from '../../../modules/hosts_entry.js';
import { argsOf } from '../../helpers/module-args.js';

const args = (a: { names: string[]; ip?: string; state?: 'present' | 'absent' }) => argsOf(hostsEntry, a);

describe('hosts_entry plan', () => {
  const text = '127.0.0.1 localhost\n10.0.3.5 acme-svr\n';
  it.each([
    ['present: no change', { names: ['acme-svr'], ip: '10.0.3.5' }, text, []],
    ['present: new name', { names: ['b'], ip: '10.0.3.6' }, text, ['write']],
    ['present: new file', { names: ['b'], ip: '10.0.3.6' }, null, ['create']],
    ['absent', { names: ['acme-svr'], state: 'absent' as const }, text, ['write']],
    ['absent, not there', { names: ['zz'], state: 'absent' as const }, text, []],
  ])('%s', (_t, a, before, want) => {
    expect(planHostsEntry(args(a), { text: before }).map((c) => c.action)).toEqual(want);
  });
  it('needs a valid ip for present', () => {
    expect(() => planHostsEntry(args({ names: ['a'] }), { text })).toThrow(/ip is required/);
    expect(() => planHostsEntry(args({ names: ['a'], ip: 'nonsense' }), { text })).toThrow(/not an IP/);
  });
});
