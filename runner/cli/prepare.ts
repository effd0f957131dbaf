// Everything before a connection: extra vars, inventory, playbooks, module registry, validation and
// params. Every problem is collected and shown together as `file:line:col: message`.
import { dirname } from 'node:path';
import { LoadError, sortDiagnostics } from '../load/errors.js';
import { parseExtraVars } from '../load/extra-vars.js';
import { loadInventory, playbookVarDirs } from '../load/inventory.js';
import { loadModuleRegistry, playbookNodes, type ModuleRegistry } from '../load/modules.js';
import { registerBuiltins } from '../../modules/builtins.js';
import { applyParams } from '../load/params.js';
import { loadPlaybook } from '../load/playbook.js';
import { validatePlaybook } from '../load/validate.js';
import type { Diagnostic, Inventory, Play, Playbook, Vars } from '../types.js';
import type { CliOptions } from './args.js';

export interface Prepared {
  extraVars: Vars;
  inventory: Inventory;
  playbooks: Playbook[];
  registry: ModuleRegistry;
  paramVars: Map<Play, Vars>;
  secrets: string[];
}

export type PrepareResult = { ok: true; value: Prepared } | { ok: false; diagnostics: Diagnostic[]; messages: string[]; secrets: string[] };

function collect(err: unknown, diags: Diagnostic[], messages: string[]): void {
  if (err instanceof LoadError) diags.push(...err.diagnostics);
  else messages.push(err instanceof Error ? err.message : String(err));
}

export async function prepare(o: CliOptions, cwd: string, log: (msg: string) => void): Promise<PrepareResult> {
  registerBuiltins();
  const diags: Diagnostic[] = [];
  const messages: string[] = [];
  let extraVars: Vars = {};
  try {
    extraVars = parseExtraVars(o.extraVars, cwd);
  } catch (err) {
    collect(err, diags, messages);
  }
  let inventory: Inventory | undefined;
  try {
    inventory = loadInventory(o.inventories, cwd);
  } catch (err) {
    collect(err, diags, messages);
  }
  const playbooks: Playbook[] = [];
  for (const file of o.playbooks) {
    try {
      playbooks.push(await loadPlaybook(file, { rolesPath: o.rolesPath }));
    } catch (err) {
      collect(err, diags, messages);
    }
  }
  let registry: ModuleRegistry | undefined;
  try {
    registry = await loadModuleRegistry({
      playbookDirs: [...new Set(playbooks.map((pb) => dirname(pb.file)))],
      packages: [...new Set(playbooks.flatMap((pb) => pb.modulePackages))],
      // Only the built-ins the playbooks name are imported; a run-time include loads its own.
      onlyFor: playbooks.flatMap(playbookNodes),
      // A syntax check or a listing runs nothing: what checking the tasks needs is enough.
      shapesOnly: o.syntaxCheck || o.listHosts || o.listTasks || o.listTags,
      log,
    });
  } catch (err) {
    collect(err, diags, messages);
  }
  const paramVars = new Map<Play, Vars>();
  const secrets: string[] = [];
  if (registry) for (const pb of playbooks) diags.push(...validatePlaybook(pb, registry));
  for (const pb of playbooks) {
    for (const play of pb.plays) {
      const r = applyParams(play, extraVars);
      // Listing and syntax checking need no values, as with ansible-playbook; values given are still checked.
      const listing = o.syntaxCheck || o.listHosts || o.listTasks;
      diags.push(...r.diagnostics.filter((d) => !listing || d.field === undefined || d.field in extraVars));
      secrets.push(...r.secrets);
      paramVars.set(play, r.vars);
    }
  }
  if (inventory) {
    for (const dir of new Set(playbooks.map((pb) => dirname(pb.file)))) {
      try {
        playbookVarDirs(inventory, dir);
      } catch (err) {
        collect(err, diags, messages);
      }
    }
  }
  if (diags.length || messages.length || !inventory || !registry) return { ok: false, diagnostics: sortDiagnostics(diags), messages, secrets };
  return { ok: true, value: { extraVars, inventory, playbooks, registry, paramVars, secrets } };
}
