// Connections opened ahead. Without this, a play's host and each host its tasks delegate to (a
// fleet's lock host, its other hosts, a DNS server) connect one after another, each when its first
// task needs it: a run pays every SSH handshake in turn. At a play's start the hosts it will need
// are connected side by side instead. Only the connection: host locks are still taken in task
// order, when a task first runs there (openHost), and a host that cannot be connected to is only
// reported if a task needs it.
import { connectionTypeFor } from '../connection/index.js';
import type { Connection } from '../connection/types.js';
import type { TaskNode, Vars } from '../types.js';
import { walkTasks } from '../load/walk.js';
import { connectionVars } from './connection-vars.js';
import { loopItems } from './loop.js';
import { effectiveForks } from './pool.js';
import { taskScope } from './scope.js';
import { hostStateOf, type HostState, type PlayCtx } from './state.js';

/** At most this many delegated hosts are guessed per play: a loop over a big fleet connects as it goes. */
const MAX_DELEGATES = 16;

// A lookup can run a program or read a file: a guess must not do that.
const HAS_LOOKUP = /\b(?:lookup|query|q)\s*\(/;

/**
 * Starts connecting, in the background, the play's hosts (when all of them fit in --forks) and the
 * inventory hosts its tasks delegate to, as far as their delegate_to can be rendered before the task
 * runs (with the first host's vars; a loop's items when its list renders). Over SSH only: a
 * container's connection travels through its parent's and is cheap.
 */
export function prefetchConnections(pc: PlayCtx, hosts: string[]): void {
  const names = new Set<string>();
  if (hosts.length <= effectiveForks(pc.run.opts.forks, hosts.length)) for (const h of hosts) names.add(h);
  const first = hosts[0];
  if (first !== undefined) {
    for (const d of delegateGuesses(pc, hostStateOf(pc.run, first))) names.add(d);
  }
  for (const name of names) startConnecting(pc, name);
}

/** The hosts a play's tasks name in delegate_to (their own, else their nearest block's), rendered where that is possible now. */
function delegateGuesses(pc: PlayCtx, host: HostState): string[] {
  const found = new Set<string>();
  let scope: Vars | undefined;
  const vars = (): Vars => (scope ??= taskScope(pc, host, { blockVars: [], tags: [], when: [] }, {}));
  const nodes = [...pc.play.preTasks, ...pc.play.tasks, ...pc.play.postTasks];
  walkTasks(
    nodes,
    (task, blocks) => {
      const raw = task.delegateTo ?? [...blocks].reverse().find((b) => b.delegateTo !== undefined)?.delegateTo;
      if (raw === undefined || found.size >= MAX_DELEGATES || HAS_LOOKUP.test(raw)) return;
      for (const target of renderDelegate(pc, raw, task, vars)) found.add(target);
    },
    { roleIncludes: true },
  );
  return [...found].slice(0, MAX_DELEGATES);
}

function renderDelegate(pc: PlayCtx, raw: string, task: TaskNode, vars: () => Vars): string[] {
  const t = pc.run.deps.templater;
  try {
    if (!raw.includes('{{')) return [raw];
    if (!/\bitem\b/.test(raw) || task.loop === undefined) return [t.renderString(raw, vars())];
    if (typeof task.loop !== 'string' || HAS_LOOKUP.test(task.loop) || (task.loopKind && task.loopKind !== 'list')) return [];
    const items = loopItems(t.render(task.loop, vars())).slice(0, MAX_DELEGATES);
    return items.map((item) => t.renderString(raw, { ...vars(), item }));
  } catch {
    // Not known before the task runs (a registered var, a fact): it connects when it gets there.
    return [];
  }
}

function startConnecting(pc: PlayCtx, name: string): void {
  const { deps, opts } = pc.run;
  if (!opts.inventory.hosts.has(name)) return;
  const host = hostStateOf(pc.run, name);
  if (host.conn || host.opening || host.prefetched || host.failed || host.unreachable) return;
  const vars = connectionVars(pc, name);
  const defaultType = pc.play.connection ?? opts.connection;
  if (connectionTypeFor(name, vars, { defaultType }) !== 'ssh') return;
  const conn = deps.createConnection(name, vars, { defaultType, acceptNewHostKeys: opts.acceptNewHostKeys });
  // A failure is reported by the task that needs the host, if one does.
  conn.then((c) => c.warmUp?.()).catch(() => undefined);
  host.prefetched = conn;
}

/** The connection started ahead for this host, if any; it is the caller's from now on. */
export function takePrefetched(host: HostState): Promise<Connection> | undefined {
  const p = host.prefetched;
  host.prefetched = undefined;
  return p;
}

/** Closes connections started ahead that no task used (once they are up; nothing waits for them). */
export function dropUnused(hosts: Iterable<HostState>): void {
  for (const h of hosts) {
    const p = takePrefetched(h);
    if (p) void p.then((c) => c.close()).catch(() => undefined);
  }
}
