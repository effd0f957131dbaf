import { describe, expect, it } from 'vitest';
import { parseGroupLine, planGroup } from '../../../modules/group.js';
import { parseUserGather, planUser } from '../../../modules/user.js';

const gbase = { system: false, state: 'present' as const, non_unique: false };
const ubase = { append: false, create_home: true, move_home: false, system: false, state: 'present' as const, remove: false, force: false, update_password: 'always' as const, non_unique: false };

describe('group', () => {
  it('parses a getent line', () => {
    expect(parseGroupLine('adm:x:4:syslog,alice')).toEqual({ name: 'adm', gid: 4, members: ['syslog', 'alice'] });
    expect(parseGroupLine('')).toBeNull();
  });
  it.each([
    [{ name: 'g' }, null, ['groupadd', 'g']],
    [{ name: 'g', gid: 900, system: true }, null, ['groupadd', '-r', '-g', '900', 'g']],
    [{ name: 'g', gid: 900 }, { name: 'g', gid: 901, members: [] }, ['groupmod', '-g', '900', 'g']],
    [{ name: 'g', gid: 900 }, { name: 'g', gid: 900, members: [] }, null],
    [{ name: 'g', state: 'absent' as const }, { name: 'g', gid: 900, members: [] }, ['groupdel', 'g']],
    [{ name: 'g', state: 'absent' as const }, null, null],
  ])('%o with %o → %o', (a, g, argv) => {
    const c = planGroup({ ...gbase, ...a }, g);
    expect(c[0]?.data ?? null).toEqual(argv);
  });
});

const GATHER = 'bob:x:1001:1001:Bob:/home/bob:/bin/sh\n--groups--\nbob:x:1001:\nadm:x:4:bob\nsudo:x:27:\n--shadow--\n$6$abc\n';

describe('user', () => {
  it('parses the one-command gather', () => {
    const s = parseUserGather(GATHER);
    expect(s.user).toEqual({ name: 'bob', uid: 1001, gid: 1001, comment: 'Bob', home: '/home/bob', shell: '/bin/sh' });
    expect(s.hash).toBe('$6$abc');
    expect(s.groups.map((g) => g.name)).toEqual(['bob', 'adm', 'sudo']);
    expect(parseUserGather('--groups--\n--shadow--\n').user).toBeNull();
  });
  it.each([
    [{ name: 'bob' }, null],
    [{ name: 'bob', groups: ['adm'] }, null],
    [{ name: 'bob', groups: 'sudo', append: true }, ['usermod', '-G', 'sudo', '-a', 'bob']],
    [{ name: 'bob', groups: ['sudo'] }, ['usermod', '-G', 'sudo', 'bob']],
    [{ name: 'bob', groups: [] }, ['usermod', '-G', '', 'bob']],
    [{ name: 'bob', shell: '/bin/bash', comment: 'B' }, ['usermod', '-s', '/bin/bash', '-c', 'B', 'bob']],
    [{ name: 'bob', group: 'bob', uid: 1001 }, null],
    [{ name: 'bob', password: '$6$abc' }, null],
    [{ name: 'bob', password: '$6$new', update_password: 'on_create' as const }, null],
    [{ name: 'bob', password: '$6$new' }, ['usermod', '-p', '$6$new', 'bob']],
    [{ name: 'bob', state: 'absent' as const, remove: true }, ['userdel', '-r', 'bob']],
  ])('existing bob, %o → %o', (a, argv) => {
    const c = planUser({ ...ubase, ...a }, parseUserGather(GATHER));
    expect(c[0]?.data ?? null).toEqual(argv);
  });
  it('creates new users with a home unless system, and hides the hash in the summary', () => {
    const none = parseUserGather('--groups--\nadm:x:4:\n--shadow--\n');
    expect(planUser({ ...ubase, name: 'x', password: '$6$secret' }, none)[0].data).toEqual(['useradd', '-m', '-p', '$6$secret', 'x']);
    expect(planUser({ ...ubase, name: 'x', password: '$6$secret' }, none)[0].summary).not.toContain('secret');
    expect(planUser({ ...ubase, name: 'x', system: true }, none)[0].data).toEqual(['useradd', '-r', '-M', 'x']);
    expect(planUser({ ...ubase, name: 'x', state: 'absent' }, none)).toEqual([]);
  });
});
