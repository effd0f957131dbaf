import { describe, expect, it } from 'vitest';
import find, { contentMatches, findArgv, listArg, searchPaths } from '../../../modules/find.js';
import { globToRegExp, parseAge, parseFindOutput, parseSize, selectFound, type FindFilter, type FoundEntry } from '../../../modules/lib/find/select.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(find);

const NOW = 1_000_000;
const entry = (path: string, over: Partial<FoundEntry> = {}): FoundEntry => ({
  path, type: 'file', mode: 0o644, size: 100, uid: 0, gid: 0, mtime: NOW - 10, atime: NOW - 10, ctime: NOW - 10, owner: 'root', group: 'root', nlink: 1, inode: 1, dev: 1, ...over,
});
const filter = (over: Partial<FindFilter> = {}): FindFilter => ({ patterns: [], excludes: [], useRegex: false, fileType: 'file', hidden: false, ageStamp: 'mtime', ...over });
const names = (es: FoundEntry[]) => es.map((e) => e.path);

describe('globToRegExp', () => {
  it.each([
    ['*.log', 'a.log', true],
    ['*.log', 'a.log.1', false],
    ['a?c', 'abc', true],
    ['[ab]x', 'bx', true],
    ['[!ab]x', 'bx', false],
    ['[!ab]x', 'cx', true],
    ['a.b', 'axb', false],
    ['(x)', '(x)', true],
  ])('%s against %s is %s', (glob, name, want) => expect(globToRegExp(glob).test(name)).toBe(want));
});

describe('parseAge / parseSize', () => {
  it.each([['30', 30], ['2d', 172800], ['-1w', -604800], ['5m', 300], ['3H', 10800]])('age %s = %d s', (a, s) => expect(parseAge(a)).toBe(s));
  it.each([['100', 100], ['10k', 10240], ['-1m', -1048576], ['2g', 2 * 1024 ** 3]])('size %s = %d bytes', (a, b) => expect(parseSize(a)).toBe(b));
  it('refuses junk, naming the units', () => {
    expect(() => parseAge('2 days')).toThrow(/s, m, h, d or w/);
    expect(() => parseSize('1x')).toThrow(/b, k, m, g or t/);
  });
});

describe('selectFound', () => {
  const entries = [
    entry('/d/a.log'),
    entry('/d/b.txt', { size: 5000 }),
    entry('/d/.hidden.log'),
    entry('/d/sub', { type: 'directory' }),
    entry('/d/link.log', { type: 'link' }),
    entry('/d/old.log', { mtime: NOW - 3 * 86400 }),
  ];
  it.each<[string, Partial<FindFilter>, string[]]>([
    ['files only, no hidden by default', {}, ['/d/a.log', '/d/b.txt', '/d/old.log']],
    ['hidden included', { hidden: true }, ['/d/a.log', '/d/b.txt', '/d/.hidden.log', '/d/old.log']],
    ['glob patterns', { patterns: ['*.log'] }, ['/d/a.log', '/d/old.log']],
    ['excludes', { patterns: ['*.log'], excludes: ['old*'] }, ['/d/a.log']],
    ['regex matches from the start', { patterns: ['[ab]\\.'], useRegex: true }, ['/d/a.log', '/d/b.txt']],
    ['directories', { fileType: 'directory' }, ['/d/sub']],
    ['links', { fileType: 'link' }, ['/d/link.log']],
    ['any', { fileType: 'any', patterns: ['*.log'] }, ['/d/a.log', '/d/link.log', '/d/old.log']],
    ['older than 2 days', { age: 2 * 86400 }, ['/d/old.log']],
    ['younger than 2 days', { age: -2 * 86400 }, ['/d/a.log', '/d/b.txt']],
    ['at least 1k', { size: 1024 }, ['/d/b.txt']],
    ['at most 1k', { size: -1024 }, ['/d/a.log', '/d/old.log']],
  ])('%s', (_t, f, want) => expect(names(selectFound(entries, filter(f), NOW))).toEqual(want));
});

describe('find gathering', () => {
  it('parses NUL-separated -printf records, tabs in names included', () => {
    const rec = 'f\t644\t12\t0\t0\t1.5\t2\t3\troot\troot\t1\t77\t9\t/d/a\tb\0d\t755\t4096\t1\t1\t1\t1\t1\tu\tg\t2\t78\t9\t/d/sub\0';
    const [a, d] = parseFindOutput(rec);
    expect(a).toMatchObject({ path: '/d/a\tb', type: 'file', mode: 0o644, size: 12, mtime: 1.5, inode: 77 });
    expect(d).toMatchObject({ path: '/d/sub', type: 'directory', owner: 'u', group: 'g' });
  });
  it('lists: YAML lists or comma-separated strings', () => {
    expect(listArg('/a, /b')).toEqual(['/a', '/b']);
    expect(listArg(['/a'])).toEqual(['/a']);
    expect(searchPaths(args({ path: '/x' }))).toEqual(['/x']);
    expect(() => searchPaths(args())).toThrow(/paths is required/);
    expect(() => searchPaths(args({ paths: '-delete' }))).toThrow(/starts with '-'/);
  });
  it('goes one level deep unless recurse, then depth levels', () => {
    expect(findArgv(args({ paths: '/d' }), '/d').slice(0, 6)).toEqual(['find', '-P', '/d', '-mindepth', '1', '-maxdepth']);
    expect(findArgv(args({ paths: '/d', recurse: true }), '/d')).not.toContain('-maxdepth');
    expect(findArgv(args({ paths: '/d', recurse: true, depth: 2, follow: true }), '/d').slice(0, 7)).toEqual(['find', '-L', '/d', '-mindepth', '1', '-maxdepth', '2']);
  });
  it('contains: at a line start, or anywhere with read_whole_file', () => {
    expect(contentMatches('a\nfoo=1\n', 'foo', false)).toBe(true);
    expect(contentMatches('a foo\n', 'foo', false)).toBe(false);
    expect(contentMatches('a foo\n', 'foo', true)).toBe(true);
  });
});
