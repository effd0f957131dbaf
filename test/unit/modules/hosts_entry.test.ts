import { describe, expect, it } from 'vitest';
import { planHostsEntry } from '../../../modules/hosts_entry.js';

describe('hosts_entry plan', () => {
  const text = '127.0.0.1 localhost\n10.0.3.5 acme-svr\n';
  it.each([
    ['present: no change', { names: ['acme-svr'], ip: '10.0.3.5' }, text, []],
    ['present: new name', { names: ['b'], ip: '10.0.3.6' }, text, ['write']],
    ['present: new file', { names: ['b'], ip: '10.0.3.6' }, null, ['create']],
    ['absent', { names: ['acme-svr'], state: 'absent' as const }, text, ['write']],
    ['absent, not there', { names: ['zz'], state: 'absent' as const }, text, []],
  ])('%s', (_t, args, before, want) => {
    expect(planHostsEntry(args, { text: before }).map((c) => c.action)).toEqual(want);
  });
  it('needs a valid ip for present', () => {
    expect(() => planHostsEntry({ names: ['a'] }, { text })).toThrow(/ip is required/);
    expect(() => planHostsEntry({ names: ['a'], ip: 'nonsense' }, { text })).toThrow(/not an IP/);
  });
});
