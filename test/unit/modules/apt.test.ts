import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import apt, { countSimulated, parseCandidates, parseDpkgQuery, parseInstalled, planApt, type AptState } from '../../../modules/apt.js';

type A = Parameters<typeof planApt>[0];
const args = (a: Record<string, unknown>): A => Value.Default(apt.args, a) as A;
const state = (dpkg: string, extra: Partial<AptState> = {}): AptState => ({ pkgs: parseDpkgQuery(dpkg), cacheAge: null, upgradeCount: 0, autoremoveCount: 0, ...extra });

describe('apt parsers', () => {
  it('reads installed packages from dpkg-query, ignoring removed ones and arch suffixes', () => {
    const text = 'nginx installed 1.22\nlibfoo:amd64 installed 2\nufw config-files 0.36\n';
    expect([...parseInstalled(text)].sort()).toEqual(['libfoo', 'nginx']);
    expect(parseDpkgQuery(text).get('ufw')).toEqual({ status: 'config-files', installed: null, candidate: null });
  });
  it('reads candidates from apt-cache policy and counts simulated actions', () => {
    const policy = 'nginx:\n  Installed: 1.22\n  Candidate: 1.24\n  Version table:\nfoo:\n  Installed: (none)\n  Candidate: (none)\n';
    expect([...parseCandidates(policy)]).toEqual([['nginx', '1.24']]);
    expect(countSimulated('Inst a (1 x)\nConf a\nInst b\nRemv c\n', 'Inst')).toBe(2);
  });
});

describe('apt plan', () => {
  const dpkg = 'nginx installed 1.22\nufw config-files 0.36\n';
  it.each([
    [{ name: ['nginx', 'ufw'] }, 'install', 'ufw'],
    [{ pkg: 'nginx' }, null, null],
    [{ name: 'nginx', state: 'installed' }, null, null],
    [{ name: ['nginx'], state: 'absent' }, 'remove', 'nginx'],
    [{ name: ['ufw'], state: 'removed' }, null, null],
    [{ name: ['ufw'], state: 'absent', purge: true }, 'remove', 'ufw'],
    [{ name: 'nginx=1.22' }, null, null],
    [{ name: 'nginx=1.24' }, 'install', 'nginx=1.24'],
  ])('%o → %s %s', (a, action, target) => {
    const changes = planApt(args(a), state(dpkg));
    expect(changes[0]?.action ?? null).toBe(action);
    expect(changes[0]?.target ?? null).toBe(target);
  });

  it('present never upgrades (--no-upgrade); latest upgrades when the candidate is newer', () => {
    expect(planApt(args({ name: 'ufw' }), state(dpkg))[0]?.data).toContain('--no-upgrade');
    const s = state(dpkg);
    s.pkgs.get('nginx')!.candidate = '1.24';
    const latest = planApt(args({ name: 'nginx', state: 'latest' }), s);
    expect(latest[0].data).not.toContain('--no-upgrade');
    s.pkgs.get('nginx')!.candidate = '1.22';
    expect(planApt(args({ name: 'nginx', state: 'latest' }), s)).toEqual([]);
  });

  it('update_cache alone is the task, honouring cache_valid_time; with packages only when installing', () => {
    expect(planApt(args({ update_cache: true }), state('')).map((c) => c.action)).toEqual(['update-cache']);
    expect(planApt(args({ update_cache: true, cache_valid_time: 3600 }), state('', { cacheAge: 100 }))).toEqual([]);
    expect(planApt(args({ update_cache: true, cache_valid_time: 3600 }), state('', { cacheAge: 7200 })).length).toBe(1);
    expect(planApt(args({ name: 'nginx', update_cache: true }), state(dpkg))).toEqual([]);
    expect(planApt(args({ name: 'ufw', update_cache: true }), state(dpkg)).map((c) => c.action)).toEqual(['update-cache', 'install']);
  });

  it('upgrade, autoremove and deb act only when there is something to do', () => {
    expect(planApt(args({ upgrade: 'dist' }), state('', { upgradeCount: 2 }))[0].data).toEqual(['apt-get', 'dist-upgrade', '-y', '-q', '-o=Dpkg::Options::=--force-confdef', '-o=Dpkg::Options::=--force-confold']);
    expect(planApt(args({ upgrade: 'yes' }), state(''))).toEqual([]);
    expect(planApt(args({ autoremove: true }), state('', { autoremoveCount: 1 }))[0].action).toBe('autoremove');
    expect(planApt(args({ deb: '/x.deb' }), state('', { deb: { pkg: 'x', version: '1', installed: true } }))).toEqual([]);
    expect(planApt(args({ deb: '/x.deb' }), state('', { deb: { pkg: 'x', version: '1', installed: false } }))[0].action).toBe('install-deb');
  });

  it('refuses build-dep and a task with nothing to do', () => {
    expect(() => planApt(args({ name: 'x', state: 'build-dep' }), state(''))).toThrow(/build-dep is not supported/);
    expect(() => planApt(args({}), state(''))).toThrow(/give name/);
  });
});
