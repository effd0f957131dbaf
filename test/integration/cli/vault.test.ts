// Vault interoperability with Debian's ansible-core both ways: files and encrypt_string values made by
// ansible-vault open in osm-play, and osm-play's open in ansible-vault and ansible-playbook.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-cli-vault-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pwFile = join(work, 'pw.txt');
writeFileSync(pwFile, 'Correct-Horse-9\n');
const ansibleEnv = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'False', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False' };
const ansibleVault = (args: string[], input?: string): string => execFileSync('ansible-vault', args, { cwd: work, env: ansibleEnv, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

function playbook(name: string, varsYaml: string, extra = ''): string {
  const file = join(work, `${name}.yml`);
  const indented = varsYaml.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
  writeFileSync(file, `- hosts: localhost\n  connection: local\n  gather_facts: false\n${extra}  vars:\n${indented}\n  tasks:\n    - copy:\n        dest: "${work}/${name}.out"\n        content: "{{ secret }}\\n"\n`);
  return file;
}

describe('vault files', () => {
  it('a file encrypted by ansible-vault opens with osm-play vault view and decrypt', async () => {
    const file = join(work, 'by-ansible.yml');
    writeFileSync(file, 'token: from-ansible-1\n');
    ansibleVault(['encrypt', '--vault-id', `ops@${pwFile}`, file]);
    expect(readFileSync(file, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;ops\n')).toBe(true);
    const view = await runCli(['vault', 'view', '--vault-password-file', pwFile, file]);
    expect(view.stdout).toBe('token: from-ansible-1\n');
    const wrong = join(work, 'wrong.txt');
    writeFileSync(wrong, 'nope\n');
    const bad = await runCli(['vault', 'view', '--vault-password-file', wrong, file]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("no vault password given decrypts it (vault id 'ops')");
    const dec = await runCli(['vault', 'decrypt', '--vault-password-file', pwFile, file]);
    expect(dec.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('token: from-ansible-1\n');
  }, 120_000);

  it('a file encrypted by osm-play opens with ansible-vault view', async () => {
    const file = join(work, 'by-osm.yml');
    writeFileSync(file, 'token: from-osm-2\n');
    const r = await runCli(['vault', 'encrypt', '--vault-id', `dev@${pwFile}`, file]);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;dev\n')).toBe(true);
    expect(ansibleVault(['view', '--vault-password-file', pwFile, file])).toBe('token: from-osm-2\n');
  }, 120_000);

  it('--ask-vault-pass and --vault-id LABEL@prompt read the password from stdin when it is not a terminal', async () => {
    const file = join(work, 'asked.yml');
    writeFileSync(file, 'asked: 1\n');
    ansibleVault(['encrypt', '--vault-password-file', pwFile, file]);
    const asked = await runCli(['vault', 'view', '--ask-vault-pass', file], { input: 'Correct-Horse-9\n' });
    expect(asked.stdout).toBe('asked: 1\n');
    const prompted = await runCli(['vault', 'view', '--vault-id', 'ops@prompt', file], { input: 'Correct-Horse-9\n' });
    expect(prompted.stdout).toBe('asked: 1\n');
  }, 120_000);

  it('a password script is run and its output used', async () => {
    const script = join(work, 'pass.sh');
    writeFileSync(script, '#!/bin/sh\necho Correct-Horse-9\n');
    chmodSync(script, 0o755);
    const file = join(work, 'scripted.yml');
    writeFileSync(file, 'x: 1\n');
    ansibleVault(['encrypt', '--vault-password-file', pwFile, file]);
    const view = await runCli(['vault', 'view', '--vault-password-file', script, file]);
    expect(view.stdout).toBe('x: 1\n');
  }, 120_000);
});

describe('vaulted values in playbooks', () => {
  it("ansible-vault's encrypt_string value and vaulted vars_files run in osm-play, redacted in output", async () => {
    const value = ansibleVault(['encrypt_string', '--vault-password-file', pwFile, '--name', 'secret', 'Inline-Secret-31']);
    const varsFile = join(work, 'vaulted-vars.yml');
    writeFileSync(varsFile, 'other: File-Secret-42\n');
    ansibleVault(['encrypt', '--vault-password-file', pwFile, varsFile]);
    const pb = playbook('inline-in', value, `  vars_files: [${varsFile}]\n`);
    writeFileSync(pb, readFileSync(pb, 'utf8') + '    - debug: msg="{{ secret }} {{ other }}"\n');
    const r = await runCli([pb, '-i', 'localhost,', '-vvv'], { env: { ANSIBLE_VAULT_PASSWORD_FILE: pwFile } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'inline-in.out'), 'utf8')).toBe('Inline-Secret-31\n');
    expect(r.stdout).toContain('********');
    expect(r.stdout).not.toContain('Inline-Secret-31');
    expect(r.stdout).not.toContain('File-Secret-42');
  }, 120_000);

  it("osm-play's encrypt_string value runs in ansible-playbook", async () => {
    const enc = await runCli(['vault', 'encrypt_string', '--vault-password-file', pwFile, '--name', 'secret', 'Osm-Secret-53']);
    expect(enc.code).toBe(0);
    expect(enc.stdout).toMatch(/^secret: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n/);
    const pb = playbook('inline-out', enc.stdout);
    execFileSync('ansible-playbook', ['-i', 'localhost,', '--vault-password-file', pwFile, pb], { cwd: work, env: ansibleEnv, stdio: 'pipe' });
    expect(readFileSync(join(work, 'inline-out.out'), 'utf8')).toBe('Osm-Secret-53\n');
  }, 120_000);

  it('without a password the run is refused, naming the value', async () => {
    const enc = await runCli(['vault', 'encrypt_string', '--vault-password-file', pwFile, '--name', 'secret', 'x-y-z']);
    const pb = playbook('nopass', enc.stdout);
    const r = await runCli([pb, '-i', 'localhost,']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${pb}:5:13: a !vault value is encrypted with Ansible Vault, but no vault password was given`);
  }, 120_000);
});

describe('vault create and edit', () => {
  it('use $EDITOR on a private copy and keep the vault id', async () => {
    // An "editor" that appends a line to the file it is given.
    const editor = join(work, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nprintf "added: %s\\n" "$(wc -l < "$1")" >> "$1"\n');
    chmodSync(editor, 0o755);
    const file = join(work, 'created.yml');
    const created = await runCli(['vault', 'create', '--vault-id', `lab@${pwFile}`, file], { env: { EDITOR: editor } });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(ansibleVault(['view', '--vault-password-file', pwFile, file])).toBe('added: 0\n');
    const edited = await runCli(['vault', 'edit', '--vault-password-file', pwFile, file], { env: { EDITOR: editor } });
    expect(edited.code).toBe(0);
    expect(readFileSync(file, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;lab\n')).toBe(true);
    expect(ansibleVault(['view', '--vault-password-file', pwFile, file])).toBe('added: 0\nadded: 1\n');
    const again = await runCli(['vault', 'create', '--vault-password-file', pwFile, file], { env: { EDITOR: editor } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("exists already; use 'vault edit'");
  }, 120_000);
});

describe('vaulted inventory vars and -e @file', () => {
  it('group_vars and -e @file encrypted by ansible-vault are decrypted and redacted', async () => {
    const inv = join(work, 'inv');
    mkdirSync(join(inv, 'group_vars'), { recursive: true });
    writeFileSync(join(inv, 'hosts'), 'localhost ansible_connection=local\n');
    writeFileSync(join(inv, 'group_vars/all.yml'), 'from_group: Group-Secret-64\n');
    ansibleVault(['encrypt', '--vault-password-file', pwFile, join(inv, 'group_vars/all.yml')]);
    const extra = join(work, 'extra.yml');
    writeFileSync(extra, 'from_extra: Extra-Secret-75\n');
    ansibleVault(['encrypt', '--vault-id', `x@${pwFile}`, extra]);
    const pb = join(work, 'inv-site.yml');
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "${work}/inv.out", content: "{{ from_group }} {{ from_extra }}\\n" }\n    - debug: { msg: "{{ from_group }} {{ from_extra }}" }\n`);
    const r = await runCli(['-i', inv, pb, '-e', `@${extra}`, '--vault-password-file', pwFile, '-v']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'inv.out'), 'utf8')).toBe('Group-Secret-64 Extra-Secret-75\n');
    expect(r.stdout).not.toContain('Secret-64');
    expect(r.stdout).not.toContain('Secret-75');
    expect(r.stdout).toContain('******** ********');
  }, 120_000);
});
