import { describe, expect, it } from 'vitest';
import deb822, { deb822Filename, deb822Text, planDeb822 } from '../../../modules/deb822_repository.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(deb822);
const A = args({ name: 'Grafana OSS', uris: 'https://apt.grafana.com', suites: 'stable', components: ['main'], signed_by: '/etc/apt/keyrings/grafana.asc' });

describe('deb822_repository', () => {
  it.each([['grafana', '/etc/apt/sources.list.d/grafana.sources'], ['Grafana OSS', '/etc/apt/sources.list.d/grafana-oss.sources'], ['a/b:c', '/etc/apt/sources.list.d/abc.sources']])('%s -> %s', (n, f) => expect(deb822Filename(n)).toBe(f));

  it('writes the fields in deb822 form', () => {
    expect(deb822Text({ ...A, types: ['deb', 'deb-src'], enabled: true })).toBe(
      'X-Repolib-Name: Grafana OSS\nTypes: deb deb-src\nURIs: https://apt.grafana.com\nSuites: stable\nComponents: main\nEnabled: yes\nSigned-By: /etc/apt/keyrings/grafana.asc\n',
    );
  });

  it('an inline key becomes an indented multi-line field, blank lines as " ."', () => {
    const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----\n';
    expect(deb822Text({ ...A, signed_by: key })).toContain('Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBF\n -----END PGP PUBLIC KEY BLOCK-----\n');
  });

  it('refuses a key URL and a missing uris, saying what to do', () => {
    expect(() => deb822Text({ ...A, signed_by: 'https://x/key.asc' })).toThrow(/get_url/);
    expect(() => deb822Text(args({ name: 'x', suites: 'stable' }))).toThrow(/uris and suites are required/);
  });

  it.each<[string, Record<string, unknown>, string | null, string[]]>([
    ['missing: create', {}, null, ['create']],
    ['same text: nothing', {}, deb822Text(A), []],
    ['other text: write', {}, 'Types: deb\n', ['write']],
    ['absent, present file: delete', { state: 'absent' }, 'x', ['delete']],
    ['absent, no file: nothing', { state: 'absent' }, null, []],
  ])('%s', (_t, extra, current, want) => {
    const stat = current === null ? null : ({ exists: true, isDir: false, isFile: true, isSymlink: false, mode: 0o644, uid: 0, gid: 0, size: current.length } as never);
    expect(planDeb822({ ...A, ...extra } as never, { current: current === null ? null : Buffer.from(current), attrs: { stat } }).map((c) => c.action)).toEqual(want);
  });
});
