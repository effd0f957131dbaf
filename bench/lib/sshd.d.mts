// Types of sshd.mjs, for the tests' helper (test/helpers/sshd.ts) that starts its sshd there.

export interface Sshd {
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

export interface SshdStart {
  /** mkdtemp's prefix for the temp dir. */
  dirPrefix: string;
  /** sshd_config lines that go first, so they win over the common ones. */
  config?: string[];
  maxSessions?: number;
}

export function freePort(): Promise<number>;
export function keygen(path: string, comment?: string): string;
export function startSshd(opts: SshdStart): Promise<Sshd>;

export interface BenchSshd {
  dir: string;
  port: number;
  user: string;
  home: string;
  keyPath: string;
  knownHosts: string;
  stop(): Promise<void>;
}

export function startBenchSshd(): Promise<BenchSshd>;
