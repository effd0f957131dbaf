// Issue 7, secrets: a secret param, a no_log value, a module's secret argument (mosquitto_user's
// password), a module's secret result (generated_secret's value) and a become password appear in none
// of: the terminal at -vvv with --diff, the --json and --junit reports, and the failure messages of
// tasks whose errors quote them. Only the files meant to hold them do, and those are 0600 root.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../cli/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-safety-secrets-'));
const root = join(work, 'root');
const PARAM_SECRET = 'Param-Secret-4f9c1e';
const MQTT_PASSWORD = 'Mqtt-Password-7b2d90';
const BECOME_PASSWORD = 'Become-Password-3a8e55';
// The no_log value is computed (upper) so its literal is in no file, not even the playbook.
const NO_LOG_SECRET = 'NOLOG-TOKEN-91C3';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  params:
    api_password:
      type: string
      secret: true
      required: true
    root:
      type: string
      required: true
  tasks:
    - name: a no_log fact
      set_fact:
        token: "{{ 'nolog-token-91c3' | upper }}"
      no_log: true
    - name: the param secret into a root-only file (shown by --diff)
      copy:
        dest: "{{ root }}/api.conf"
        content: "password={{ api_password }}\\n"
        mode: "0600"
    - name: an MQTT user (secret argument)
      mosquitto_user:
        file: "{{ root }}/mosquitto.passwd"
        user: t7-user
        password: "{{ mqtt_password }}"
    - name: a generated secret (secret result)
      generated_secret:
        path: "{{ root }}/credentials/t7.txt"
        fields:
          user: t7-user
      register: gen
    - name: a become task (the become password is in the vars)
      become: true
      become_method: sudo
      command:
        argv: [id, -u]
    - name: show everything
      debug:
        msg: "p={{ api_password }} t={{ token }} m={{ mqtt_password }} g={{ gen.value }} b={{ ansible_become_password }}"
    - name: show the registered result
      debug:
        var: gen
    - name: a module error quoting a secret
      command:
        argv: [ls, "/nonexistent/{{ gen.value }}/{{ api_password }}/{{ token }}/{{ mqtt_password }}"]
      ignore_errors: true
    - name: a file module error quoting a secret
      copy:
        dest: "/nonexistent-dir/{{ api_password }}/{{ gen.value }}"
        content: x
      ignore_errors: true
    - name: an assert quoting secrets
      assert:
        that: false
        fail_msg: "p={{ api_password }} t={{ token }} m={{ mqtt_password }} g={{ gen.value }} b={{ ansible_become_password }}"
      ignore_errors: true
    - name: the failure that ends the run
      fail:
        msg: "could not log in: p={{ api_password }} t={{ token }} m={{ mqtt_password }} g={{ gen.value }} b={{ ansible_become_password }}"
`;

let run: CliRun;
let generated: string;
beforeAll(async () => {
  mkdirSync(root);
  writeFileSync(join(work, 'secrets.yml'), PLAYBOOK);
  const vars = { api_password: PARAM_SECRET, root, mqtt_password: MQTT_PASSWORD, ansible_become_password: BECOME_PASSWORD };
  run = await runCli([join(work, 'secrets.yml'), '-e', JSON.stringify(vars), '-vvv', '--diff',
    '--json', join(work, 'report.json'), '--junit', join(work, 'report.xml')]);
  generated = /^password=(.+)$/m.exec(readFileSync(join(root, 'credentials/t7.txt'), 'utf8'))?.[1] ?? '';
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const secrets = () => ({ PARAM_SECRET, MQTT_PASSWORD, BECOME_PASSWORD, NO_LOG_SECRET, generated });

/** Every regular file under dir, relative path → text. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (lstatSync(p).isDirectory()) walk(p);
      else out[relative(work, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('secrets at -vvv --diff --json --junit, with failures quoting them', () => {
  it('the run reached the end and failed there (every quoting task ran)', () => {
    expect(run.code).toBe(2);
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(run.stdout).toContain('the failure that ends the run');
    expect(run.stdout).toMatch(/ignored=3/);
    // The outputs were written and are not empty shells.
    expect(readFileSync(join(work, 'report.json'), 'utf8')).toContain('an assert quoting secrets');
    expect(readFileSync(join(work, 'report.xml'), 'utf8')).toContain('the failure that ends the run');
  });

  it('the secrets were used and shown masked, so the check below looks at real output', () => {
    expect(run.stdout).toContain('could not log in: p=********');
    expect(run.stdout).toMatch(/\+password=\*+/);
  });

  it('no secret appears in stdout, stderr, the JSON report or the JUnit report', () => {
    const outputs = { stdout: run.stdout, stderr: run.stderr, json: readFileSync(join(work, 'report.json'), 'utf8'), junit: readFileSync(join(work, 'report.xml'), 'utf8') };
    for (const [where, text] of Object.entries(outputs)) {
      for (const [name, value] of Object.entries(secrets())) expect(text.includes(value), `${name} in ${where}`).toBe(false);
    }
  });

  it('only the files meant to hold a secret do, and they are 0600 root', () => {
    const holders: Record<string, string[]> = {
      'root/api.conf': [PARAM_SECRET],
      'root/credentials/t7.txt': [generated],
    };
    for (const [file, text] of Object.entries(files(work))) {
      if (file === 'secrets.yml') continue;
      for (const [name, value] of Object.entries(secrets())) {
        expect(text.includes(value), `${name} in ${file}`).toBe((holders[file] ?? []).includes(value));
      }
    }
    for (const file of [...Object.keys(holders), 'root/mosquitto.passwd']) {
      const st = statSync(join(work, file));
      expect(st.mode & 0o777, file).toBe(0o600);
      expect(st.uid, file).toBe(0);
    }
    expect(statSync(join(root, 'credentials')).mode & 0o077).toBe(0);
  });
});

describe('--ask-become-pass', () => {
  it('the password read from stdin appears in no output of a become run at -vvv', async () => {
    const password = 'Ask-Become-Password-7c1d';
    const dir = join(work, 'ask');
    mkdirSync(dir);
    writeFileSync(join(dir, 'become.yml'), [
      '- hosts: localhost',
      '  gather_facts: false',
      '  tasks:',
      '    - name: a become command',
      '      become: true',
      '      become_method: sudo',
      '      command:',
      '        argv: [id, -u]',
      '      register: who',
      '    - name: a failing become command',
      '      become: true',
      '      become_method: sudo',
      '      command:',
      '        argv: [ls, /nonexistent-t7]',
      '',
    ].join('\n'));
    const r = await runCli([join(dir, 'become.yml'), '--ask-become-pass', '-vvv', '--diff', '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml')],
      { input: `${password}\n` });
    // The become commands ran (as root) and the second one failed: there was output to leak into.
    expect(r.stdout).toContain('a failing become command');
    expect(r.code).toBe(2);
    for (const [where, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr, json: readFileSync(join(dir, 'r.json'), 'utf8'), junit: readFileSync(join(dir, 'r.xml'), 'utf8') })) {
      expect(text.includes(password), `become password in ${where}`).toBe(false);
    }
  }, 300_000);
});
