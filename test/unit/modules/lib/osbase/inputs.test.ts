import { describe, expect, it } from 'vitest';
import {
  baseKey,
  baseName,
  cacheTarball,
  CORE_PACKAGES,
  extraPackages,
  repoSources,
  sourcesList,
  type AptRepo,
  type BaseInputs,
} from '../../../../../modules/lib/osbase/inputs.js';

const repo = (name: string, over: Partial<AptRepo> = {}): AptRepo => ({
  name,
  uris: [`https://${name}.example/debian`],
  suites: ['stable'],
  components: ['main'],
  key: `-----BEGIN PGP PUBLIC KEY BLOCK-----\n${name}\n-----END PGP PUBLIC KEY BLOCK-----`,
  ...over,
});

const inputs: BaseInputs = {
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  securityMirror: 'http://deb.debian.org/debian-security',
  packages: ['postgresql', 'redis-server'],
  aptRepos: [repo('grafana'), repo('influx')],
};

describe('baseKey', () => {
  it('is a 16-hex-digit hash, the same for the same inputs', () => {
    const k = baseKey(inputs);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(baseKey(structuredClone(inputs))).toBe(k);
  });

  it.each([
    ['another suite', { suite: 'trixie' }],
    ['another mirror', { mirror: 'http://ftp.de.debian.org/debian' }],
    ['another security mirror', { securityMirror: 'http://security.example/debian-security' }],
    ['no security mirror', { securityMirror: '' }],
    ['one package more', { packages: ['postgresql', 'redis-server', 'nginx'] }],
    ['one package less', { packages: ['postgresql'] }],
    ['a repo less', { aptRepos: [repo('grafana')] }],
    ['a repo with another key', { aptRepos: [repo('grafana', { key: 'other' }), repo('influx')] }],
    ['a repo with another component', { aptRepos: [repo('grafana', { components: ['main', 'contrib'] }), repo('influx')] }],
    ['a repo with another suite', { aptRepos: [repo('grafana', { suites: ['beta'] }), repo('influx')] }],
    ['a repo with another URI', { aptRepos: [repo('grafana', { uris: ['https://mirror.example/grafana'] }), repo('influx')] }],
    ['local .debs', { localDebs: [{ file: 'grafana_11.3.0_amd64.deb', sha256: 'a'.repeat(64) }] }],
  ] as [string, Partial<BaseInputs>][])('changes with %s', (_t, over) => {
    expect(baseKey({ ...inputs, ...over })).not.toBe(baseKey(inputs));
  });

  it.each([
    ['packages in another order', { packages: ['redis-server', 'postgresql'] }],
    ['a package listed twice', { packages: ['postgresql', 'redis-server', 'postgresql'] }],
    ['a core package listed too (every base has it)', { packages: ['postgresql', 'redis-server', 'mosquitto'] }],
    ['repos in another order', { aptRepos: [repo('influx'), repo('grafana')] }],
    ['an empty list of local .debs (the keys of bases built before local_debs existed)', { localDebs: [] }],
    ['a trailing slash on the mirrors', { mirror: 'http://deb.debian.org/debian/', securityMirror: 'http://deb.debian.org/debian-security//' }],
  ] as [string, Partial<BaseInputs>][])('stays the same with %s', (_t, over) => {
    expect(baseKey({ ...inputs, ...over })).toBe(baseKey(inputs));
  });
});

describe('baseKey with local .debs', () => {
  const deb = (file: string, c: string) => ({ file, sha256: c.repeat(64) });
  it('changes when a .deb changes, not with their order', () => {
    const two = { ...inputs, localDebs: [deb('a_1_amd64.deb', 'a'), deb('b_1_amd64.deb', 'b')] };
    expect(baseKey({ ...two, localDebs: [deb('b_1_amd64.deb', 'b'), deb('a_1_amd64.deb', 'a')] })).toBe(baseKey(two));
    expect(baseKey({ ...two, localDebs: [deb('a_1_amd64.deb', 'a'), deb('b_1_amd64.deb', 'c')] })).not.toBe(baseKey(two));
  });
});

describe('extraPackages', () => {
  it.each([
    ['none', [], []],
    ['sorted, without duplicates', ['redis-server', 'postgresql', 'redis-server'], ['postgresql', 'redis-server']],
    ['without the core packages debootstrap brought', ['mosquitto', 'nginx', 'systemd-sysv'], ['nginx']],
    ['only core packages', [...CORE_PACKAGES], []],
  ])('%s', (_t, packages, want) => {
    expect(extraPackages({ ...inputs, packages })).toEqual(want);
  });
});

describe('baseName and cacheTarball', () => {
  it('names a base by build time then suite, so names sort by build time', () => {
    expect(baseName('20261205-131500', 'bookworm')).toBe('20261205-131500-bookworm');
    expect([baseName('20261205-131500', 'trixie'), baseName('20251205-131500', 'trixie')].sort()[1]).toBe('20261205-131500-trixie');
  });
  it.each([
    ['/var/cache/osm-play/bases', '/var/cache/osm-play/bases/osm-base-bookworm-0123456789abcdef.tar.zst'],
    ['/var/cache/osm-play/bases/', '/var/cache/osm-play/bases/osm-base-bookworm-0123456789abcdef.tar.zst'],
    ['/c//', '/c/osm-base-bookworm-0123456789abcdef.tar.zst'],
  ])('cache %s', (dir, want) => {
    expect(cacheTarball(dir, 'bookworm', '0123456789abcdef')).toBe(want);
  });
});

describe('sourcesList', () => {
  it('lists the release, its updates and its security updates', () => {
    expect(sourcesList(inputs)).toBe(
      [
        '# Managed by osm-play (build-os-base.yaml).',
        'deb http://deb.debian.org/debian bookworm main',
        'deb http://deb.debian.org/debian bookworm-updates main',
        'deb http://deb.debian.org/debian-security bookworm-security main',
        '',
      ].join('\n'),
    );
  });
  it('leaves out security updates without a security mirror', () => {
    const text = sourcesList({ ...inputs, securityMirror: '', suite: 'trixie' });
    expect(text.split('\n').filter((l) => l.startsWith('deb '))).toEqual([
      'deb http://deb.debian.org/debian trixie main',
      'deb http://deb.debian.org/debian trixie-updates main',
    ]);
    expect(text).not.toMatch(/security/);
  });
});

describe('repoSources', () => {
  it.each([
    [
      'one URI, suite and component',
      repo('grafana'),
      ['URIs: https://grafana.example/debian', 'Suites: stable', 'Components: main', 'Signed-By: /etc/apt/keyrings/grafana.asc'],
    ],
    [
      'several of each, in the order given',
      repo('influx', { uris: ['https://a.example/x', 'https://b.example/x'], suites: ['stable', 'beta'], components: ['main', 'contrib', 'non-free'] }),
      ['URIs: https://a.example/x https://b.example/x', 'Suites: stable beta', 'Components: main contrib non-free', 'Signed-By: /etc/apt/keyrings/influx.asc'],
    ],
  ])('%s', (_t, r, fields) => {
    expect(repoSources(r)).toBe(['# Managed by osm-play (build-os-base.yaml).', 'Types: deb', ...fields, ''].join('\n'));
  });
  it('never carries the key itself (it lives in the keyring file)', () => {
    expect(repoSources(repo('grafana'))).not.toMatch(/BEGIN PGP/);
  });
});
