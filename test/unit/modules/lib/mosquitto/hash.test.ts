import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMosquittoHash, parsePasswdFile, verifyMosquittoHash } from '../../../../../modules/lib/mosquitto/hash.js';

// Produced by the real mosquitto_passwd; see fixtures/README-mosquitto.txt.
const fixture = readFileSync(new URL('../../fixtures/mosquitto_passwd.txt', import.meta.url), 'utf8');
const entries = parsePasswdFile(fixture);
const hashOf = (user: string): string => {
  const e = entries.find((x) => x.user === user);
  if (!e) throw new Error(`fixture has no ${user}`);
  return e.hash;
};

describe('parsePasswdFile', () => {
  it('reads user:hash lines with their line numbers, skipping comments and blanks', () => {
    expect(parsePasswdFile('# c\n\nalice:$7$1$a$b\nbob:x\r\n').map((e) => [e.user, e.hash, e.line])).toEqual([
      ['alice', '$7$1$a$b', 3],
      ['bob', 'x', 4],
    ]);
    expect(entries.map((e) => e.user)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });
});

describe('verifyMosquittoHash against mosquitto_passwd output', () => {
  it.each([
    ['alice', 'S3cret pass', true],
    ['alice', 'S3cret pass ', false],
    ['alice', 's3cret pass', false],
    ['bob', 'x', true],
    ['bob', 'y', false],
    ['carol', 'pässwörd', true],
    ['carol', 'passwort', false],
    ['dave', '', true],
    ['dave', ' ', false],
  ])('%s / %j → %s', (user, password, ok) => {
    expect(verifyMosquittoHash(hashOf(user), password)).toBe(ok);
  });

  it.each(['', 'plain', '$5$abc$def', '$7$x$abc$def', '$7$101$$', '$6$$'])('rejects malformed %j', (h) => {
    expect(verifyMosquittoHash(h, '')).toBe(false);
  });
});

describe('makeMosquittoHash', () => {
  it('makes the $7$ format mosquitto_passwd makes, and it verifies', () => {
    const salt = Buffer.from(hashOf('alice').split('$')[3] ?? '', 'base64');
    expect(makeMosquittoHash('S3cret pass', salt)).toBe(hashOf('alice'));
    const fresh = makeMosquittoHash('new one');
    expect(fresh).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(verifyMosquittoHash(fresh, 'new one')).toBe(true);
    expect(makeMosquittoHash('new one')).not.toBe(fresh);
  });
});
