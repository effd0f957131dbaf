// A module's inventory additions (add_host): the host and its groups join the in-memory inventory, so plays
// that come later (and their host patterns) see it.
import type { Inventory, InventoryAddition } from '../types.js';

/** Adds (or updates) the host; true when it was not in the inventory before. */
export function addHostToInventory(inv: Inventory, req: InventoryAddition): boolean {
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
