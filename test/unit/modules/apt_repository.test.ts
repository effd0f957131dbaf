import { describe, expect, it } from 'vitest';
import aptRepository, { normaliseSourceLine, parseSourcesDump, planAptRepository, suggestedFilename } from '../../../modules/apt_repository.js';
import { argsOf, type ArgsOf } from '../../helpers/module-args.js';

const REPO = 'deb [signed-by=/etc/apt/keyrings/g.asc] https://apt.grafana.com stable main';

describe('apt_repository names and lines', () => {
  it.each([
    ['deb http://dl.google.com/linux/chrome/deb/ stable main', 'dl_google_com_linux_chrome_deb'],
    [REPO, 'apt_grafana_com'],
    ['deb https://user:pw@repo.example.org/debian bookworm main', 'repo_example_org_debian'],
    ['deb-src http://deb.debian.org/debian bookworm main', 'deb_debian_org_debian'],
  ])('%s -> %s.list (as Ansible names it)', (repo, want) => expect(suggestedFilename(repo)).toBe(want));

  it('compares lines with comments dropped and whitespace collapsed', () => {
    expect(normaliseSourceLine(`  ${REPO.replace(/ /g, '   ')}  # grafana`)).toBe(REPO);
    expect(normaliseSourceLine('# deb http://x y z')).toBe('');
  });

  it('reads the gather dump', () => {
    const files = parseSourcesDump('==> /etc/apt/sources.list\ndeb http://a b c\n\n==> /etc/apt/sources.list.d/x.list\n\n');
    expect([...files.entries()]).toEqual([['/etc/apt/sources.list', 'deb http://a b c\n'], ['/etc/apt/sources.list.d/x.list', '\n']]);
  });
});

describe('planAptRepository', () => {
  const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
  const plan = (a: Partial<ArgsOf<typeof aptRepository>>, f: Record<string, string>) => planAptRepository(argsOf(aptRepository, { repo: REPO, ...a }), files(f));

  it('adds the line to a new file named after the URI, then updates the cache', () => {
    const c = plan({}, { '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n' });
    expect(c.map((x) => [x.action, x.target])).toEqual([['create', '/etc/apt/sources.list.d/apt_grafana_com.list'], ['update-cache', 'apt']]);
    expect(c[0].data).toBe(`${REPO}\n`);
  });
  it('is ok when any sources file has it already (spacing aside)', () => {
    expect(plan({}, { '/etc/apt/sources.list.d/other.list': `${REPO.replace(' stable', '   stable')}\n` })).toEqual([]);
  });
  it('appends to an existing file of that name; update_cache false skips the update', () => {
    const c = plan({ filename: 'grafana', update_cache: false }, { '/etc/apt/sources.list.d/grafana.list': 'deb http://old x y' });
    expect(c.map((x) => x.action)).toEqual(['write']);
    expect(c[0].data).toBe(`deb http://old x y\n${REPO}\n`);
  });
  it('the update-cache alias is heard: false skips the update', () => {
    const c = plan({ 'update-cache': false }, { '/etc/apt/sources.list': '' });
    expect(c.map((x) => x.action)).toEqual(['create']);
  });
  it('absent: removes the line everywhere; a file left empty goes, sources.list stays', () => {
    const c = plan({ state: 'absent' }, { '/etc/apt/sources.list': `deb http://a b c\n${REPO}\n`, '/etc/apt/sources.list.d/g.list': `${REPO}\n` });
    expect(c.map((x) => [x.action, x.target])).toEqual([['write', '/etc/apt/sources.list'], ['delete', '/etc/apt/sources.list.d/g.list'], ['update-cache', 'apt']]);
    expect(c[0].data).toBe('deb http://a b c\n');
    expect(plan({ state: 'absent' }, { '/etc/apt/sources.list': 'deb http://a b c\n' })).toEqual([]);
  });
  it('refuses PPAs and non-deb lines with what to do instead', () => {
    expect(() => plan({ repo: 'ppa:deadsnakes/ppa' }, {})).toThrow(/PPAs .* are not supported: give the PPA's 'deb/);
    expect(() => plan({ repo: 'Types: deb' }, {})).toThrow(/starting with deb or deb-src/);
  });
});
