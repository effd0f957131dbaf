// Issue 7, security: hostile strings passed straight to modules (no params in between) reach the
// programs and files as single, intact values, over the local connection and over ssh (where every
// command is a string for the remote shell, so quoting is what stands between them and it). No shell
// ever interprets them: a marker file that any interpretation would create never appears. Module
// fields with a schema pattern refuse them.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, type CliRun } from '../cli/run-cli.js';
import { sshFixture, type SshFixture } from '../ssh/ssh-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'osm-safety-hostile-'));
chmodSync(work, 0o755);
// Relative markers land in the working directory of a shell: the CLI runs in the repo (tsx resolves
// from there), commands with chdir in `out`, a remote login shell in the user's home.
const MARK = 'MARK';
/** Single path components (no '/'), so each can also be a file name. */
const NAMES = [`$(touch ${MARK})`, `\`touch ${MARK}\``, `; touch ${MARK}`, `'"; touch ${MARK}`, `\ntouch ${MARK}`, `| touch ${MARK}`, `&& touch ${MARK} #`];
/** With an absolute marker (in a dir the login user can write), for argv, contents and lines. */
const absolute = (mark: string) => [`$(touch ${mark})`, `\`touch ${mark}\``, `; touch ${mark}`, `'"; touch ${mark}`, `\ntouch ${mark}`];

const PLAYBOOK = `
- hosts: target
  gather_facts: false
  tasks:
    - name: argv as given
      command:
        argv: "{{ ['printf', '%s\\\\0'] + all }}"
        chdir: "{{ out }}"
      register: plain
    - name: argv through become (sudo wraps the command)
      become: true
      become_method: sudo
      command:
        argv: "{{ ['printf', '%s\\\\0'] + all }}"
        chdir: "{{ out }}"
      register: sudoed
    - name: keep what the programs received
      copy:
        dest: "{{ out }}/argv.json"
        content: "{{ {'plain': plain.stdout, 'sudo': sudoed.stdout} | to_json }}"
    - name: hostile file names and contents
      copy:
        dest: "{{ out }}/files/{{ item }}"
        content: "{{ item }}"
      loop: "{{ names }}"
    - name: hostile paths for file
      file:
        path: "{{ out }}/touched/{{ item }}"
        state: touch
      loop: "{{ names }}"
    - name: hostile lines
      lineinfile:
        path: "{{ out }}/lines"
        line: "{{ item }}"
        create: true
      loop: "{{ one_line }}"
    - name: hostile dnsmasq host names are refused
      dnsmasq_host:
        name: "{{ item }}"
        ip: 10.0.3.77
        file: "{{ out }}/dnsmasq.conf"
        leases_file: "{{ out }}/leases"
      loop: "{{ all }}"
      ignore_errors: true
      register: dns
    - name: hostile /etc/hosts names are refused
      hosts_entry:
        ip: 10.0.3.77
        names: ["{{ item }}"]
        file: "{{ out }}/hosts"
      loop: "{{ all }}"
      ignore_errors: true
      register: hosts
    - name: control, a shell that does interpret (proves the marker check can see a shell run)
      shell: "cd {{ out }}/control && echo {{ names[0] }}"
    - name: keep the refusals
      copy:
        dest: "{{ out }}/refusals.json"
        content: "{{ {'dns': dns.results | map(attribute='msg') | list, 'hosts': hosts.results | map(attribute='msg') | list} | to_json }}"
`;

let ssh: SshFixture;
beforeAll(async () => {
  writeFileSync(join(work, 'hostile.yml'), PLAYBOOK);
  ssh = await sshFixture();
}, 300_000);
afterAll(async () => {
  await ssh?.stop();
  rmSync(work, { recursive: true, force: true });
  // Only a failed run leaves one here; the tests have reported it by now.
  rmSync(join(REPO, MARK), { force: true });
});

interface Target {
  name: string;
  /** Inventory vars of the host `target`. */
  vars(): Record<string, unknown>;
  /** Owner of the output dir (the login user), or undefined for root. */
  owner(): string | undefined;
  home(): string;
}

