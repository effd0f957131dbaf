// A command kept running for as long as the caller wants (the host lock's flock holder).
// Its stdin stays open: closing it, or losing the connection or the controller, ends the command.

export interface HeldCommand {
  /** Called with each stdout chunk (utf8). */
  onStdout(cb: (chunk: string) => void): void;
  /** Called once, with the exit code (null when killed or the link dropped). */
  onExit(cb: (code: number | null, stderr: string) => void): void;
  /** Writes to the command's stdin (the lock's heartbeat); a no-op once the command is gone. */
  write(data: string): void;
  /** Closes the command's stdin. */
  endInput(): void;
}

export interface HeldCommandCapable {
  startHeldCommand(argv: string[]): Promise<HeldCommand>;
}

export function canHoldCommand(conn: object): conn is HeldCommandCapable {
  return 'startHeldCommand' in conn && typeof conn.startHeldCommand === 'function';
}
