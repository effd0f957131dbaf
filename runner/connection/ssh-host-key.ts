// The ssh2 hostVerifier: strict known_hosts checking, accept-new when asked, never accept-all.
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  mismatchMessage,
} from './known-hosts.js';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { SshTarget } from './ssh-target.js';

// ssh2's default host key algorithms (Node 20 has ed25519).
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface HostKeyCheck {
  verify(key: Buffer): boolean;
  /** Host key algorithms with the types known for this host first, as OpenSSH orders them. */
  algorithms: ServerHostKeyAlgorithm[];
  /** Why the key was refused, when it was. */
  failure(): string | undefined;
}

export function hostKeyCheck(t: SshTarget): HostKeyCheck {
  const name = knownHostsName(t.host, t.port);
  const entries = loadKnownHosts(t.knownHostsFiles);
  const known = knownKeyTypes(entries, name);
  const preferred = HOST_KEY_ALGORITHMS.filter((a) =>
    known.some((k) => k === a || (k === 'ssh-rsa' && a.startsWith('rsa-sha2-'))),
  );
  let failure: string | undefined;
  return {
    algorithms: [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))],
    failure: () => failure,
    verify(key: Buffer): boolean {
      const verdict = checkHostKey(entries, name, key);
      switch (verdict.kind) {
        case 'ok':
          return true;
        case 'revoked':
          failure = `host key ${keyTypeOf(key)} ${fingerprint(key)} for ${name} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}`;
          return false;
        case 'mismatch':
          failure = mismatchMessage(name, key, verdict.entries);
          return false;
        case 'unknown': {
          const file = t.knownHostsFiles[0]!;
          if (!t.acceptNew) {
            failure =
              `host ${name} is not in ${t.knownHostsFiles.join(' or ')} (${keyTypeOf(key)} ${fingerprint(key)}); ` +
              `check the fingerprint and run with --accept-new-host-keys to add it`;
            return false;
          }
          try {
            appendKnownHost(file, name, key);
          } catch (err) {
            failure = `cannot add ${name} to ${file}: ${(err as Error).message}`;
            return false;
          }
          return true;
        }
      }
    },
  };
}
