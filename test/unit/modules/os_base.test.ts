import { describe, expect, it } from 'vitest';
import osBase, { matchingBase, parseSha256sums, planBase, samePackages, type BuildData } from '../../../modules/os_base.js';
import { baseKey, type BaseManifest } from '../../../modules/lib/osbase/inputs.js';
import type { BaseEntry } from '../../../modules/lib/osbase/inventory.js';
import { CLEAR_PARTIALS_SCRIPT, SEAL_SCRIPT, UNPACK_SCRIPT } from '../../../modules/lib/osbase/scripts.js';
import type { HostContext } from '../../../runner/module.js';
import type { Command, ExecResult } from '../../../runner/connection/types.js';

// The schema's defaults, as runModule applies them.
const a = {
  bases_dir: '/srv/osm-lxc/lxc/os-bases',
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  security_mirror: 'http://deb.debian.org/debian-security',
  packages: [] as string[],
  apt_repos: [] as { name: string; uris: string[]; suites: string[]; components: string[]; key: string }[],
  new: false,
  cache_dir: '',
  local_debs: '',
};
const key = baseKey({ suite: a.suite, mirror: a.mirror, securityMirror: a.security_mirror, packages: [], aptRepos: [] });
const TARBALL = `/var/cache/osm-play/bases/osm-base-bookworm-${key}.tar.zst`;
const built = (name: string, k: string): BaseEntry => ({ name, manifest: { key: k, recipe: 1, built: name.slice(0, 15), inputs: {} } as BaseManifest });
const state = (over: { bases?: BaseEntry[]; cacheHit?: boolean; tarball?: string | null; localDebs?: { file: string; sha256: string }[] } = {}) => ({
  stamp: '20261205-131500',
  cacheHit: false,
  bases: [],
  key,
  tarball: null,
  localDebs: [],
  ...over,
});

describe('matchingBase', () => {
  it.each([
    ['no bases', [], undefined],
    ['only bases of other inputs or none of ours', [built('20261201-000000-bookworm', 'ffffffffffffffff'), { name: 'hand-made', manifest: null }], undefined],
    ['one match', [built('20261201-000000-bookworm', 'ffffffffffffffff'), built('20261202-000000-bookworm', key)], '20261202-000000-bookworm'],
    ['the newest of several matches, whatever the listing order', [built('20261203-000000-bookworm', key), built('20261101-000000-bookworm', key), built('20261202-000000-bookworm', key)], '20261203-000000-bookworm'],
  ])('%s', (_t, bases, want) => {
    expect(matchingBase({ stamp: '20261205-131500', cacheHit: false, bases, key })).toBe(want);
  });
});

describe('parseSha256sums', () => {
  it('file names (without their folder) and digests, sorted; other lines ignored', () => {
    const text = `${'b'.repeat(64)}  /srv/debs/z_1_all.deb\n${'a'.repeat(64)} */srv/debs/a b_1_all.deb\nsha256sum: x: No such file\n`;
    expect(parseSha256sums(text)).toEqual([
      { file: 'a b_1_all.deb', sha256: 'a'.repeat(64) },
      { file: 'z_1_all.deb', sha256: 'b'.repeat(64) },
    ]);
  });
});

describe('planBase', () => {
  it.each([
    ['a fresh build', a, state(), '20261205-131500-bookworm', false, `build OS base 20261205-131500-bookworm (key ${key}): debootstrap bookworm from http://deb.debian.org/debian`],
    [
      'a fresh build with extra packages and vendor repos, cached',
      { ...a, packages: ['redis-server', 'mosquitto', 'postgresql'], apt_repos: [{ name: 'grafana', uris: ['https://apt.grafana.com'], suites: ['stable'], components: ['main'], key: 'k' }], cache_dir: '/var/cache/osm-play/bases' },
      state({ tarball: TARBALL }),
      '20261205-131500-bookworm',
      false,
      `build OS base 20261205-131500-bookworm (key ${key}): debootstrap bookworm from http://deb.debian.org/debian + postgresql redis-server (repos: grafana), cached as ${TARBALL}`,
    ],
    [
      'a fresh build with local .debs',
      { ...a, packages: ['grafana'], local_debs: '/srv/vendor-debs' },
      state({ localDebs: [{ file: 'grafana_11.3.0_amd64.deb', sha256: 'a'.repeat(64) }] }),
      '20261205-131500-bookworm',
      false,
      `build OS base 20261205-131500-bookworm (key ${key}): debootstrap bookworm from http://deb.debian.org/debian + grafana (local .debs: grafana_11.3.0_amd64.deb)`,
    ],
    ['a cached tarball: unpack it instead of debootstrap', { ...a, cache_dir: '/var/cache/osm-play/bases' }, state({ cacheHit: true, tarball: TARBALL }), '20261205-131500-bookworm', true, `build OS base 20261205-131500-bookworm (key ${key}): unpack ${TARBALL}`],
    [
      'new=true: debootstrap again, past a matching base and the cache',
      { ...a, new: true, cache_dir: '/var/cache/osm-play/bases' },
      state({ bases: [built('20261201-000000-bookworm', key)], cacheHit: true, tarball: TARBALL }),
      '20261205-131500-bookworm',
      false,
      `build OS base 20261205-131500-bookworm (key ${key}): debootstrap bookworm from http://deb.debian.org/debian, cached as ${TARBALL}`,
    ],
    ['a given name, with only bases of other inputs', { ...a, name: 'edge' }, state({ bases: [built('20261201-000000-bookworm', 'ffffffffffffffff')] }), 'edge', false, `build OS base edge (key ${key}): debootstrap bookworm from http://deb.debian.org/debian`],
  ])('%s', (_t, args, s, name, fromCache, summary) => {
    const changes = planBase(args, s);
    expect(changes).toEqual([{ action: 'build', target: `/srv/osm-lxc/lxc/os-bases/${name}`, summary, data: { name, fromCache } }]);
  });

  it.each([
    ['a base with the same inputs exists', state({ bases: [built('20261201-000000-bookworm', key)] })],
    ['it exists beside bases of other inputs, and a cached tarball', state({ bases: [built('20261201-000000-bookworm', 'ffffffffffffffff'), built('20261130-000000-bookworm', key)], cacheHit: true, tarball: TARBALL })],
  ])('nothing to do when %s', (_t, s) => {
    expect(planBase(a, s)).toEqual([]);
  });

  it('never changes a base of other inputs that has the name asked for', () => {
    expect(() => planBase({ ...a, name: 'edge' }, state({ bases: [built('edge', 'ffffffffffffffff')] }))).toThrow(
      'name: /srv/osm-lxc/lxc/os-bases/edge exists and was built from other inputs; a base is never changed (pick another name)',
    );
  });
});

