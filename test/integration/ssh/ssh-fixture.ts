// Shared setup for the ssh integration tests: one throwaway sshd and one sudo-capable user.
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
      user.remove();
    },
  };
}
