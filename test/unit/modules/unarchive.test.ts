import { describe, expect, it } from 'vitest';
import unarchive, { archiveKind, extractArgv, listArgv, parseListing, planUnarchive } from '../../../modules/unarchive.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(unarchive);

describe('unarchive', () => {
  it.each([['a.zip', 'zip'], ['a.tar', 'tar'], ['a.tgz', 'tar'], ['a.tar.gz', 'tar'], ['a.tar.xz', 'tar'], ['a.tar.zst', 'tar'], ['A.ZIP', 'zip']])('%s is %s', (src, kind) => expect(archiveKind(src)).toBe(kind));
  it('refuses an unknown format, naming the ones it reads', () => expect(() => archiveKind('a.rar')).toThrow(/\.zip, \.tar/));

  it('lists and extracts with tar or unzip', () => {
    expect(listArgv('tar', '/t/a.tgz')).toEqual(['tar', '-tf', '/t/a.tgz']);
    expect(listArgv('zip', '/t/a.zip')).toEqual(['unzip', '-Z1', '--', '/t/a.zip']);
    expect(extractArgv('tar', '/t/a.tgz', '/d', ['*.log'])).toEqual(['tar', '-xf', '/t/a.tgz', '-C', '/d', '--exclude=*.log']);
    expect(extractArgv('zip', '/t/a.zip', '/d', ['x'])).toEqual(['unzip', '-o', '-q', '/t/a.zip', '-d', '/d', '-x', 'x']);
  });

  it('listing: ./ and trailing slashes dropped', () => expect(parseListing('./\n./a/\n./a/b.txt\nc\n')).toEqual(['a', 'a/b.txt', 'c']));

  it.each<[string, string[], boolean, number]>([
    ['all there: ok', [], false, 0],
    ['a member missing: unpack', ['a/b.txt'], false, 1],
    ['creates exists: ok', ['a/b.txt'], true, 0],
  ])('%s', (_t, missing, created, n) => {
    expect(planUnarchive(args({ src: 'a.tgz', dest: '/d' }), { kind: 'tar', localSrc: null, members: ['a', 'a/b.txt'], missing, created })).toHaveLength(n);
  });
});