// Records every command; a script fails when its text is the one named.
function recordingHost(failScript?: string): { host: HostContext; calls: string[][] } {
  const calls: string[][] = [];
  const exec = async (cmd: Command): Promise<ExecResult> => {
    const argv = 'argv' in cmd ? cmd.argv : ['script', cmd.script];
    calls.push(argv);
    const fail = failScript !== undefined && argv[2] === failScript;
    return { stdout: '', stderr: fail ? 'zstd: /var/cache/x: Read error (39) : premature end' : '', exitCode: fail ? 1 : 0 } as ExecResult;
  };
  const host: Partial<HostContext> = {
    exec,
    run: async (argv: string[]) => {
      calls.push(argv);
      return '';
    },
  };
  return { host: host as HostContext, calls };
}
const scriptName = (argv: string[]): string => {
  const names = new Map([
    [CLEAR_PARTIALS_SCRIPT, 'clear-partials'],
    [UNPACK_SCRIPT, 'unpack'],
    [SEAL_SCRIPT, 'seal'],
  ]);
  return argv[0] === '/bin/sh' ? `${names.get(argv[2] ?? '') ?? 'other-script'} ${argv.slice(4).join(' ')}` : argv.join(' ');
};

describe('os_base apply from the cache', () => {
  const args = { ...a, cache_dir: '/var/cache/osm-play/bases' };
  const s = state({ cacheHit: true, tarball: TARBALL });
  const dir = '/srv/osm-lxc/lxc/os-bases';

  it('clears an interrupted build, unpacks into a partial subvolume, then seals it under its name', async () => {
    const { host, calls } = recordingHost();
    await osBase.apply(host, args, planBase(args, s), s);
    expect(calls.map(scriptName)).toEqual([
      `mkdir -p -- ${dir}`,
      `clear-partials ${dir}`,
      `btrfs subvolume create ${dir}/.partial-20261205-131500-bookworm`,
      `unpack ${dir}/.partial-20261205-131500-bookworm ${TARBALL}`,
      `seal ${dir}/.partial-20261205-131500-bookworm ${dir}/20261205-131500-bookworm`,
    ]);
    expect(calls.some((c) => c[0] === 'debootstrap')).toBe(false);
  });

  it('removes the partial subvolume again when unpacking fails, and says why', async () => {
    const { host, calls } = recordingHost(UNPACK_SCRIPT);
    await expect(osBase.apply(host, args, planBase(args, s), s)).rejects.toThrow(`unpacking ${TARBALL} failed (rc 1):\nzstd: /var/cache/x: Read error (39) : premature end`);
    expect(calls.map(scriptName).slice(-2)).toEqual([`unpack ${dir}/.partial-20261205-131500-bookworm ${TARBALL}`, `clear-partials ${dir}`]);
    expect(calls.some((c) => c[2] === SEAL_SCRIPT)).toBe(false);
  });
});

describe('os_base result', () => {
  it.each([
    ['a build', state(), [{ action: 'build' as const, target: '', summary: '', data: { name: 'n', fromCache: true } satisfies BuildData }], { name: 'n', from_cache: true }],
    ['an existing base', state({ bases: [built('20261201-000000-bookworm', key)] }), [], { name: '20261201-000000-bookworm', from_cache: false }],
  ])('%s', (_t, s, changes, want) => {
    expect(osBase.result?.(a, s, changes)).toEqual({ ...want, path: `/srv/osm-lxc/lxc/os-bases/${want.name}`, key });
  });
});

describe('samePackages (a new=true build with nothing to upgrade is dropped)', () => {
  const pkgs = ['libc6 2.36-9+deb12u9', 'mosquitto 2.0.11-1.2+deb12u1', 'systemd 252.33-1~deb12u1'];
  it('is true only for the same names and versions', () => {
    expect(samePackages(pkgs, [...pkgs])).toBe(true);
    expect(samePackages(pkgs, ['libc6 2.36-9+deb12u10', ...pkgs.slice(1)])).toBe(false);
    expect(samePackages(pkgs, pkgs.slice(1))).toBe(false);
    expect(samePackages([...pkgs, 'vim 2:9.0.1378-2'], pkgs)).toBe(false);
  });
  it('is false for an empty list (an unreadable dpkg database is no proof)', () => {
    expect(samePackages([], [])).toBe(false);
  });
});
