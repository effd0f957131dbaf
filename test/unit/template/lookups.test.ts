// Controller lookups, each against a temp playbook directory; expected values follow ansible-core 2.14.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();
const dir = mkdtempSync(join(tmpdir(), 'osm-lookups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'files/conf'), { recursive: true });
mkdirSync(join(dir, 'templates'));
writeFileSync(join(dir, 'files/motd'), 'hello\n\n');
writeFileSync(join(dir, 'files/conf/a.conf'), 'a');
writeFileSync(join(dir, 'files/conf/b.conf'), 'b');
writeFileSync(join(dir, 'files/conf/c.txt'), 'c');
writeFileSync(join(dir, 'files/debian.yml'), 'x');
writeFileSync(join(dir, 'templates/greet.j2'), 'Hi {{ who }}!\n');
process.env.OSM_LOOKUP_SET = 'set-value';
const vars = { playbook_dir: dir, who: 'world', app_port: 1, app_host: 'h', other: 2, d: { a: 1, b: 2 } };

const cases: [string, unknown][] = [
  ["{{ lookup('env', 'OSM_LOOKUP_SET') }}", 'set-value'],
  ["{{ lookup('env', 'OSM_LOOKUP_UNSET_X', default='d') }}", 'd'],
  ["{{ lookup('ansible.builtin.env', 'OSM_LOOKUP_UNSET_X') }}", ''],
  ["{{ query('env', 'OSM_LOOKUP_SET', 'OSM_LOOKUP_UNSET_X') }}", ['set-value', '']],
  ["{{ lookup('env', 'OSM_LOOKUP_SET', wantlist=True) }}", ['set-value']],
  ["{{ lookup('file', 'motd') }}", 'hello'],
  ["{{ lookup('pipe', 'echo one; echo two') }}", 'one\ntwo'],
  ["{{ lookup('pipe', 'basename $PWD') == (playbook_dir | basename) }}", true],
  ["{{ lookup('template', 'greet.j2') }}", 'Hi world!\n'],
  ["{{ lookup('template', 'greet.j2', template_vars={'who': 'you'}) }}", 'Hi you!\n'],
  ["{{ query('varnames', '^app_') }}", ['app_port', 'app_host']],
  ["{{ lookup('fileglob', 'conf/*.conf') | replace(playbook_dir, '') }}", '/files/conf/a.conf,/files/conf/b.conf'],
  ["{{ query('fileglob', 'conf/*.none') }}", []],
  ["{{ query('items', [1, 2], 3) }}", [1, 2, 3]],
  ["{{ lookup('dict', d) }}", [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
  ["{{ query('dict', {'k': 'v'}) }}", [{ key: 'k', value: 'v' }]],
  ["{{ lookup('first_found', ['redhat.yml', 'debian.yml']) | basename }}", 'debian.yml'],
  ["{{ lookup('first_found', {'files': ['nope.yml', 'motd'], 'paths': [playbook_dir + '/files']}) | basename }}", 'motd'],
  ["{{ lookup('first_found', files=['x.yml', 'debian.yml']) | basename }}", 'debian.yml'],
  ["{{ query('first_found', ['x.yml'], skip=True) }}", []],
  ["{{ lookup('password', '/dev/null length=12 chars=digits') | length }}", 12],
  ["{{ lookup('password', '/dev/null length=8 chars=digits') is match('^[0-9]{8}$') }}", true],
  ["{{ lookup('password', '/dev/null seed=s1') == lookup('password', '/dev/null seed=s1') }}", true],
];

describe('lookups', () => {
  it.each(cases)('%s', (src, expected) => {
    expect(t.render(src, vars)).toEqual(expected);
  });

  it('password writes the file once (0600) and reuses it', () => {
    const first = t.render("{{ lookup('password', 'creds/db length=20 chars=ascii_letters,digits') }}", vars) as string;
    expect(first).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(readFileSync(join(dir, 'creds/db'), 'utf8')).toBe(`${first}\n`);
    expect(statSync(join(dir, 'creds/db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'creds')).mode & 0o777).toBe(0o700);
    expect(t.render("{{ lookup('password', 'creds/db length=5') }}", vars)).toBe(first);
    writeFileSync(join(dir, 'creds/hashed'), 'plain1 salt=abcd\n');
    expect(t.render("{{ lookup('password', 'creds/hashed') }}", vars)).toBe('plain1');
  });

  it.each([
    ["{{ lookup('first_found', ['a.yml', 'b.yml']) }}", 'No file was found when using first_found'],
    ["{{ lookup('password', '/dev/null colour=red') }}", 'Unrecognized parameter(s) given to password lookup: colour'],
    ["{{ lookup('password', '/dev/null encrypt=sha512_crypt') }}", 'use the password_hash filter'],
    ["{{ lookup('pipe', 'exit 3') }}", "command 'exit 3' failed"],
    ["{{ lookup('file', 'absent') }}", "could not find 'absent'"],
  ])('%s fails clearly', (src, message) => {
    expect(() => t.render(src, vars)).toThrow(message);
  });

  it("errors='ignore' gives an empty result", () => {
    expect(t.render("{{ query('file', 'absent', errors='ignore') }}", vars)).toEqual([]);
  });
});
