// A host's connection and lock live for the whole run: opened before its first task, closed at the end.
import { UnreachableError } from '../connection/types.js';
import type { Connection } from '../connection/types.js';
import { connectionVars } from './connection-vars.js';
import { dropUnused, takePrefetched } from './prefetch.js';
import { hostStateOf, type HostState, type PlayCtx, type RunCtx } from './state.js';

/**
 * Connects and locks the host if not done yet; false (and the host marked unreachable or failed) if
 * that fails. One attempt at a time: two hosts' plays delegating to this host at once would
 * otherwise each take its lock, and the second would wait for the first, held by this same run.
 */
export function openHost(pc: PlayCtx, host: HostState): Promise<boolean> {
  if (host.conn && host.lock) return Promise.resolve(true);
  host.opening ??= connectAndLock(pc, host).finally(() => {
    host.opening = undefined;
  });
  return host.opening;
}

async function connectAndLock(pc: PlayCtx, host: HostState): Promise<boolean> {
  const { deps, opts, reporter } = pc.run;
  const vars = connectionVars(pc, host.name);
  const started = Date.now();
  const report = (status: 'unreachable' | 'failed', msg: string) =>
    reporter.taskResult({
      host: host.name, task: status === 'unreachable' ? 'connect' : 'host lock', module: 'connection', status, changes: [], data: {}, msg, error: msg,
      durationMs: Date.now() - started, check: opts.check,
    });
  // The host whose connection this one travels through (lxc-attach over the parent's link), if any.
  let via: string | undefined;
  try {
    // A host first opened as another's parent (see parentConnection) keeps that connection.
    const prefetched = takePrefetched(host);
    host.conn ??= await (prefetched ?? deps.createConnection(host.name, vars, {
      defaultType: pc.play.connection ?? opts.connection,
      acceptNewHostKeys: opts.acceptNewHostKeys,
      connectionFor: (name) => {
        via = name;
        return parentConnection(pc, name);
      },
    }));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    report('unreachable', msg);
    host.unreachable = true;
    host.recap.unreachable++;
    return false;
  }
  if (via !== undefined) {
    // Locking the parent covers what runs through it (a small container may not even have flock).
    const parent = pc.run.hosts.get(via);
    if (!parent || !(await openHost(pc, parent))) {
      report('failed', `cannot take the host lock of ${via}, which ${host.name} is reached through`);
      host.failed = true;
      host.recap.failed++;
      return false;
    }
    host.lock = COVERED_BY_PARENT;
    return true;
  }
  // SFTP opens while the lock is being taken instead of after it.
  host.conn.warmUp?.();
  try {
    host.lock = await deps.acquireHostLock(host.conn, {
      timeoutMs: opts.lockTimeoutMs,
      holder: opts.lockHolder ?? defaultHolder(),
      onWait: (holder) => reporter.warning(`[${host.name}] another run holds the host lock (${holder}); waiting up to ${Math.round(opts.lockTimeoutMs / 1000)}s`),
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (err instanceof UnreachableError) {
      report('unreachable', msg);
      host.unreachable = true;
      host.recap.unreachable++;
    } else {
      report('failed', msg);
      host.failed = true;
      host.recap.failed++;
    }
    return false;
  }
  return true;
}

const COVERED_BY_PARENT = { release: async (): Promise<void> => {} };

/**
 * The run-wide connection of another host, for connections that travel through it (a container
 * reached with lxc-attach over its host's SSH connection). Opened here when that host has none yet.
 */
async function parentConnection(pc: PlayCtx, name: string): Promise<Connection> {
  const { deps, opts } = pc.run;
  const parent = hostStateOf(pc.run, name);
  if (parent.conn) return parent.conn;
  if (!opts.inventory.hosts.has(name) && name !== 'localhost') throw new Error(`host '${name}' is not in the inventory`);
  // The same vars as the host's own connection (and one opened ahead), so it is one connection however it came.
  parent.conn = await (takePrefetched(parent) ?? deps.createConnection(name, connectionVars(pc, name), { acceptNewHostKeys: opts.acceptNewHostKeys }));
  return parent.conn;
}

export function defaultHolder(): string {
  return `osm-play pid ${process.pid} user ${process.env['USER'] ?? process.env['LOGNAME'] ?? String(process.getuid?.() ?? '?')} since ${new Date().toISOString()}`;
}

/** Releases locks and closes connections; errors here are warnings, the run's outcome stands. */
export async function closeHosts(run: RunCtx): Promise<void> {
  dropUnused(run.hosts.values());
  await Promise.all(
    [...run.hosts.values()].map(async (h) => {
      try {
        await h.lock?.release();
      } catch (err) {
        run.reporter.warning(`[${h.name}] could not release the host lock: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        await h.conn?.close();
      } catch {
        // Closing a dead connection is not news.
      }
    }),
  );
  if (run.localConn) {
    try {
      await (await run.localConn).close();
    } catch {
      // see above
    }
  }
}
