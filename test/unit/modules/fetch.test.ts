import { describe, expect, it } from 'vitest';
import fetch, { fetchDest, planFetch } from '../../../modules/fetch.js';
import { argsOf } from '../../helpers/module-args.js';

describe('fetchDest', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['dest/HOST/SRC', { src: '/etc/hosts', dest: '/b' }, '/b/web1/etc/hosts'],
    ['relative src gets a root', { src: 'etc/x', dest: '/b' }, '/b/web1/etc/x'],
    ['relative dest from the base dir', { src: '/etc/hosts', dest: 'keep' }, '/pb/keep/web1/etc/hosts'],
    ['flat: dest itself', { src: '/etc/hosts', dest: '/b/h.txt', flat: true }, '/b/h.txt'],
    ['flat with a trailing slash: dest/BASENAME', { src: '/etc/hosts', dest: '/b/', flat: true }, '/b/hosts'],
  ])('%s', (_t, a, want) => expect(fetchDest(a as never, 'web1', '/pb')).toBe(want));
});

describe('planFetch', () => {
  const a = argsOf(fetch, { src: '/etc/x', dest: '/b' });
  it('fetches when the copy is missing or differs, not when equal', () => {
    expect(planFetch(a, { remote: Buffer.from('x'), local: null, dest: '/b/h/etc/x' }).map((c) => c.action)).toEqual(['fetch']);
    expect(planFetch(a, { remote: Buffer.from('x'), local: Buffer.from('y'), dest: '/b/h/etc/x' })).toHaveLength(1);
    expect(planFetch(a, { remote: Buffer.from('x'), local: Buffer.from('x'), dest: '/b/h/etc/x' })).toEqual([]);
  });
  it('a missing src fails, unless fail_on_missing is false', () => {
    expect(() => planFetch(a, { remote: null, local: null, dest: '/d' })).toThrow(/does not exist: \/etc\/x/);
    expect(planFetch({ ...a, fail_on_missing: false }, { remote: null, local: null, dest: '/d' })).toEqual([]);
  });
});
