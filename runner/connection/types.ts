// The Connection interface: everything the engine and modules do to a host goes through it.

/** A command is data: an argv array (quoted in one place) or, only where unavoidable, a script. */
export type Command = { argv: string[] } | { script: string };

export interface BecomeOptions {
  method: 'sudo' | 'su';
  user: string;
  /** Never logged, never on a command line: fed on stdin. */
  password?: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  become?: BecomeOptions;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface StatResult {
  exists: true;
  isFile: boolean;
  isDir: boolean;
  isSymlink: boolean;
  mode: number; // permission bits, e.g. 0o644
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
}

export interface WriteOptions {
  mode?: number;
  owner?: string;
  group?: string;
  become?: BecomeOptions;
}

export interface Connection {
  readonly kind: string;
  /** Inventory name of the host. */
  readonly host: string;
  exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult>;
  /** File content, or null when the file does not exist. */
  readFile(path: string, opts?: { become?: BecomeOptions }): Promise<Buffer | null>;
  /** Atomic: a temp file beside the target, then rename. */
  writeFile(path: string, data: string | Buffer, opts?: WriteOptions): Promise<void>;
  /** null when the path does not exist (lstat semantics). */
  stat(path: string, opts?: { become?: BecomeOptions }): Promise<StatResult | null>;
  close(): Promise<void>;
  /**
   * Opens in the background what the run will need (ssh: the SFTP channel), so it overlaps with
   * taking the host lock. Failures are not lost: the first real use meets the same error.
   */
  warmUp?(): void;
}

/** Raised when a host cannot be reached or the link drops: the host is UNREACHABLE, not failed. */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}
