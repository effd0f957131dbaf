// The real CLI over ssh: ten inventory names on one sshd plus an unreachable one, an unknown host
// refused then accepted with --accept-new-host-keys, become via sudo, and the host lock between
// runs (the second waits; kill -9 of a run leaves nothing that blocks the next).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/sshd.js';
import { REPO, cliEntry, runCli } from '../cli/run-cli.js';
import { sshFixture, type SshFixture } from './ssh-fixture.js';

// Each CLI run starts node + tsx; on a loaded machine that alone can take many seconds.
const SLOW = 300_000;

let fx: SshFixture;
let dir: string;
const NAMES = Array.from({ length: 10 }, (_, i) => `web${String(i + 1).padStart(2, '0')}`);

function inventory(file: string, hosts: string[], extra: Record<string, string> = {}, knownHosts = fx.sshd.knownHostsPath): string {
  const lines = [
    'all:',
    '  vars:',
    '    ansible_host: 127.0.0.1',
    `    ansible_port: ${fx.sshd.port}`,
    `    ansible_user: ${fx.user.name}`,
    `    ansible_ssh_private_key_file: ${fx.sshd.clientKeyPath}`,
    `    ansible_ssh_known_hosts_file: ${knownHosts}`,
    `    ansible_become_password: "${fx.user.password}"`,
    '  hosts:',
    ...hosts.map((h) => `    ${h}: ${extra[h] ?? '{}'}`),
    '',
  ];
  const path = join(dir, file);
  writeFileSync(path, lines.join('\n'));
  return path;
}

beforeAll(async () => {
  fx = await sshFixture();
  dir = mkdtempSync(join(tmpdir(), 'osm-ssh-cli-'));
  writeFileSync(
    join(dir, 'fleet.yml'),
    `- hosts: all
  gather_facts: false
  vars:
    base: "${fx.user.home}/cli/{{ inventory_hostname }}"
  tasks:
    - file: { path: "{{ base }}", state: directory, mode: "0755" }
    - copy: { dest: "{{ base }}/motd", content: "hello {{ inventory_hostname }}\\n" }
    - lineinfile: { path: "{{ base }}/settings", line: "second line", create: true }
    - command: "id -un"
      become: true
      register: who
      changed_when: false
    - copy: { dest: "{{ base }}/became", content: "{{ who.stdout }}\\n" }
`,
  );
  // Appends start/end marks to one shared log, with a pause between: overlapping runs would interleave.
  writeFileSync(
    join(dir, 'slow.yml'),
    `- hosts: all
  gather_facts: false
  tasks:
    - command: "sh -c 'echo start-{{ run }} >> ${fx.user.home}/runs.log'"
    - command: "sleep {{ pause }}"
    - command: "sh -c 'echo end-{{ run }} >> ${fx.user.home}/runs.log'"
`,
  );
});
afterAll(async () => {
  await fx?.stop();
  rmSync(dir, { recursive: true, force: true });
  // The test user is not root, so its runs keep their lock files in /tmp.
  for (const h of [...NAMES, 'down', 'fresh', 'lockhost']) {
    rmSync(`/tmp/osm-play.${h}.lock`, { force: true });
    rmSync(`/tmp/osm-play.${h}.lock.holder`, { force: true });
  }
});

describe('osm-play over ssh', { timeout: SLOW }, () => {
  it('runs a playbook on ten hosts and reports the unreachable one (exit 4)', async () => {
    const closed = await freePort();
    const inv = inventory('fleet-inv.yml', [...NAMES, 'down'], { down: `{ ansible_port: ${closed} }` });
    const r = await runCli(['-i', inv, join(dir, 'fleet.yml')]);
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(4);
    for (const n of NAMES) {
      expect(readFileSync(join(fx.user.home, 'cli', n, 'motd'), 'utf8')).toBe(`hello ${n}\n`);
      expect(readFileSync(join(fx.user.home, 'cli', n, 'settings'), 'utf8')).toBe('second line\n');
      expect(readFileSync(join(fx.user.home, 'cli', n, 'became'), 'utf8')).toBe('root\n');
    }
    expect(out).toMatch(/down[^\n]*connection refused/);
    expect(out).not.toContain(fx.user.password);

    const again = await runCli(['-i', inventory('fleet-inv2.yml', NAMES), join(dir, 'fleet.yml')]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/changed=0/);
    expect(again.stdout).not.toMatch(/changed=[1-9]/);
  });

  it('refuses an unknown host key, then accepts it with --accept-new-host-keys', async () => {
    const kh = join(dir, 'empty_known_hosts');
    const inv = inventory('new-inv.yml', ['fresh'], {}, kh);
    const refused = await runCli(['-i', inv, join(dir, 'fleet.yml')]);
    expect(refused.code).toBe(4);
    expect(refused.stdout + refused.stderr).toMatch(/--accept-new-host-keys/);
    expect(existsSync(kh)).toBe(false);
    const accepted = await runCli(['-i', inv, join(dir, 'fleet.yml'), '--accept-new-host-keys']);
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(readFileSync(kh, 'utf8')).toContain(`[127.0.0.1]:${fx.sshd.port} ${fx.sshd.hostPublicKey}`);
  });

  it('makes a second concurrent run wait for the host lock, then proceed', async () => {
    const inv = inventory('lock-inv.yml', ['lockhost']);
    rmSync(join(fx.user.home, 'runs.log'), { force: true });
    const a = runCli(['-i', inv, join(dir, 'slow.yml'), '-e', 'run=A', '-e', 'pause=3']);
    await waitFor(() => readLog().includes('start-A'), 120_000);
    const b = runCli(['-i', inv, join(dir, 'slow.yml'), '-e', 'run=B', '-e', 'pause=0', '--lock-timeout', '60']);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(readLog().trim().split('\n')).toEqual(['start-A', 'end-A', 'start-B', 'end-B']);
  });

  it('gives up after --lock-timeout naming the holder, and takes over after kill -9 of the holder', async () => {
    const inv = inventory('lock-inv.yml', ['lockhost']);
    rmSync(join(fx.user.home, 'runs.log'), { force: true });
    const holder = spawn(process.execPath, [...cliEntry(), '-i', inv, join(dir, 'slow.yml'), '-e', 'run=K', '-e', 'pause=60'], {
      cwd: REPO,
      env: { ...process.env, CI: 'true' },
      stdio: 'ignore',
    });
    try {
      await waitFor(() => readLog().includes('start-K'), 120_000);
      const blocked = await runCli(['-i', inv, join(dir, 'slow.yml'), '-e', 'run=X', '-e', 'pause=0', '--lock-timeout', '1']);
      expect(blocked.code).not.toBe(0);
      expect(blocked.stdout + blocked.stderr).toMatch(new RegExp(`locked by another run \\(osm-play pid ${holder.pid}`));
      holder.kill('SIGKILL');
      const t0 = Date.now();
      const next = await runCli(['-i', inv, join(dir, 'slow.yml'), '-e', 'run=N', '-e', 'pause=0', '--lock-timeout', '20']);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(readLog()).toContain('end-N');
    } finally {
      if (holder.exitCode === null) holder.kill('SIGKILL');
    }
  });
});

function readLog(): string {
  const p = join(fx.user.home, 'runs.log');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
