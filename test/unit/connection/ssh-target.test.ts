// Where an ssh connection goes: inventory vars over ~/.ssh/config over defaults; policies from vars.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { becomeFromVars, resolveSshTarget } from '../../../runner/connection/ssh-target.js';
import { UnreachableError } from '../../../runner/connection/types.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = join(dir, 'id_test');
writeFileSync(key, 'not really a key');
const sshConfigFile = join(dir, 'config');
writeFileSync(sshConfigFile, `Host web*\n  HostName %h.example.net\n  Port 2200\n  User deploy\n  IdentityFile ${key}\n`);

describe('resolveSshTarget', () => {
  it('takes HostName, Port, User and IdentityFile from ssh config', () => {
    const t = resolveSshTarget('web1', {}, { sshConfigFile });
    expect(t).toMatchObject({ name: 'web1', host: 'web1.example.net', port: 2200, user: 'deploy', keyFiles: [key] });
  });

  it('lets inventory vars win over ssh config', () => {
    const t = resolveSshTarget('web1', { ansible_host: '10.0.0.5', ansible_port: '22', ansible_user: 'ops', ansible_ssh_private_key_file: key }, { sshConfigFile });
    expect(t).toMatchObject({ host: '10.0.0.5', port: 22, user: 'ops', keyFiles: [key] });
  });

  it('uses defaults: port 22, the local user, 10 s, ~/.ssh/known_hosts, strict checking, 10 sessions', () => {
    const t = resolveSshTarget('db', {}, { sshConfigFile: join(dir, 'none') });
    expect(t).toMatchObject({
      host: 'db',
      port: 22,
      user: userInfo().username,
      connectTimeoutMs: 10_000,
      acceptNew: false,
      maxSessions: 10,
    });
    expect(t.knownHostsFiles[0]).toBe(join(homedir(), '.ssh', 'known_hosts'));
  });

  it('reads timeout, known_hosts file, accept-new and max sessions from vars', () => {
    const t = resolveSshTarget('db', {
      ansible_timeout: 3,
      ansible_ssh_known_hosts_file: '~/kh',
      ansible_ssh_host_key_checking: 'accept-new',
      ansible_ssh_max_sessions: '4',
      ansible_password: 'pw',
    });
    expect(t).toMatchObject({ connectTimeoutMs: 3000, acceptNew: true, maxSessions: 4, password: 'pw' });
    expect(t.knownHostsFiles[0]).toBe(join(homedir(), 'kh'));
  });

  it.each([[false], ['no'], ['off']])('refuses to turn host key checking off (%s)', (v) => {
    expect(() => resolveSshTarget('db', { ansible_ssh_host_key_checking: v })).toThrow(UnreachableError);
  });

  it('names a missing key file and a bad port', () => {
    expect(() => resolveSshTarget('db', { ansible_ssh_private_key_file: join(dir, 'missing') })).toThrow(/does not exist/);
    expect(() => resolveSshTarget('db', { ansible_port: 'twenty' })).toThrow(/ansible_port must be a whole number/);
  });
});

describe('becomeFromVars', () => {
  it.each([
    [{}, undefined],
    [{ ansible_become: false }, undefined],
    [{ ansible_become: true }, { method: 'sudo', user: 'root', password: undefined }],
    [{ ansible_become: 'yes', ansible_become_user: 'app', ansible_become_method: 'su' }, { method: 'su', user: 'app', password: undefined }],
    [{ ansible_become: true, ansible_become_password: 's3cret' }, { method: 'sudo', user: 'root', password: 's3cret' }],
  ])('%j -> %j', (vars, want) => {
    expect(becomeFromVars(vars)).toEqual(want);
  });
});
