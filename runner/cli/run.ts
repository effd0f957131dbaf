// The run command: prepare (all diagnostics before any connection), optional listings, then run.
import { formatDiagnostic } from '../load/errors.js';
import { matchHosts } from '../load/inventory.js';
import { EXIT_USAGE } from '../report/exit-code.js';
import { Redactor } from '../report/redact.js';
import { loadRunVaultSecrets, vaultSecretStrings } from '../vault/run-secrets.js';
import { UsageError, type CliOptions } from './args.js';
import { listHosts, listTags, listTasks, type PatternOf } from './lists.js';
import { isTemplatedPattern, playPattern } from '../execute/pattern.js';
import type { Play, Playbook, Vars } from '../types.js';
import { applyAnsibleSettings, readAnsibleSettings, type AnsibleSettings, type RunSettings } from './ansible-config.js';
import { resumeOptimizers } from './optimizers.js';
import { prepare } from './prepare.js';
import type { Streams } from './reporters.js';

/** How --list-hosts matches a templated `hosts:` as a run would; the templater is loaded only for one. */
async function patternRenderer(playbooks: Playbook[], p: { extraVars: Vars; paramVars: Map<Play, Vars> }): Promise<PatternOf | undefined> {
  if (!playbooks.some((pb) => pb.plays.some(isTemplatedPattern))) return undefined;
  const { createTemplater } = await import('../template/templater.js');
  const templater = createTemplater();
  return (play) => playPattern(templater, play, p.extraVars, p.paramVars);
}

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
  const { inventory, playbooks, secrets } = prepared.value;
  for (const s of secrets) redactor.add(s);

  // As ansible-playbook: a --limit that leaves no host to target is an error, not a run that does nothing.
  if (o.limit && matchHosts(inventory, o.limit).length === 0) {
    io.err(`osm-play: --limit ${o.limit} matches no host of the inventory; nothing was run\n`);
    return EXIT_USAGE;
  }
  if (o.syntaxCheck || o.listHosts || o.listTasks || o.listTags) {
    for (const pb of playbooks) {
      if (o.syntaxCheck && !o.listHosts && !o.listTasks && !o.listTags) io.out(`playbook: ${pb.file}\n`);
      if (o.listHosts) io.out(listHosts(pb, inventory, matchHosts, o.limit, await patternRenderer(playbooks, prepared.value)).join('\n') + '\n');
      if (o.listTasks) io.out(listTasks(pb, o.tags, o.skipTags).join('\n') + '\n');
      if (o.listTags) io.out(listTags(pb).join('\n') + '\n');
    }
    return 0;
  }

  // A run may be long (hundreds of hosts): V8's optimizing compilers, paused for the start, come back.
  resumeOptimizers();
  // The executor (ssh, templating, reporters) is loaded only for a real run: a syntax check or a
  // listing never needs it.
  const { executeRun } = await import('./execute-run.js');
  return executeRun(o, io, { settings, run, redactor, prepared: prepared.value });
}
