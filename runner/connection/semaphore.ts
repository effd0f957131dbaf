// A counting semaphore with a FIFO queue: bounds the ssh channels open at once (sshd MaxSessions).

export class Semaphore {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.releaser();
  }

  /** A slot if one is free now (nobody queued overtaken) and `keepFree` more stay free, else undefined. */
  tryAcquire(keepFree = 0): (() => void) | undefined {
    if (this.free <= keepFree) return undefined;
    this.free--;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // Hand the slot straight to the next waiter, so nobody overtakes the queue.
      if (next) next();
      else this.free++;
    };
  }
}
