// Throwaway local users for ssh tests. Their login shell is /bin/sh so no ~/.bashrc runs per command
// (root's bashrc on dev machines can take seconds), and they have a password so sshd (UsePAM no)
// does not treat the account as locked.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';

export interface TestUser {
  name: string;
  password: string;
  home: string;
  uid: number;
  /** Lets the user run anything as anyone via sudo, with its password (a sudoers drop-in). */
  allowSudo(): void;
  remove(): void;
}

export function createTestUser(prefix = 'osmt'): TestUser {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const home = `/home/${name}`;
  execFileSync('useradd', ['-m', '-d', home, '-s', '/bin/sh', name]);
  execFileSync('chpasswd', { input: `${name}:${password}\n` });
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const sudoers = `/etc/sudoers.d/${name}`;
  return {
    name,
    password,
    home,
    uid,
    allowSudo() {
      writeFileSync(sudoers, `${name} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
    },
    remove() {
      rmSync(sudoers, { force: true });
      try {
        // Processes left by a killed test would make userdel fail.
        execFileSync('pkill', ['-KILL', '-u', name], { stdio: 'ignore' });
      } catch {
        // None running.
      }
      try {
        execFileSync('userdel', ['-r', name], { stdio: 'ignore' });
      } catch {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
