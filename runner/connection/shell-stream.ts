// A connection that lets another one run a persistent shell through it: a connection that reaches
// its host through a parent (an `lxc-attach` on the parent, say) starts its driver as a command of
// the parent, with the parent's session slots. ssh and local connections offer this.
import { spawn } from 'node:child_process';
import type { ShellStream } from './remote-shell.js';
import type { ShellKeeperDeps } from './shell-keeper.js';

export interface ShellStreamHost {
  /** How to start a driver through this connection (its tryAcquireSlot says when there is no slot to spare). */
  shellStreams(): ShellKeeperDeps;
}

export function canHostShellStreams(conn: object): conn is ShellStreamHost {
  return 'shellStreams' in conn && typeof conn.shellStreams === 'function';
}

/** `line` run by /bin/sh on this machine, as a ShellStream (in its own process group). */
export function spawnShellStream(line: string): ShellStream {
  const child = spawn('/bin/sh', ['-c', line], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  // The driver may be gone when we write or end its input: the close event reports that.
  child.stdin.on('error', () => {});
  child.on('error', () => {});
  const stream: ShellStream = {
    on(event: 'data' | 'exit' | 'close', listener: (...args: never[]) => void) {
      const cb = listener as (...args: unknown[]) => void;
      if (event === 'data') child.stdout.on('data', cb);
      else if (event === 'exit') child.on('exit', (code, signal) => cb(code, signal ?? undefined));
      else child.on('close', () => cb());
      return stream;
    },
    stderr: child.stderr,
    write: (data: Buffer) => child.stdin.write(data),
    end: () => child.stdin.end(),
    close: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  return stream;
}
