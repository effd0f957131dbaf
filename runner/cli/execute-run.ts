// The run itself, after prepare: become password, executor, reporter, the run and its profile.
// Loaded by run.ts only when a playbook really runs.
import { realDeps } from '../execute/deps.js';
import { formatProfile, TaskProfiler } from '../execute/profile.js';
import { runPlaybook } from '../execute/run-playbook.js';
import { groupNames, hostVars, matchHosts } from '../load/inventory.js';
import { EXIT_USAGE } from '../report/exit-code.js';
import type { Redactor } from '../report/redact.js';
import type { Playbook } from '../types.js';
import type { CliOptions } from './args.js';
import type { AnsibleSettings, RunSettings } from './ansible-config.js';
import { readBecomePassword } from './become-pass.js';
import type { Prepared } from './prepare.js';
import { makeReporter, type Streams } from './reporters.js';
import { lineStepPrompter } from './step-prompt.js';

export interface RunContext {
  settings: AnsibleSettings;
  run: RunSettings;
  redactor: Redactor;
  prepared: Prepared;
}

export async function executeRun(o: CliOptions, io: Streams, ctx: RunContext): Promise<number> {
  const { settings, run, redactor } = ctx;
  const { inventory, playbooks, registry, paramVars, extraVars } = ctx.prepared;
  if (o.step && o.askBecomePass && !process.stdin.isTTY) {
    io.err('osm-play: --step with --ask-become-pass needs a terminal: both would read stdin\n');
    return EXIT_USAGE;
  }
  let becomePassword: string | undefined;
  if (o.askBecomePass) {
    becomePassword = await readBecomePassword();
    redactor.add(becomePassword);
  }
  if (o.becomeUser) extraVars['ansible_become_user'] = o.becomeUser;

  const profiler = o.profileTasks ? new TaskProfiler() : undefined;
  const deps = await realDeps((n) => registry.get(n), { hostVars, matchHosts, groupNames }, (nodes) => registry.loadFor(nodes), profiler);
  const reporter = await makeReporter(o, io, redactor);
  const step = o.step ? lineStepPrompter(process.stdin, (s) => io.err(redactor.text(s))) : undefined;
  // Several playbooks run as one: plays in order, one connection and lock per host throughout.
  const all: Playbook = { file: playbooks[0]!.file, plays: playbooks.flatMap((pb) => pb.plays), modulePackages: [] };
  try {
    const summary = await runPlaybook(
      all,
      {
        inventory, extraVars, paramVars, check: o.check, diff: o.diff, limit: o.limit, tags: o.tags, skipTags: o.skipTags,
        forks: o.forks, verbosity: o.verbosity, become: o.become || undefined, becomePassword, lockTimeoutMs: o.lockTimeoutSec * 1000,
        acceptNewHostKeys: o.acceptNewHostKeys, step, redactor, deps, startAtTask: o.startAtTask,
        connectionDefaults: run.connectionDefaults, connection: o.connection, configFile: settings.file,
        becomeUser: run.becomeUser, becomeMethod: run.becomeMethod,
      },
      reporter,
    );
    if (profiler) io.out(formatProfile(profiler.report()));
    return summary.exitCode;
  } finally {
    step?.close();
    await reporter.close();
  }
}
