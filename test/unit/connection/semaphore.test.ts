import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../runner/connection/semaphore.js';

describe('Semaphore', () => {
  it('tryAcquire takes a free slot, and none once all are taken', () => {
    const s = new Semaphore(2);
    const a = s.tryAcquire();
    const b = s.tryAcquire();
    expect([a, b].every((r) => typeof r === 'function')).toBe(true);
    expect(s.tryAcquire()).toBeUndefined();
    a?.();
    expect(s.tryAcquire()).toBeTypeOf('function');
  });

  it('tryAcquire(keepFree) leaves that many slots for others (a container shell keeps them for commands)', () => {
    const s = new Semaphore(5);
    const held = [s.tryAcquire(3), s.tryAcquire(3)];
    expect(held.every((r) => typeof r === 'function')).toBe(true);
    expect(s.tryAcquire(3)).toBeUndefined();
    // The three left are still there for ordinary users.
    expect([s.tryAcquire(), s.tryAcquire(), s.tryAcquire()].every((r) => typeof r === 'function')).toBe(true);
    expect(s.tryAcquire()).toBeUndefined();
  });

  it('a released slot goes to the first waiter, not to a later tryAcquire', async () => {
    const s = new Semaphore(1);
    const first = s.tryAcquire();
    const waiting = s.acquire();
    first?.();
    expect(s.tryAcquire()).toBeUndefined();
    (await waiting)();
    expect(s.tryAcquire()).toBeTypeOf('function');
  });
});
