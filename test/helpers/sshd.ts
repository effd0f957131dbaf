// A throwaway OpenSSH sshd on a free loopback port, with its own host key, client key,
// authorized_keys and known_hosts in a temp dir. Needs root (sshd -D as root). The start-up is the
// benchmark's (bench/lib/sshd.mjs); this adds what the tests allow: root and password logins.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd as start, type Sshd } from '../../bench/lib/sshd.mjs';

export { freePort, keygen } from '../../bench/lib/sshd.mjs';

export type TestSshd = Sshd;

export interface SshdOptions {
  maxSessions?: number;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
}

export function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  return start({
    dirPrefix: join(tmpdir(), 'osm-sshd-'),
    maxSessions: opts.maxSessions,
    config: [
      // sshd takes the first value it reads: extra lines go first so they override ours.
      ...(opts.extraConfig ?? []),
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      // Many inventory names point at this one sshd: let them all connect at once.
      'MaxStartups 500',
    ],
  });
}
