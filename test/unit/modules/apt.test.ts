import { describe, expect, it } from 'vitest';
import { parseInstalled, planApt } from '../../../modules/apt.js';

const base = { state: 'present' as const, update_cache: false, install_recommends: false };

describe('apt', () => {
  it('reads installed packages from dpkg-query, ignoring removed ones and arch suffixes', () => {
    const text = 'nginx installed\nlibfoo:amd64 installed\nufw config-files\n';
    expect([...parseInstalled(text)].sort()).toEqual(['libfoo', 'nginx']);
  });

  it.each([
    [{ name: ['nginx', 'ufw'] }, ['nginx'], 'install', 'ufw'],
    [{ name: 'nginx' }, ['nginx'], null, null],
    [{ name: ['nginx'], state: 'absent' as const }, ['nginx'], 'remove', 'nginx'],
    [{ name: ['ufw'], state: 'absent' as const }, ['nginx'], null, null],
  ])('%o with %o installed → %s %s', (args, installed, action, target) => {
    const changes = planApt({ ...base, ...args }, new Set(installed));
    expect(changes[0]?.action ?? null).toBe(action);
    expect(changes[0]?.target ?? null).toBe(target);
  });

  it('never upgrades: the install command carries --no-upgrade', () => {
    expect(planApt({ ...base, name: 'ufw' }, new Set())[0]?.summary).toContain('--no-upgrade');
  });
});
