// Why an open ssh connection died, in words (the reason UNREACHABLE lines give after a drop).
import { describe, expect, it } from 'vitest';
import { KEEPALIVE_COUNT_MAX, KEEPALIVE_INTERVAL_MS, linkLostReason } from '../../../runner/connection/ssh-connect.js';

describe('linkLostReason', () => {
  it("says a silent peer stopped answering, not ssh2's 'Keepalive timeout'", () => {
    const err = Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' });
    expect(linkLostReason('10.0.0.5:22', err)).toBe(
      `connection to 10.0.0.5:22 stopped answering (no reply to ${KEEPALIVE_COUNT_MAX} keepalives sent ${KEEPALIVE_INTERVAL_MS / 1000}s apart)`,
    );
  });

  it('keeps the socket error otherwise', () => {
    const err = Object.assign(new Error('read ECONNRESET'), { level: 'client-socket', code: 'ECONNRESET' });
    expect(linkLostReason('10.0.0.5:22', err)).toBe('connection to 10.0.0.5:22 failed: read ECONNRESET');
  });
});
