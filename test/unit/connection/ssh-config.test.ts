// ~/.ssh/config: Host patterns, first value wins, IdentityFile accumulates, tokens expand.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSshConfig, resolveSshConfig } from '../../../runner/connection/ssh-config.js';
import { matchPattern } from '../../../runner/connection/ssh-pattern.js';

const config = `
# global defaults come first only if written first
Host web?
  HostName %h.internal.example
  Port 2201
  IdentityFile ~/.ssh/web_key

Host *.lab !bad.lab
  User=ops
  Port = 2202
  IdentityFile "/keys/with space"

Match host db1
  Port 9999

Host *
  User fallback
  Port 22
  IdentityFile %d/.ssh/id_%r
`;

describe('resolveSshConfig', () => {
  const blocks = parseSshConfig(config);

  it.each([
    ['web1', { hostName: 'web1.internal.example', port: 2201, user: 'fallback' }],
    ['a.lab', { hostName: undefined, port: 2202, user: 'ops' }],
    ['bad.lab', { hostName: undefined, port: 22, user: 'fallback' }],
    ['db1', { hostName: undefined, port: 22, user: 'fallback' }],
    ['web12', { hostName: undefined, port: 22, user: 'fallback' }],
  ])('%s resolves like OpenSSH', (host, want) => {
    expect(resolveSshConfig(blocks, host)).toMatchObject(want);
  });

  it('collects IdentityFile from every matching block, expanding ~ and tokens', () => {
    expect(resolveSshConfig(blocks, 'web1').identityFiles).toEqual([
      join(homedir(), '.ssh/web_key'),
      `${homedir()}/.ssh/id_fallback`,
    ]);
    expect(resolveSshConfig(blocks, 'x.lab').identityFiles[0]).toBe('/keys/with space');
  });
});

describe('matchPattern', () => {
  it.each([
    ['abc', 'a*c', true],
    ['ac', 'a*c', true],
    ['abd', 'a*c', false],
    ['abc', 'a?c', true],
    ['abc', '*', true],
    ['', '*', true],
    ['a.b.c', '*.c', true],
    ['aXbXc', '*b*c', true],
  ])('%s ~ %s = %s', (text, pattern, want) => {
    expect(matchPattern(text, pattern)).toBe(want);
  });
});
