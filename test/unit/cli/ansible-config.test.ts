// ansible.cfg and ANSIBLE_* settings: which file is read, parsing, and CLI > env > file precedence.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyAnsibleSettings, findConfigFile, parseIni, readAnsibleSettings } from '../../../runner/cli/ansible-config.js';
import { parseArgs } from '../../../runner/cli/args.js';

const dir = mkdtempSync(join(tmpdir(), 'osm-ansible-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const home = join(dir, 'home');
const cwd = join(dir, 'project');
mkdirSync(home);
mkdirSync(cwd);
const CFG = `# comment
[defaults]
inventory = hosts.ini
roles_path = roles:~/more-roles
remote_user = deploy
forks = 7   ; inline comment
host_key_checking = False
private_key_file = ~/.ssh/deploy
timeout: 20

[privilege_escalation]
become = yes
become_user = app
become_method = su
`;
writeFileSync(join(cwd, 'ansible.cfg'), CFG);
writeFileSync(join(home, '.ansible.cfg'), '[defaults]\nremote_user = fromhome\n');

describe('ansible.cfg', () => {
  it('parses sections, = and :, comments', () => {
    const ini = parseIni(CFG, 'x.cfg');
    expect(ini['defaults']?.['forks']?.value).toBe('7');
    expect(ini['defaults']?.['timeout']?.value).toBe('20');
    expect(ini['privilege_escalation']?.['become_method']?.value).toBe('su');
    expect(() => parseIni('key = value\n', 'x.cfg')).toThrow('x.cfg:1');
  });

  it('takes ANSIBLE_CONFIG, then ./ansible.cfg, then ~/.ansible.cfg', () => {
    expect(findConfigFile({ HOME: home }, cwd)).toBe(join(cwd, 'ansible.cfg'));
    expect(findConfigFile({ HOME: home }, home)).toBe(join(home, '.ansible.cfg'));
    expect(findConfigFile({ HOME: home, ANSIBLE_CONFIG: join(home, '.ansible.cfg') }, cwd)).toBe(join(home, '.ansible.cfg'));
  });

  it('reads the settings, paths relative to the file and ~ expanded', () => {
    const s = readAnsibleSettings({ HOME: home }, cwd);
    expect(s).toMatchObject({
      inventory: [join(cwd, 'hosts.ini')], rolesPath: [join(cwd, 'roles'), join(home, 'more-roles')], remoteUser: 'deploy', forks: 7,
      hostKeyChecking: false, privateKeyFile: join(home, '.ssh/deploy'), timeout: 20, become: true, becomeUser: 'app', becomeMethod: 'su',
    });
  });

  it('ANSIBLE_* variables win over the file', () => {
    const s = readAnsibleSettings({ HOME: home, ANSIBLE_REMOTE_USER: 'envuser', ANSIBLE_FORKS: '2', ANSIBLE_HOST_KEY_CHECKING: 'true', ANSIBLE_BECOME_USER: 'envapp' }, cwd);
    expect(s).toMatchObject({ remoteUser: 'envuser', forks: 2, hostKeyChecking: true, becomeUser: 'envapp' });
  });

  it('refuses bad values naming the file and line', () => {
    writeFileSync(join(dir, 'bad.cfg'), '[defaults]\nforks = many\n');
    expect(() => readAnsibleSettings({ HOME: home, ANSIBLE_CONFIG: join(dir, 'bad.cfg') }, cwd)).toThrow(`${join(dir, 'bad.cfg')}:2: [defaults] forks`);
    expect(() => readAnsibleSettings({ HOME: home, ANSIBLE_BECOME_METHOD: 'doas' }, home)).toThrow("become_method 'doas' is not supported");
  });

  it('the command line wins; host_key_checking False only accepts new keys', () => {
    const s = readAnsibleSettings({ HOME: home }, cwd);
    const o = parseArgs(['-u', 'cliuser', '-f', '3', '-i', 'other', 'site.yml']);
    const run = applyAnsibleSettings(o, s, { HOME: home });
    expect(o.inventories).toEqual(['other']);
    expect(o.forks).toBe(3);
    expect(o.acceptNewHostKeys).toBe(true);
    expect(o.become).toBe(true);
    expect(run.connectionDefaults).toEqual({ ansible_user: 'cliuser', ansible_ssh_private_key_file: join(home, '.ssh/deploy'), ansible_timeout: 20 });
    const bare = parseArgs(['site.yml']);
    applyAnsibleSettings(bare, s, { HOME: home });
    expect(bare.inventories).toEqual([join(cwd, 'hosts.ini')]);
    expect(bare.forks).toBe(7);
  });
});

describe('new options', () => {
  it('parses -c, -u, --private-key, -T, --list-tags, --start-at-task, --flush-cache', () => {
    const o = parseArgs(['-c', 'local', '-u', 'bob', '--key-file', 'k', '-T', '5', '--list-tags', '--start-at-task', 'x', '--flush-cache', 's.yml']);
    expect(o).toMatchObject({ connection: 'local', user: 'bob', privateKey: 'k', timeout: 5, listTags: true, startAtTask: 'x', flushCache: true });
  });

  it('refuses -k saying what to use', () => {
    expect(() => parseArgs(['-k', 's.yml'])).toThrow(/not supported.*ssh-agent/);
  });
});