const TARGETS: Target[] = [
  { name: 'local connection', vars: () => ({ ansible_connection: 'local' }), owner: () => undefined, home: () => homedir() },
  {
    name: 'ssh connection',
    vars: () => ssh.vars({ ansible_become_password: ssh.user.password }),
    owner: () => ssh.user.name,
    home: () => ssh.user.home,
  },
];

describe.each(TARGETS)('hostile strings over the $name', (target) => {
  let run: CliRun;
  let out: string;
  let absMark: string;
  let ALL: string[];
  let ONE_LINE: string[];
  const markers = () => [join(work, MARK), join(REPO, MARK), join(homedir(), MARK), join(target.home(), MARK), join('/', MARK), absMark, join(out, MARK)];

  beforeAll(async () => {
    const dir = join(work, target.name.replace(/\W+/g, '-'));
    out = join(dir, 'out');
    absMark = join(dir, 'ABS-MARK');
    ALL = [...NAMES, ...absolute(absMark)];
    ONE_LINE = ALL.filter((v) => !v.includes('\n'));
    mkdirSync(join(out, 'files'), { recursive: true });
    mkdirSync(join(out, 'touched'));
    mkdirSync(join(out, 'control'));
    writeFileSync(join(out, 'dnsmasq.conf'), '');
    writeFileSync(join(out, 'hosts'), '127.0.0.1 localhost\n');
    writeFileSync(join(out, 'leases'), '');
    const owner = target.owner();
    if (owner !== undefined) execFileSync('chown', ['-R', owner, dir]);
    const inventory = join(dir, 'inventory.json');
    writeFileSync(inventory, JSON.stringify({ all: { hosts: { target: target.vars() } } }));
    const vars = { all: ALL, names: NAMES, one_line: ONE_LINE, out };
    run = await runCli(['-i', inventory, join(work, 'hostile.yml'), '-e', JSON.stringify(vars)]);
  }, 300_000);

  it('the run succeeds (the refused names are ignored errors)', () => {
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
  });

  it('no marker file appears anywhere a shell would have made one', () => {
    for (const m of markers()) expect(existsSync(m), m).toBe(false);
  });

  it('control: the one task that asks for a shell (shell: with a template) does make the marker', () => {
    expect(existsSync(join(out, 'control', MARK))).toBe(true);
  });

  it('command argv: printf received each string as one argument, intact, with and without become', () => {
    const got = JSON.parse(readFileSync(join(out, 'argv.json'), 'utf8')) as { plain: string; sudo: string };
    const want = ALL.map((s) => `${s}\0`).join('');
    expect(got.plain).toBe(want);
    expect(got.sudo).toBe(want);
  });

  it('copy and file: each string is one file name and the exact content', () => {
    expect(readdirSync(join(out, 'files')).sort()).toEqual([...NAMES].sort());
    for (const n of NAMES) expect(readFileSync(join(out, 'files', n), 'utf8')).toBe(n);
    expect(readdirSync(join(out, 'touched')).sort()).toEqual([...NAMES].sort());
  });

  it('lineinfile: each string is one line, as given', () => {
    expect(readFileSync(join(out, 'lines'), 'utf8')).toBe(ONE_LINE.map((l) => `${l}\n`).join(''));
  });

  it('dnsmasq_host and hosts_entry refuse every hostile name by schema and write nothing', () => {
    const refusals = JSON.parse(readFileSync(join(out, 'refusals.json'), 'utf8')) as { dns: string[]; hosts: string[] };
    expect(refusals.dns).toHaveLength(ALL.length);
    expect(refusals.hosts).toHaveLength(ALL.length);
    for (const m of refusals.dns) expect(m).toMatch(/^dnsmasq_host: argument 'name' must match pattern "/);
    for (const m of refusals.hosts) expect(m).toMatch(/^hosts_entry: argument 'names\.0' must match pattern "/);
    expect(readFileSync(join(out, 'dnsmasq.conf'), 'utf8')).toBe('');
    expect(readFileSync(join(out, 'hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
  });
});
