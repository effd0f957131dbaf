// Wires the real engine pieces into the executor: templater, module runner, host context,
// connections, include loading and (when runner/execute/host-lock.ts exists) the host lock.
import { join } from 'node:path';
import { createConnection } from '../connection/index.js';
import type { Connection } from '../connection/types.js';
import { loadTaskFile, resolveTaskFile } from '../load/includes.js';
import type { AnyModule } from '../module.js';
import { createTemplater, OMIT } from '../template/index.js';
import type { Inventory, Vars } from '../types.js';
import { makeHostContext } from './host-context.js';
import { runModule } from './run-module.js';
import type { ExecDeps, HostLockHandle } from './types.js';

export interface InventoryFns {
  hostVars(inv: Inventory, host: string): Vars;
  matchHosts(inv: Inventory, pattern: string): string[];
  groupNames(inv: Inventory, host: string): string[];
}

type AcquireHostLock = (conn: Connection, opts: { timeoutMs: number; holder: string; onWait?: (holder: string) => void }) => Promise<HostLockHandle>;

// A variable specifier, so this file compiles whether or not the ssh engineer's host-lock.ts is there yet.
const HOST_LOCK_MODULE = './host-lock.js';

/** The host lock from host-lock.ts, or undefined while it does not exist. */
export async function loadHostLock(): Promise<AcquireHostLock | undefined> {
  try {
    const mod: unknown = await import(HOST_LOCK_MODULE);
    const fn = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>)['acquireHostLock'] : undefined;
    return typeof fn === 'function' ? (fn as AcquireHostLock) : undefined;
  } catch {
    return undefined;
  }
}

export async function realDeps(getModule: (name: string) => AnyModule | undefined, inv: InventoryFns): Promise<ExecDeps> {
  const templater = createTemplater();
  const acquireHostLock = await loadHostLock();
  return {
    templater,
    getModule,
    hostVars: inv.hostVars,
    matchHosts: inv.matchHosts,
    groupNames: inv.groupNames,
    isOmit: (v) => v === OMIT,
    loadTaskFile: (file, baseDir, role) => loadTaskFile(resolveTaskFile(file, baseDir, role), role),
    createConnection: (host, vars, opts) =>
      createConnection(host, vars, { defaultType: opts.defaultType, acceptNewHostKeys: opts.acceptNewHostKeys, connectionFor: opts.connectionFor }),
    makeHostContext: (p) => {
      const roleDirs = (kind: string) => (p.role ? [join(p.role.path, kind)] : []);
      return makeHostContext({
        name: p.name,
        conn: p.conn,
        vars: p.vars,
        become: p.become,
        templater,
        searchDirs: {
          files: [...roleDirs('files'), join(p.playbookDir, 'files'), p.playbookDir],
          templates: [...roleDirs('templates'), join(p.playbookDir, 'templates'), p.playbookDir],
        },
        log: p.log,
        env: p.env,
        timeoutMs: p.timeoutMs,
      });
    },
    runModule: (call) => runModule(call.module, call.host, call.args, { check: call.check, diff: call.diff }),
    ...(acquireHostLock ? { acquireHostLock } : {}),
  };
}
