// A throwaway OpenSSH sshd on a free loopback port, with its own host key, client key,
// authorized_keys and known_hosts in a temp dir; and, for the benchmark, a throwaway login user
// (shell /bin/sh, so no ~/.bashrc runs per command). Needs root (sshd -D as root). The tests'
// helper (test/helpers/sshd.ts) starts its sshd here too; sshd.d.mts gives them the types.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** A port nobody listens on right now (bind 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A new ed25519 key at path; returns its public key line. */
export function keygen(path, comment = 'osm-play-test') {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

async function waitForBanner(port, proc, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`sshd exited with code ${proc.exitCode}`);
    const ok = await new Promise((resolve) => {
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

/**
 * Starts sshd with `config` first (sshd takes the first value it reads, so these lines win), then
 * the lines every caller needs. `dirPrefix` is where the temp dir goes (mkdtemp's prefix).
 */
export async function startSshd({ dirPrefix, config = [], maxSessions = 10 }) {
  const dir = mkdtempSync(dirPrefix);
  // Non-root login users read authorized_keys with their own uid.
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true });
  const hostKey = join(dir, 'host_ed25519');
  const hostPublicKey = keygen(hostKey, 'host').split(' ').slice(0, 2).join(' ');
  const clientKeyPath = join(dir, 'client_ed25519');
  const clientPub = keygen(clientKeyPath, 'client');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, `${clientPub}\n`, { mode: 0o644 });
  const port = await freePort();
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  const conf = join(dir, 'sshd_config');
  writeFileSync(
    conf,
    [
      ...config,
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'UsePAM no',
      `MaxSessions ${maxSessions}`,
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  let log = '';
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => {
    log += d.toString();
  });
  try {
    await waitForBanner(port, proc, 10_000);
  } catch (e) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e.message}\n${log}`);
  }
  return {
    port,
    dir,
    clientKeyPath,
    hostPublicKey,
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

/** The benchmark's sshd and login user. Short paths: ssh ControlPath sockets must fit in 108 bytes. */
export async function startBenchSshd() {
  const user = `osmb${randomBytes(3).toString('hex')}`;
  execFileSync('useradd', ['-m', '-s', '/bin/sh', user]);
  execFileSync('chpasswd', { input: `${user}:${randomBytes(12).toString('base64url')}\n` });
  const home = execFileSync('sh', ['-c', `getent passwd ${user} | cut -d: -f6`]).toString().trim();
  const sshd = await startSshd({ dirPrefix: '/tmp/ob-', config: ['PermitRootLogin no', 'MaxStartups 1000'] });
  return {
    dir: sshd.dir,
    port: sshd.port,
    user,
    home,
    keyPath: sshd.clientKeyPath,
    knownHosts: sshd.knownHostsPath,
    async stop() {
      await sshd.stop();
      try {
        execFileSync('pkill', ['-KILL', '-u', user], { stdio: 'ignore' });
      } catch {
        // nothing left running
      }
      try {
        execFileSync('userdel', ['-r', user], { stdio: 'ignore' });
      } catch {
        rmSync(home, { recursive: true, force: true });
      }
      // osm-play's host lock files (the bench user is not root, so they are in /tmp).
      for (const name of readdirSync('/tmp')) {
        if (/^osm-play\.h\d{3}\.lock/.test(name)) rmSync(join('/tmp', name), { force: true });
      }
    },
  };
}
