// The run command: prepare (all diagnostics before any connection), optional listings, then run.
import { realDeps } from '../execute/deps.js';
import { formatProfile, TaskProfiler } from '../execute/profile.js';
import { runPlaybook } from '../execute/run-playbook.js';
import { formatDiagnostic } from '../load/errors.js';
import { groupNames, hostVars, matchHosts } from '../load/inventory.js';
import { EXIT_USAGE } from '../report/exit-code.js';
import { Redactor } from '../report/redact.js';
import { loadRunVaultSecrets, vaultSecretStrings } from '../vault/run-secrets.js';
import type { Playbook } from '../types.js';
import { UsageError, type CliOptions } from './args.js';
import { readBecomePassword } from './become-pass.js';
import { listHosts, listTags, listTasks } from './lists.js';
import { applyAnsibleSettings, readAnsibleSettings, type AnsibleSettings, type RunSettings } from './ansible-config.js';
import { prepare } from './prepare.js';
import { makeReporter, type Streams } from './reporters.js';
import { lineStepPrompter } from './step-prompt.js';

export async function runCommand(o: CliOptions, io: Streams, cwd: string): Promise<number> {
  let settings: AnsibleSettings;
  let run: RunSettings;
  try {
    settings = readAnsibleSettings(io.env ?? process.env, cwd);
    run = applyAnsibleSettings(o, settings, io.env ?? process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`osm-play: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const redactor = new Redactor();
  const vaultProblem = await loadRunVaultSecrets(o, io, cwd);
  if (vaultProblem) {
    io.err(`osm-play: ${vaultProblem}\n`);
    return EXIT_USAGE;
  }
  const prepared = await prepare(o, cwd, (m) => io.err(`${redactor.text(m)}\n`));
  // Every value decrypted from a vault is a secret in every output.
  for (const s of vaultSecretStrings()) redactor.add(s);
  if (!prepared.ok) {
    // Secret params that were valid are still secrets while the other problems are shown.
    for (const s of prepared.secrets) redactor.add(s);
    for (const d of prepared.diagnostics) io.err(`${redactor.text(formatDiagnostic(d))}\n`);
    for (const m of prepared.messages) io.err(`osm-play: ${redactor.text(m)}\n`);
    const n = prepared.diagnostics.length + prepared.messages.length;
    io.err(`osm-play: ${n} problem${n === 1 ? '' : 's'} found; nothing was run\n`);
    return EXIT_USAGE;
  }
  const { inventory, playbooks, registry, paramVars, extraVars, secrets } = prepared.value;
  for (const s of secrets) redactor.add(s);

  if (o.syntaxCheck || o.listHosts || o.listTasks || o.listTags) {
    for (const pb of playbooks) {
      if (o.syntaxCheck && !o.listHosts && !o.listTasks && !o.listTags) io.out(`playbook: ${pb.file}\n`);
      if (o.listHosts) io.out(listHosts(pb, inventory, matchHosts, o.limit).join('\n') + '\n');
      if (o.listTasks) io.out(listTasks(pb, o.tags, o.skipTags).join('\n') + '\n');
      if (o.listTags) io.out(listTags(pb).join('\n') + '\n');
    }
    return 0;
  }

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
