// The seam for the per-host lock (issue 3): when runner/execute/host-lock.ts provides
// acquireHostLock, deps.ts passes it in and every host is locked for the whole run.
import type { Connection } from '../connection/types.js';
import type { ExecDeps, HostLockHandle } from './types.js';

const NO_LOCK: HostLockHandle = { release: async () => {} };

export async function withHostLock(
  deps: ExecDeps,
  conn: Connection,
  opts: { timeoutMs: number; holder: string; onWait?: (holder: string) => void },
): Promise<HostLockHandle> {
  if (!deps.acquireHostLock) return NO_LOCK;
  return deps.acquireHostLock(conn, opts);
}
