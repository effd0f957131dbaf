// comment, password_hash, to_uuid, random, ipaddr and json_query. The core ones are also computed by
// ansible-core's own filter functions (Debian's /usr/bin/python3), which must agree.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTemplater } from '../../../runner/template/index.js';

const t = createTemplater();
const vars = { text: 'a\nb', users: [{ name: 'x', uid: 1 }, { name: 'y', uid: 2 }] };

// [template, expected, the same call to ansible's filter (python) or null]
const cases: [string, unknown, string | null][] = [
  ['{{ text | comment }}', '#\n# a\n# b\n#', "comment('a\\nb')"],
  ["{{ text | comment('c') }}", '//\n// a\n// b\n//', "comment('a\\nb', 'c')"],
  ["{{ text | comment('erlang') }}", '%\n% a\n% b\n%', "comment('a\\nb', 'erlang')"],
  ["{{ text | comment('cblock') }}", '/*\n *\n * a\n * b\n *\n */', "comment('a\\nb', 'cblock')"],
  ["{{ text | comment('xml') }}", '<!--\n -\n - a\n - b\n -\n-->', "comment('a\\nb', 'xml')"],
  ["{{ 'x' | comment(decoration='; ') }}", ';\n; x\n;', "comment('x', decoration='; ')"],
  ["{{ 'x' | comment('plain', prefix='#!', postfix_count=2) }}", '#!\n# x\n#\n#', "comment('x', 'plain', prefix='#!', postfix_count=2)"],
  ["{{ 'secret' | password_hash('sha512', 'abcdefgh12345678') }}", '$6$abcdefgh12345678$8qry.al/7S2fAQnDPL..k3GVAXostN0YvxqwHlKr6Jsf/74.qDax5ahH0CISuJF.P2fnhZoX0.4l8IwZUur9t1', "get_encrypted_password('secret', 'sha512', 'abcdefgh12345678')"],
  ["{{ 'secret' | password_hash('sha256', 'abcdefgh') }}", '$5$abcdefgh$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM.', "get_encrypted_password('secret', 'sha256', 'abcdefgh')"],
  ["{{ 'secret' | password_hash('sha512', 'salt', rounds=10000) }}", '$6$rounds=10000$salt$DlXBMYczdEhPh3u0gYF7SQ1Z/8gtrTdVEm7qFtvDoi4s6ExnEmQmD/hTCtHevju1kEUb8.Di7wexk68ol3ztm.', "get_encrypted_password('secret', 'sha512', 'salt', rounds=10000)"],
  ["{{ 'host1' | to_uuid }}", '7590dc85-6b79-5d0a-b4fc-5a7f0e7910a6', "to_uuid('host1')"],
  ["{{ 'x' | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8') }}", '05b16a01-46c6-56dd-bd6e-c6dfb4a1427a', "to_uuid('x', namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8')"],
  ["{{ 60 | random(seed='host1') }}", 31, "rand(None, 60, seed='host1')"],
  ["{{ 60 | random(seed='web-02') }}", null, "rand(None, 60, seed='web-02')"],
  ["{{ ['a', 'b', 'c'] | random(seed='x') }}", 'c', "rand(None, ['a', 'b', 'c'], seed='x')"],
  ['{{ 100 | random(start=3, step=7, seed=42) }}', 73, 'rand(None, 100, start=3, step=7, seed=42)'],
  ["{{ '192.168.1.10/24' | ipaddr }}", '192.168.1.10/24', null],
  ["{{ 'nope' | ipaddr }}", false, null],
  ["{{ '192.168.1.10/24' | ipaddr('address') }}", '192.168.1.10', null],
  ["{{ '192.168.1.0/24' | ipaddr('address') }}", false, null],
  ["{{ '192.168.1.10/24' | ansible.utils.ipaddr('network') }}", '192.168.1.0', null],
  ["{{ '192.168.1.10/24' | ipaddr('netmask') }}", '255.255.255.0', null],
  ["{{ '192.168.1.10/24' | ipaddr('prefix') }}", 24, null],
  ["{{ '192.168.1.10/24' | ipaddr('broadcast') }}", '192.168.1.255', null],
  ["{{ '10.1.2.3/255.255.0.0' | ipaddr('network/prefix') }}", '10.1.0.0/16', null],
  ["{{ '192.168.1.0/24' | ipaddr(5) }}", '192.168.1.5/24', null],
  ["{{ ['10.0.0.1', 'x', '::1', 'fe80::1/64'] | ipv4 }}", ['10.0.0.1'], null],
  ["{{ ['10.0.0.1', '::1'] | ansible.netcommon.ipv6 }}", ['::1'], null],
  ["{{ '2001:db8:0:0:1::5/64' | ipaddr('network') }}", '2001:db8::', null],
  ["{{ '192.168.1.10' | ipaddr('private') }}", '192.168.1.10', null],
  ["{{ '8.8.8.8' | ipaddr('public') }}", '8.8.8.8', null],
  ["{{ users | community.general.json_query('[].name') }}", ['x', 'y'], null],
  ['{{ users | json_query("[?uid > `1`].name") }}', ['y'], null],
  ["{{ {'a': {'b': 1}} | json_query('a.b') }}", 1, null],
];

describe('Ansible filters', () => {
  it.each(cases.filter((c) => c[1] !== null))('%s', (src, expected) => {
    expect(t.render(src, vars)).toEqual(expected);
  });

  it('agree with ansible-core 2.14 filter functions', () => {
    const withPython = cases.filter((c) => c[2] !== null);
    const script = [
      'import json, warnings',
      'warnings.simplefilter("ignore")',
      'from ansible.plugins.filter.core import comment, to_uuid, rand, get_encrypted_password',
      `print(json.dumps([${withPython.map((c) => c[2]).join(', ')}]))`,
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, ANSIBLE_DEPRECATION_WARNINGS: 'False' }, stdio: ['ignore', 'pipe', 'ignore'] });
    const ours = withPython.map((c) => t.render(c[0], vars));
    expect(ours).toEqual(JSON.parse(out) as unknown[]);
  });

  it.each([
    ["{{ 'x' | password_hash('bcrypt') }}", "hash type 'bcrypt' is not supported"],
    ["{{ 'x' | comment('lisp') }}", "unknown style 'lisp'"],
    ["{{ '1.2.3.4' | ipaddr('wildcard') }}", "query 'wildcard' is not supported"],
    ["{{ {} | json_query('[[') }}", 'json_query:'],
    ["{{ 'ab' | random(start=1) }}", 'start and step can only be used with integer values'],
  ])('%s fails clearly', (src, message) => {
    expect(() => t.render(src, vars)).toThrow(message);
  });

  it('password_hash without a salt makes a fresh 16-character one', () => {
    const h = t.render("{{ 'pw' | password_hash('sha512') }}", vars) as string;
    expect(h).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(t.render("{{ 'pw' | password_hash('sha512') }}", vars)).not.toBe(h);
  });
});
