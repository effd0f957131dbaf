// The dnsmasq restart of dnsmasq_host, run for real against a stand-in daemon: a program named
// `dnsmasq` (a link to sh) that forks into the background, as dnsmasq does, and writes its pid file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartDnsmasqArgv } from '../../../../../modules/lib/dnsmasq/restart.js';

// $1 pid file, $2 log. The background subshell is a fork: its /proc cmdline is the daemon's own.
// One line, as dnsmasq's arguments are: the restart reads them back one a line.
const DAEMON =
  'echo run >> "$2"; ( trap "exit 0" TERM; sh -c \'echo $PPID\' > "$1.new" && mv "$1.new" "$1"; while :; do sleep 0.1; done ) </dev/null >/dev/null 2>&1 & exit 0';

let dir = '';
let pidFile = '';
let log = '';
let lxcNet = '';
const started: number[] = [];
let bystander: ChildProcess | undefined;

function alive(pid: number): boolean {
  const status = `/proc/${pid}/status`;
  return existsSync(status) && !/^State:\s*Z/m.test(readFileSync(status, 'utf8'));
}

function pidInFile(): number {
  return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

function run(argv: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'osm-dnsmasq-restart-'));
  pidFile = join(dir, 'dnsmasq.pid');
  log = join(dir, 'log');
  lxcNet = join(dir, 'lxc-net');
  writeFileSync(lxcNet, `#!/bin/sh\necho "lxc-net $*" >> '${log}'\n`);
  chmodSync(lxcNet, 0o755);
  symlinkSync('/bin/sh', join(dir, 'dnsmasq'));
});

afterEach(() => {
  for (const pid of [...started, pidInFile()]) if (pid > 0 && alive(pid)) process.kill(pid, 'SIGTERM');
  bystander?.kill('SIGKILL');
  started.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe('restartDnsmasqArgv', () => {
  it('restarts the running dnsmasq with its own arguments, and nothing else', async () => {
    expect(run([join(dir, 'dnsmasq'), '-c', DAEMON, 'dnsmasq', pidFile, log]).status).toBe(0);
    await until('the daemon pid file', () => pidInFile() > 0);
    const first = pidInFile();
    started.push(first);
    const cmdline = readFileSync(`/proc/${first}/cmdline`, 'utf8');

    const r = run(restartDnsmasqArgv(pidFile, lxcNet));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    await until('the new pid file', () => pidInFile() > 0 && pidInFile() !== first);
    const second = pidInFile();
    started.push(second);

    expect(alive(first)).toBe(false);
    expect(alive(second)).toBe(true);
    expect(readFileSync(`/proc/${second}/cmdline`, 'utf8')).toBe(cmdline);
    // Started twice, and lxc-net never run.
    expect(readFileSync(log, 'utf8')).toBe('run\nrun\n');
  });

  it.each([
    ['no pid file', () => {}],
    ['a pid file naming no process', () => writeFileSync(pidFile, '999999999\n')],
    ['an empty pid file', () => writeFileSync(pidFile, '')],
  ])('with %s, lxc-net is restarted (it is down)', (_what, prepare) => {
    prepare();
    const r = run(restartDnsmasqArgv(pidFile, lxcNet));
    expect(r.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('lxc-net restart\n');
  });

  it.each([
    ['a newline inside one', [`${DAEMON}\n:`, 'dnsmasq']],
    ['a newline ending one', [`${DAEMON}\n`, 'dnsmasq']],
    ['an empty one', [DAEMON, '']],
  ])('refuses a dnsmasq whose arguments do not read back (%s), and leaves it running', async (_what, [code, name]) => {
    expect(run([join(dir, 'dnsmasq'), '-c', code ?? '', name ?? '', pidFile, log]).status).toBe(0);
    await until('the daemon pid file', () => pidInFile() > 0);
    const pid = pidInFile();
    started.push(pid);
    const r = run(restartDnsmasqArgv(pidFile, lxcNet));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot restart dnsmasq (pid ${pid}): its arguments do not read back one a line`);
    expect(alive(pid)).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe('run\n');
  });

  it('refuses a pid file naming another program, and leaves it running', async () => {
    bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = bystander.pid ?? 0;
    writeFileSync(pidFile, `${pid}\n`);
    await until('sleep to run', () => alive(pid));
    const r = run(restartDnsmasqArgv(pidFile, lxcNet));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`pid ${pid} of ${pidFile} is not dnsmasq but sleep`);
    expect(alive(pid)).toBe(true);
    expect(existsSync(log)).toBe(false);
  });
});
