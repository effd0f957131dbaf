// Builds an Inventory from any number of sources (INI, YAML, plugins), then reconciles it like Ansible:
// every group hangs under `all`, hosts in no group go to `ungrouped`.
import type { Diagnostic, Inventory, InventoryGroup, SourcePos, Vars } from '../types.js';

export class InventoryBuilder {
  readonly inv: Inventory = { hosts: new Map(), groups: new Map(), sources: [] };
  readonly diags: Diagnostic[] = [];
  /** Where each host was first declared, for messages. */
  readonly hostPos = new Map<string, SourcePos>();

  constructor() {
    this.group('all');
    this.group('ungrouped');
    this.group('all').children.add('ungrouped');
  }

  group(name: string): InventoryGroup {
    let g = this.inv.groups.get(name);
    if (!g) {
      g = { name, hosts: new Set(), children: new Set(), vars: {} };
      this.inv.groups.set(name, g);
    }
    return g;
  }

  /** Declares a host (again) in a group; later declarations add vars, like Ansible. */
  addHost(name: string, groupName: string, vars: Vars, pos: SourcePos): void {
    let host = this.inv.hosts.get(name);
    if (!host) {
      host = { name, vars: {} };
      this.inv.hosts.set(name, host);
      this.hostPos.set(name, pos);
    }
    Object.assign(host.vars, vars);
    this.group(groupName).hosts.add(name);
    if (vars.ansible_host === '') this.error(pos, `host '${name}' has an empty ansible_host`);
  }

  addChild(parent: string, child: string, pos: SourcePos): void {
    if (parent === child || this.isAncestor(child, parent)) {
      this.error(pos, `group '${child}' cannot be a child of '${parent}': that makes a cycle`);
      return;
    }
    this.group(child);
    this.group(parent).children.add(child);
  }

  setGroupVars(groupName: string, vars: Vars): void {
    Object.assign(this.group(groupName).vars, vars);
  }

  error(pos: SourcePos, message: string): void {
    this.diags.push({ pos, message });
  }

  /** True when `a` is `b` or one of its ancestors. */
  private isAncestor(a: string, b: string): boolean {
    const seen = new Set<string>();
    const walk = (name: string): boolean => {
      if (name === a) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      for (const g of this.inv.groups.values()) if (g.children.has(name) && walk(g.name)) return true;
      return false;
    };
    return walk(b);
  }

  /** Ansible's reconcile_inventory: parentless groups go under all; groupless hosts into ungrouped. */
  finish(): Inventory {
    const all = this.group('all');
    const ungrouped = this.group('ungrouped');
    const hasParent = new Set<string>();
    for (const g of this.inv.groups.values()) for (const c of g.children) hasParent.add(c);
    for (const g of this.inv.groups.values()) if (g.name !== 'all' && !hasParent.has(g.name)) all.children.add(g.name);
    for (const name of this.inv.hosts.keys()) {
      const inOther = [...this.inv.groups.values()].some((g) => g.name !== 'all' && g.name !== 'ungrouped' && g.hosts.has(name));
      if (inOther) ungrouped.hosts.delete(name);
      else ungrouped.hosts.add(name);
    }
    return this.inv;
  }
}
