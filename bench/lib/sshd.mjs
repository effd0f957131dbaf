// A throwaway sshd on a free loopback port and a throwaway login user (shell /bin/sh, so no
// ~/.bashrc runs per command) for the benchmark. Needs root. Everything goes away in stop().
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function keygen(path) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
}

async function waitForBanner(port, proc) {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`sshd exited with ${proc.exitCode}`);
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
  throw new Error('sshd did not come up');
}

/** Short paths: ssh ControlPath sockets must fit in 108 bytes. */
export async function startBenchSshd() {
  const dir = mkdtempSync('/tmp/ob-');
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true });
  const user = `osmb${randomBytes(3).toString('hex')}`;
  execFileSync('useradd', ['-m', '-s', '/bin/sh', user]);
  execFileSync('chpasswd', { input: `${user}:${randomBytes(12).toString('base64url')}\n` });
  const home = execFileSync('sh', ['-c', `getent passwd ${user} | cut -d: -f6`]).toString().trim();
  const hostPub = keygen(join(dir, 'host'));
  const clientPub = keygen(join(dir, 'id'));
  writeFileSync(join(dir, 'authorized_keys'), `${clientPub}\n`, { mode: 0o644 });
  const port = await freePort();
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const conf = join(dir, 'sshd_config');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin no',
      'MaxSessions 10',
      'MaxStartups 1000',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitForBanner(port, proc);
  return {
    dir,
    port,
    user,
    home,
    keyPath: join(dir, 'id'),
    knownHosts: join(dir, 'known_hosts'),
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
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
      rmSync(dir, { recursive: true, force: true });
      // osm-play's host lock files (the bench user is not root, so they are in /tmp).
      for (const name of readdirSync('/tmp')) {
        if (/^osm-play\.h\d{3}\.lock/.test(name)) rmSync(join('/tmp', name), { force: true });
      }
    },
  };
}
