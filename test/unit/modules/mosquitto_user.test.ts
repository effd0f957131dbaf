import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planMosquittoUser, redactHashes, withUserLine, type MosquittoUserState } from '../../../modules/mosquitto_user.js';

// Real mosquitto_passwd output (see fixtures/README-mosquitto.txt).
const FILE = readFileSync(new URL('./fixtures/mosquitto_passwd.txt', import.meta.url), 'utf8');
const a = { file: '/etc/mosquitto/passwd', user: 'alice', state: 'present' as const };
const st = (over: Partial<MosquittoUserState>): MosquittoUserState => ({ content: FILE, exists: true, matches: true, mode: 0o600, ...over });

describe('planMosquittoUser', () => {
  it.each([
    ['matching hash, right mode: no change', a, st({}), []],
    ['matching hash, wrong mode', a, st({ mode: 0o644 }), ['chmod']],
    ['matching hash, group wants 0640', { ...a, group: 'mosquitto' }, st({ mode: 0o640 }), []],
    ['other password', a, st({ matches: false }), ['write']],
    ['new user', { ...a, user: 'erin' }, st({ exists: false, matches: false }), ['write']],
    ['no file yet', a, st({ content: null, exists: false, matches: false, mode: null }), ['create']],
    ['absent, present user', { ...a, state: 'absent' as const }, st({}), ['write']],
    ['absent, no user', { ...a, state: 'absent' as const }, st({ exists: false }), []],
  ])('%s', (_n, args, state, want) => {
    expect(planMosquittoUser(args, state).map((c) => c.action)).toEqual(want);
  });

  it('diffs show the changed user line with every hash redacted', () => {
    const [c] = planMosquittoUser(a, st({ matches: false }));
    for (const text of [c?.before ?? '', c?.after ?? '']) {
      expect(text).not.toMatch(/\$[67]\$/);
      expect(text.split('\n')[0]).toBe('alice:<hash redacted>');
    }
    expect(c?.before).toBe(c?.after);
    expect(c?.summary).toBe('set a new password for alice in /etc/mosquitto/passwd');
    const [add] = planMosquittoUser({ ...a, user: 'erin' }, st({ exists: false, matches: false }));
    expect(add?.after?.split('\n')[4]).toBe('erin:<hash redacted>');
  });
});

describe('withUserLine / redactHashes', () => {
  it.each([
    [null, 'u', 'u:h', 'u:h\n'],
    ['a:1\nb:2\n', 'b', 'b:3', 'a:1\nb:3\n'],
    ['a:1\nb:2', 'c', 'c:3', 'a:1\nb:2\nc:3\n'],
    ['a:1\nb:2\n', 'a', null, 'b:2\n'],
    ['a:1\n', 'a', null, ''],
    ['ab:1\n', 'a', 'a:2', 'ab:1\na:2\n'],
  ])('%j with %s=%s', (content, user, line, want) => {
    expect(withUserLine(content, user, line)).toBe(want);
  });
  it('redacts every hash but keeps comments', () => {
    expect(redactHashes('# users\na:$7$x\nb:$6$y\n')).toBe('# users\na:<hash redacted>\nb:<hash redacted>\n');
  });
});
