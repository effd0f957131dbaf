import { describe, expect, it } from 'vitest';
import { editEtcHosts, parseEtcHosts } from '../../../../../modules/lib/hosts/etc-hosts.js';

describe('/etc/hosts editing', () => {
  const base = '127.0.0.1\tlocalhost\n10.0.3.5 acme-svr # customer\n';
  it('parses address lines, ignoring comments', () => {
    expect(parseEtcHosts(`# c\n${base}`)).toEqual([
      { index: 1, ip: '127.0.0.1', names: ['localhost'] },
      { index: 2, ip: '10.0.3.5', names: ['acme-svr'] },
    ]);
  });
  it.each([
    ['no change when present', base, ['acme-svr'], '10.0.3.5', 'present', base],
    ['adds a missing name', base, ['beta'], '10.0.3.6', 'present', `${base}10.0.3.6\tbeta\n`],
    ['replaces a line with another address', base, ['acme-svr'], '10.0.3.9', 'present', '127.0.0.1\tlocalhost\n10.0.3.9\tacme-svr\n'],
    ['drops duplicates', `${base}10.0.3.5 acme-svr\n`, ['acme-svr'], '10.0.3.5', 'present', base],
    ['splits a shared line', '10.0.3.5 a b\n', ['a'], '10.0.3.5', 'present', '10.0.3.5\tb\n10.0.3.5\ta\n'],
    ['removes on absent', base, ['acme-svr'], '10.0.3.5', 'absent', '127.0.0.1\tlocalhost\n'],
    ['absent with another address leaves it', base, ['acme-svr'], '10.0.3.7', 'absent', base],
    ['absent without address removes any', base, ['acme-svr'], undefined, 'absent', '127.0.0.1\tlocalhost\n'],
    ['absent of a missing name is no change', base, ['zzz'], undefined, 'absent', base],
  ] as const)('%s', (_t, text, names, ip, state, want) => {
    expect(editEtcHosts(text, [...names], ip, state)).toBe(want);
  });
});
