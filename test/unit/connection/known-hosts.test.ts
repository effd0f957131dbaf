// known_hosts parsing and matching against keys made by ssh-keygen, as OpenSSH would decide.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  hashHostName,
  hostPatternMatches,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  mismatchMessage,
  parseKnownHosts,
} from '../../../runner/connection/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeKey(name: string): { line: string; blob: Buffer } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64') };
}

const keyA = makeKey('a');
const keyB = makeKey('b');

describe('host names and patterns', () => {
  it.each([
    ['web1', 22, 'web1'],
    ['127.0.0.1', 2222, '[127.0.0.1]:2222'],
  ])('%s port %d is looked up as %s', (host, port, want) => {
    expect(knownHostsName(host, port)).toBe(want);
  });

  it.each([
    ['web1,web2', 'web2', true],
    ['web*', 'web17', true],
    ['web?', 'web17', false],
    ['*.example.com,!bad.example.com', 'bad.example.com', false],
    ['*.example.com,!bad.example.com', 'ok.example.com', true],
    ['[127.0.0.1]:2222', '[127.0.0.1]:2222', true],
    ['[127.0.0.1]:2222', '127.0.0.1', false],
    ['WEB1', 'web1', true],
  ])('%s matches %s: %s', (patterns, name, want) => {
    expect(hostPatternMatches(patterns, name)).toBe(want);
  });

  it('matches hashed names written by ssh-keygen -H', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `[127.0.0.1]:2222 ${keyA.line}\nweb1 ${keyB.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const entries = loadKnownHosts([file]);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(entries, '[127.0.0.1]:2222', keyA.blob).kind).toBe('ok');
    expect(checkHostKey(entries, 'web1', keyB.blob).kind).toBe('ok');
    expect(checkHostKey(entries, 'web2', keyB.blob).kind).toBe('unknown');
    expect(hostPatternMatches(hashHostName('x.example'), 'x.example')).toBe(true);
  });
});

describe('checkHostKey', () => {
  const text = [
    '# comment',
    '',
    `web1,web2 ${keyA.line} ops@example`,
    `@revoked * ${keyB.line}`,
    `@unknown-marker web9 ${keyA.line}`,
    `[db]:2200 ${keyA.line}`,
  ].join('\n');
  const entries = parseKnownHosts(text, '/etc/kh');

  it('parses lines with their file:line and markers', () => {
    expect(entries.map((e) => [e.line, e.marker ?? '', e.hosts])).toEqual([
      [3, '', 'web1,web2'],
      [4, '@revoked', '*'],
      [6, '', '[db]:2200'],
    ]);
  });

  it('accepts the stored key', () => {
    expect(checkHostKey(entries, 'web2', keyA.blob)).toMatchObject({ kind: 'ok', entry: { line: 3 } });
  });

  it('refuses a revoked key even for a host with no entry', () => {
    expect(checkHostKey(entries, 'other', keyB.blob)).toMatchObject({ kind: 'revoked', entry: { line: 4 } });
  });

  it('reports unknown hosts and port-specific entries', () => {
    expect(checkHostKey(entries, 'db', keyA.blob).kind).toBe('unknown');
    expect(checkHostKey(entries, '[db]:2200', keyA.blob).kind).toBe('ok');
  });

  it('reports a changed key with file:line and both fingerprints', () => {
    const other = makeKey('c');
    const verdict = checkHostKey(entries, 'web1', other.blob);
    expect(verdict.kind).toBe('mismatch');
    if (verdict.kind !== 'mismatch') return;
    const msg = mismatchMessage('web1', other.blob, verdict.entries);
    expect(msg).toContain('/etc/kh:3');
    expect(msg).toContain(fingerprint(other.blob));
    expect(msg).toContain(fingerprint(keyA.blob));
  });

  it('lists key types known for a host', () => {
    expect(knownKeyTypes(entries, 'web1')).toEqual(['ssh-ed25519']);
    expect(keyTypeOf(keyA.blob)).toBe('ssh-ed25519');
  });
});

describe('fingerprint', () => {
  it('is what ssh-keygen -l prints', () => {
    const out = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')]).toString();
    expect(out.split(' ')[1]).toBe(fingerprint(keyA.blob));
  });
});

describe('appendKnownHost', () => {
  it('creates the file, appends once, and ssh-keygen -F finds the entry', () => {
    const file = join(dir, 'sub', 'known_hosts');
    appendKnownHost(file, '[127.0.0.1]:2999', keyA.blob);
    appendKnownHost(file, '[127.0.0.1]:2999', keyA.blob);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(1);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2999', '-f', file]).toString();
    expect(found).toContain(keyA.line);
  });
});
