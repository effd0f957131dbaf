// Errors raised by connections themselves (not by the commands they run), shared by local and ssh.

/** A command ran longer than its timeoutMs and was killed (with its whole process group, locally). */
export class CommandTimeoutError extends Error {
  constructor(
    readonly argvSummary: string,
    readonly timeoutMs: number,
  ) {
    super(`command timed out after ${timeoutMs} ms and was killed: ${argvSummary}`);
    this.name = 'CommandTimeoutError';
  }
}

/** Privilege escalation could not be set up or was refused (bad password, su without a tty...). */
export class BecomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BecomeError';
  }
}
