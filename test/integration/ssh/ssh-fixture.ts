// Shared setup for the ssh integration tests: one throwaway sshd and one sudo-capable user.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { createTestUser, type TestUser } from '../../helpers/test-user.js';
import type { Vars } from '../../../runner/types.js';

export interface SshFixture {
  sshd: TestSshd;
  user: TestUser;
  /** Inventory vars that reach the sshd as the test user. */
  vars(extra?: Vars): Vars;
  stop(): Promise<void>;
}

export async function sshFixture(opts: { maxSessions?: number } = {}): Promise<SshFixture> {
  const sshd = await startSshd(opts);
  let user: TestUser;
  try {
    user = createTestUser();
    user.allowSudo();
  } catch (err) {
    await sshd.stop();
    throw err;
  }
  return {
    sshd,
    user,
    vars: (extra = {}) => ({
      ansible_connection: 'ssh',
      ansible_host: '127.0.0.1',
      ansible_port: sshd.port,
      ansible_user: user.name,
      ansible_ssh_private_key_file: sshd.clientKeyPath,
      ansible_ssh_known_hosts_file: sshd.knownHostsPath,
      ...extra,
    }),
    async stop() {
      await sshd.stop();
      removeShellDirs(user.uid);
      user.remove();
    },
  };
}

/** Temp dirs of remote shells the tests killed with SIGKILL (no EXIT trap runs then). */
// sshd sets no TMPDIR, so the shells use /tmp whatever this process's TMPDIR is.
function removeShellDirs(uid: number): void {
  for (const name of readdirSync('/tmp')) {
    if (!name.startsWith('osm-play-shell.')) continue;
    const dir = join('/tmp', name);
    if (statSync(dir, { throwIfNoEntry: false })?.uid === uid) rmSync(dir, { recursive: true, force: true });
  }
}
