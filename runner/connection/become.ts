// Privilege escalation, written once for every connection: wrap argv for sudo or su, and feed the
// password on stdin only when sudo asks for it (never in argv or env).
//
// sudo without a password: `sudo -n` (fails at once with "a password is required" instead of hanging).
// sudo with a password: `sudo -S -p <unique prompt> -u USER -H -- /bin/sh -c '<announce>; exec "$@"'`;
//   BecomeGate writes the password when the prompt shows on stderr and the caller's stdin only after
//   the announce marker, so a cached ticket or NOPASSWD rule never leaks the password to the command.
// su: works without a password only (connecting as root). su reads passwords from a terminal and
//   osm-play allocates none, so su with a password is refused with a clear BecomeError: use sudo.
import { randomBytes } from 'node:crypto';
import { BecomeError } from './errors.js';
import { shellQuote } from './quote.js';
import type { BecomeOptions } from './types.js';

export interface WrappedCommand {
  argv: string[];
  /** What to write on stdin when sudo prints `prompt` (the password and a newline). */
  stdinPrefix?: string;
  /** The unique prompt sudo prints on stderr before it reads the password. */
  prompt?: string;
  /** Printed on stderr by the wrapped shell once escalation worked; the caller's stdin waits for it. */
  readyMarker?: string;
}

// Runs after sudo succeeded: announce it on stderr, then become the real command.
const ANNOUNCE_THEN_EXEC = 'printf "%s\\n" "$0" >&2; exec "$@"';

/** Wraps argv for become; without become the argv is returned unchanged. */
export function wrapBecome(argv: string[], become?: BecomeOptions): WrappedCommand {
  if (!become) return { argv };
  if (argv.length === 0) throw new BecomeError('become: empty command');
  if (become.method === 'su') {
    // su reads a password from the controlling terminal only; we run without one.
    if (become.password !== undefined && become.password !== '') {
      throw new BecomeError(
        'become_method su with a password needs a terminal, which osm-play does not allocate; ' +
          'use become_method sudo, or connect as root so su needs no password',
      );
    }
    return { argv: ['su', '-s', '/bin/sh', become.user, '-c', shellQuote(argv)] };
  }
  if (become.password === undefined || become.password === '') {
    // -n: fail at once with "a password is required" instead of waiting for a prompt answer.
    return { argv: ['sudo', '-n', '-u', become.user, '-H', '--', ...argv] };
  }
  const token = randomBytes(8).toString('hex');
  const prompt = `[osm-play sudo password ${token}]`;
  const readyMarker = `OSM-PLAY-BECOME-OK-${token}`;
  return {
    argv: ['sudo', '-S', '-p', prompt, '-u', become.user, '-H', '--', '/bin/sh', '-c', ANNOUNCE_THEN_EXEC, readyMarker, ...argv],
    stdinPrefix: `${become.password}\n`,
    prompt,
    readyMarker,
  };
}

/**
 * Drives a running wrapped command's stdin and cleans its stderr: the password goes in only when sudo
 * prompts, the caller's stdin only after the ready marker (so a cached sudo ticket never makes the
 * password leak into the command's stdin), and prompt/marker never reach the output.
 * Transport-neutral: local spawn and ssh channels hand it their stdin writer and stderr chunks.
 */
export class BecomeGate {
  private pending = '';
  private ready = false;
  private prompts = 0;
  private badPassword = false;

  constructor(
    private readonly wrapped: WrappedCommand,
    private readonly io: { write(data: string | Buffer): void; end(): void },
    private readonly userStdin?: string | Buffer,
  ) {}

  /** Call once the process is started. */
  start(): void {
    if (!this.wrapped.readyMarker) this.release();
  }

  /** Feed each stderr chunk; returns the part that belongs to the command's own stderr. */
  onStderr(chunk: string): string {
    if (this.ready) return chunk;
    this.pending += chunk;
    const { prompt, readyMarker } = this.wrapped;
    if (prompt) {
      let at: number;
      while ((at = this.pending.indexOf(prompt)) >= 0) {
        this.pending = this.pending.slice(0, at) + this.pending.slice(at + prompt.length);
        this.prompts += 1;
        if (this.prompts === 1) {
          this.io.write(this.wrapped.stdinPrefix ?? '\n');
        } else {
          // A second prompt means the password was wrong: stop answering so sudo gives up.
          this.badPassword = true;
          this.io.end();
        }
      }
    }
    if (readyMarker) {
      const at = this.pending.indexOf(`${readyMarker}\n`);
      if (at >= 0) {
        const before = this.pending.slice(0, at);
        const after = this.pending.slice(at + readyMarker.length + 1);
        this.pending = '';
        this.release();
        return before + after;
      }
    }
    return '';
  }

  /** Call when the process has exited: returns stderr still held back, with a clear note on failure. */
  finish(): string {
    const rest = this.ready ? '' : this.pending;
    this.pending = '';
    if (this.badPassword) return `${rest}become: sudo rejected the password (incorrect become password)\n`;
    if (!this.ready && this.wrapped.readyMarker) return `${rest}become: sudo did not run the command\n`;
    return rest;
  }

  private release(): void {
    this.ready = true;
    if (this.userStdin !== undefined && this.userStdin.length > 0) this.io.write(this.userStdin);
    this.io.end();
  }
}
