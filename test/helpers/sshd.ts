// A throwaway OpenSSH sshd on a free loopback port, with its own host key, client key,
// authorized_keys and known_hosts in a temp dir. Needs root (sshd -D as root).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshd {
  port: number;
  dir: string;
  /** The client private key that authorized_keys accepts. */
  clientKeyPath: string;
  /** The host's public key line: `ssh-ed25519 AAAA...`. */
  hostPublicKey: string;
  /** A known_hosts file holding `[127.0.0.1]:port` with the real host key. */
  knownHostsPath: string;
  /** Log of sshd (stderr), for failing tests. */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  maxSessions?: number;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
}

/** A port nobody listens on right now (bind 0, read, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function keygen(path: string, comment = 'osm-play-test'): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

async function waitForPort(port: number, proc: ChildProcess, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`sshd exited with code ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} in time`);
}

export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'osm-sshd-'));
  // Non-root test users read authorized_keys with their own uid.
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true });
  const hostKey = join(dir, 'host_ed25519');
  const hostPub = keygen(hostKey, 'host');
  const clientKeyPath = join(dir, 'client_ed25519');
  const clientPub = keygen(clientKeyPath, 'client');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, `${clientPub}\n`, { mode: 0o644 });
  const port = await freePort();
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostPub.split(' ').slice(0, 2).join(' ')}\n`);
  const conf = join(dir, 'sshd_config');
  writeFileSync(
    conf,
    [
      // sshd takes the first value it reads: extra lines go first so they override ours.
      ...(opts.extraConfig ?? []),
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      `MaxSessions ${opts.maxSessions ?? 10}`,
      // Many inventory names point at this one sshd: let them all connect at once.
      'MaxStartups 500',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  let log = '';
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  try {
    await waitForPort(port, proc, 10_000);
  } catch (e) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return {
    port,
    dir,
    clientKeyPath,
    hostPublicKey: hostPub.split(' ').slice(0, 2).join(' '),
    knownHostsPath,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
