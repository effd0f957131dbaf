// add_host's effect on the run: the host and its groups join the in-memory inventory, so plays
// that come later (and their host patterns) see it.
import type { Inventory, Vars } from '../types.js';

export interface AddHostRequest {
  name: string;
  groups: string[];
  vars: Vars;
}

export function isAddHostRequest(v: unknown): v is AddHostRequest {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.name === 'string' && Array.isArray(r.groups) && typeof r.vars === 'object' && r.vars !== null;
}

/** Adds (or updates) the host; true when it was not in the inventory before. */
export function addHostToInventory(inv: Inventory, req: AddHostRequest): boolean {
  const existing = inv.hosts.get(req.name);
  if (existing) Object.assign(existing.vars, req.vars);
  else inv.hosts.set(req.name, { name: req.name, vars: { ...req.vars } });
  for (const g of req.groups) {
    let group = inv.groups.get(g);
    if (!group) {
      group = { name: g, hosts: new Set(), children: new Set(), vars: {} };
      inv.groups.set(g, group);
      inv.groups.get('all')?.children.add(g);
    }
    group.hosts.add(req.name);
  }
  return !existing;
}
