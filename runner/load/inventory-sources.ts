// Inventory source plugins: a YAML inventory file whose top level is `plugin: <name>` (plus any
// settings) is handed to the function registered under that name, which returns hosts and groups.
//
//   registerInventorySource('osm_containers', (config, soFar) => ({
//     hosts: { 'acme-svr': { ansible_connection: 'lxc' } },
//     groups: { containers: { hosts: ['acme-svr'], vars: { osm: true } } },
//   }));
//
// The function runs synchronously while the inventory loads; `config` is the file's mapping (without
// `plugin`), `soFar` the inventory built from the sources before it (read it, do not change it).
import type { Inventory, Vars } from '../types.js';

export interface InventorySourceResult {
  /** Host name → its vars; hosts listed here without a group go to `ungrouped`. */
  hosts?: Record<string, Vars>;
  /** Group name → members; children and hosts are created when missing. */
  groups?: Record<string, { hosts?: string[]; children?: string[]; vars?: Vars }>;
}

export type InventorySourceFn = (config: Vars, inventorySoFar: Inventory) => InventorySourceResult;

const sources = new Map<string, InventorySourceFn>();

export function registerInventorySource(name: string, fn: InventorySourceFn): void {
  sources.set(name, fn);
}

export function inventorySource(name: string): InventorySourceFn | undefined {
  return sources.get(name);
}

export function inventorySourceNames(): string[] {
  return [...sources.keys()];
}
