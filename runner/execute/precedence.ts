// Variable precedence: a documented subset of Ansible's order, lowest first. Later layers win;
// extra vars (-e, and params' coerced values) always win. Magic variables (inventory_hostname,
// group_names, groups, hostvars, playbook_dir, role_path, ansible_check_mode...) are set by the
// runner and cannot be overridden.
import type { Play, Vars } from '../types.js';

export const VAR_PRECEDENCE = [
  'role defaults',
  'inventory group vars (all < parents < children)',
  'inventory host vars',
  'play vars',
  'play vars_files',
  'role vars',
  'block vars (outer < inner)',
  'task vars (include vars too)',
  'set_fact and registered vars',
  'extra vars (-e, and params values)',
] as const;

export interface ScopeLayers {
  roleDefaults: Vars;
  /** hostVars(): group vars and host vars already merged in their own order. */
  inventory: Vars;
  play: Play;
  roleVars: Vars;
  /** Outermost first. */
  blockVars: Vars[];
  taskVars: Vars;
  facts: Vars;
  extra: Vars;
  magic: Vars;
}

/** Merges the layers in VAR_PRECEDENCE order (shallow: a later dict replaces an earlier one whole, as Ansible's default hash_behaviour). */
export function mergeScope(l: ScopeLayers): Vars {
  return Object.assign(
    {},
    l.roleDefaults,
    l.inventory,
    l.play.vars,
    ...l.play.varsFiles,
    l.roleVars,
    ...l.blockVars,
    l.taskVars,
    l.facts,
    l.extra,
    l.magic,
  );
}
