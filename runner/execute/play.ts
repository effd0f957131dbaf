// One play: pick its hosts, run each host's tasks (hosts in parallel up to forks), then handlers.
import type { Play, Vars } from '../types.js';
import type { HostState, PlayCtx, RunCtx } from './state.js';
import { hostStateOf } from './state.js';
import { effectiveForks, mapLimit } from './pool.js';
import { runNodes, type WalkCtx } from './nodes.js';
import { runHandlers } from './handlers.js';
import { openHost } from './host-session.js';
import { prefetchConnections } from './prefetch.js';
import { gatherPlayFacts } from './gather-facts.js';
import { playPattern } from './pattern.js';

/** Hosts a play targets: its pattern, narrowed by --limit, minus hosts that failed in earlier plays. */
export function selectHosts(run: RunCtx, play: Play): string[] {
  const { deps, opts } = run;
  const pattern = playPattern(deps.templater, play, opts.extraVars, opts.paramVars);
  let hosts = deps.matchHosts(opts.inventory, pattern);
  if (opts.limit) {
    const allowed = new Set(deps.matchHosts(opts.inventory, opts.limit));
    const added = hosts.filter((h) => run.addedBy?.has(h) && !allowed.has(h));
    if (added.length > 0) failAddersOutsideLimit(run, play, added);
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return hosts.filter((h) => {
    const st = run.hosts.get(h);
    return !st || (!st.failed && !st.unreachable);
  });
}

/**
 * A play for hosts that add_host made during this run, which --limit leaves out (as in Ansible): its
 * tasks would silently not run, leaving half-done work behind an exit 0. The hosts that added them
 * fail instead, so the run exits non-zero and says what to do.
 */
function failAddersOutsideLimit(run: RunCtx, play: Play, added: string[]): void {
  run.reporter.warning(
    `play '${play.name}': ${added.join(', ')} (added by add_host) ${added.length === 1 ? 'falls' : 'fall'} outside --limit ${run.opts.limit}, ` +
      `so this play would not run for ${added.length === 1 ? 'it' : 'them'}; failing the hosts that added ${added.length === 1 ? 'it' : 'them'}. ` +
      `Run such tasks from the adding host's play with delegate_to, or add the names to --limit`,
    play.pos,
  );
  for (const name of new Set(added.map((h) => run.addedBy!.get(h)!))) {
    const st = hostStateOf(run, name);
    if (st.failed) continue;
    st.failed = true;
    st.recap.failed++;
  }
}

export async function runPlay(run: RunCtx, play: Play): Promise<void> {
  const hosts = selectHosts(run, play);
  const extra: Vars = { ...run.opts.extraVars, ...(run.opts.paramVars?.get(play) ?? {}) };
  const pc: PlayCtx = { run, play, hosts, extra, stopped: false, runOnce: new Map() };
  run.reporter.playStart({ name: play.name, hosts, check: run.opts.check, pos: play.pos });
  if (hosts.length === 0) run.reporter.warning(`play '${play.name}': no hosts matched '${play.hosts}'${run.opts.limit ? ` with --limit ${run.opts.limit}` : ''}`, play.pos);

  // serial: the play runs to its end on one batch of hosts before the next batch starts.
  const batchSize = play.serial && play.serial > 0 ? play.serial : Math.max(1, hosts.length);
  prefetchConnections(pc, hosts.slice(0, batchSize));
  for (let start = 0; start < hosts.length && !pc.stopped; start += batchSize) {
    const batch = hosts.slice(start, start + batchSize);
    pc.batch = batch;
    await mapLimit(batch, effectiveForks(run.opts.forks, batch.length), async (name) => {
      const host = hostStateOf(run, name);
      host.ended = false;
      await runHostPlay(pc, host);
    });
  }
  // As Ansible: after an any_errors_fatal failure every host of the play counts as failed, so no later play runs for it.
  if (pc.fatal) for (const name of hosts) run.hosts.get(name)!.failed = true;
  await run.reporter.playEnd();
}

async function runHostPlay(pc: PlayCtx, host: HostState): Promise<void> {
  // Facts need the host now; otherwise the first task that runs on it connects and locks it, so a
  // play can take another host's lock first (a fleet reservation before the OSM host's own lock).
  if (pc.play.gatherFacts !== false && !(await openHost(pc, host))) return;
  const w: WalkCtx = { pc, host };
  const base = { blockVars: [], tags: [...pc.play.tags], when: [] };
  let flow: Awaited<ReturnType<typeof runNodes>> = (await gatherPlayFacts(pc, host)) ? 'ok' : 'failed';
  if (flow === 'ok') flow = await runNodes(w, pc.play.preTasks, base);
  if (flow === 'ok') flow = await runNodes(w, pc.play.tasks, base);
  if (flow === 'ok') flow = await runNodes(w, pc.play.postTasks, base);
  // Handlers notified before a failure do not run on that host (Ansible without force_handlers).
  if (flow === 'ok' || flow === 'ended') {
    if (!pc.stopped || flow === 'ended') flow = await runHandlers(w);
  }
  if (flow === 'failed') {
    // A lock that could not be taken was counted where it failed (openHost).
    if (!host.failed) host.recap.failed++;
    host.failed = true;
    if (pc.play.anyErrorsFatal) pc.stopped = pc.fatal = true;
  } else if (flow === 'unreachable') {
    host.unreachable = true;
  }
}
