// The executor's entry point: plays in order, then the recap. Connections and locks are held for
// the whole run and released at the end, whatever happened.
import type { Reporter } from '../report/events.js';
import { exitCodeFor } from '../report/exit-code.js';
import type { HostRecap, Playbook } from '../types.js';
import { closeHosts } from './host-session.js';
import { runPlay } from './play.js';
import type { RunCtx } from './state.js';
import type { RunOptions, RunSummary } from './types.js';

export async function runPlaybook(pb: Playbook, opts: RunOptions, reporter: Reporter): Promise<RunSummary> {
  const started = Date.now();
  const run: RunCtx = { deps: opts.deps, opts, reporter, hosts: new Map() };
  try {
    for (const play of pb.plays) await runPlay(run, play);
  } finally {
    await closeHosts(run);
  }
  const hosts: Record<string, HostRecap> = {};
  for (const [name, h] of run.hosts) hosts[name] = h.recap;
  const durationMs = Date.now() - started;
  reporter.recap({ hosts, check: opts.check, durationMs });
  return { hosts, exitCode: exitCodeFor(hosts), durationMs };
}
