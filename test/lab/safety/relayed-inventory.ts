// A copy of the lab inventory whose lab host is reached through a relay port on loopback, with a
// known_hosts file that names the relay's address with the lab sshd's own host key: host key
// checking stays on, and the run sees the same sshd as through inventory/lab.yaml. Other hosts on
// the lab sshd (the DNS server) are reached directly.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { labPaths } from '../../helpers/lab.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(obj: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const v = obj[key];
  if (!isRecord(v)) throw new Error(`${labPaths.inventory}: no mapping at ${where}.${key}`);
  return v;
}

/** Writes inventory.yaml and known_hosts into dir; returns the inventory's path. */
export function relayedLabInventory(dir: string, relayPort: number): string {
  const labKey = `[${labPaths.sshHost}]:${labPaths.sshPort} `;
  const keys = readFileSync(labPaths.knownHosts, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(labKey))
    .map((l) => `[${labPaths.sshHost}]:${relayPort} ${l.slice(labKey.length)}`);
  if (keys.length === 0) throw new Error(`${labPaths.knownHosts} has no key for ${labKey.trim()}`);
  const knownHosts = join(dir, 'known_hosts');
  // The relay's address, and the lab sshd's own for the hosts reached directly (the DNS server,
  // whose lock a create takes first as the fleet reservation).
  const direct = readFileSync(labPaths.knownHosts, 'utf8').split('\n').filter((l) => l.startsWith(labKey));
  writeFileSync(knownHosts, `${[...keys, ...direct].join('\n')}\n`);

  const inv: unknown = parse(readFileSync(labPaths.inventory, 'utf8'));
  if (!isRecord(inv)) throw new Error(`${labPaths.inventory} is not a mapping`);
  const all = child(inv, 'all', '');
  child(all, 'vars', 'all')['ansible_ssh_known_hosts_file'] = knownHosts;
  const osmHosts = child(child(child(all, 'children', 'all'), 'osm_hosts', 'all.children'), 'hosts', 'osm_hosts');
  // lab alone: create-container reads every OSM host of its inventory, and lab2 is not relayed.
  for (const name of Object.keys(osmHosts)) if (name !== 'lab') delete osmHosts[name];
  const lab = child(osmHosts, 'lab', 'osm_hosts.hosts');
  if (lab['ansible_port'] !== labPaths.sshPort) throw new Error(`${labPaths.inventory}: lab is not on port ${labPaths.sshPort}`);
  lab['ansible_port'] = relayPort;
  const file = join(dir, 'inventory.yaml');
  writeFileSync(file, stringify(inv));
  return file;
}
