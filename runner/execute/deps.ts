// Wires the real engine pieces into the executor: templater, module runner, host context,
// connections, include loading and the host lock.
import { join } from 'node:path';
import { createConnection } from '../connection/index.js';
import { loadTaskFile, resolveTaskFile } from '../load/includes.js';
import type { AnyModule } from '../module.js';
import { createTemplater, OMIT } from '../template/index.js';
import type { Inventory, Node, Vars } from '../types.js';
import { makeHostContext } from './host-context.js';
import { runModule } from './run-module.js';
import { acquireHostLock } from './host-lock.js';
import type { TaskProfiler } from './profile.js';
import type { ExecDeps } from './types.js';

export interface InventoryFns {
  hostVars(inv: Inventory, host: string): Vars;
  matchHosts(inv: Inventory, pattern: string): string[];
  groupNames(inv: Inventory, host: string): string[];
}

/**
 * `loadModules` is the registry's lazy loader: a task file included at run time may name modules
 * the playbook itself did not, and they are loaded before its tasks run.
 */
export async function realDeps(
  getModule: (name: string) => AnyModule | undefined,
  inv: InventoryFns,
  loadModules: (nodes: Node[]) => Promise<void> = async () => {},
  profiler?: TaskProfiler,
): Promise<ExecDeps> {
  const templater = createTemplater();
  return {
    templater,
    getModule,
    hostVars: inv.hostVars,
    matchHosts: inv.matchHosts,
    groupNames: inv.groupNames,
    isOmit: (v) => v === OMIT,
    loadTaskFile: async (file, baseDir, role, playbookDir) => {
      const nodes = await loadTaskFile(resolveTaskFile(file, baseDir, role, playbookDir), role, playbookDir);
      await loadModules(nodes);
      return nodes;
    },
    createConnection: (host, vars, opts) =>
      createConnection(host, vars, { defaultType: opts.defaultType, acceptNewHostKeys: opts.acceptNewHostKeys, connectionFor: opts.connectionFor }),
    makeHostContext: (p) => {
      const roleDirs = (kind: string) => (p.role ? [join(p.role.path, kind)] : []);
      return makeHostContext({
        name: p.name,
        conn: profiler ? profiler.countCommands(p.name, p.conn) : p.conn,
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
    runModule: (call) => {
      const opts = { check: call.check, diff: call.diff };
      return profiler
        ? profiler.measure(call.module, call.pos, call.host.name, (mod) => runModule(mod, call.host, call.args, opts))
        : runModule(call.module, call.host, call.args, opts);
    },
    acquireHostLock,
  };
}
