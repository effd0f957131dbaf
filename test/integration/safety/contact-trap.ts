// A "trap" OSM host for bad-input tests: an inventory built from inventory/lab.yaml whose hosts
// cannot be reached without being noticed. The ssh host `lab` points at a TCP listener of ours that
// records every connection; the local host `local` has every OSM path inside a temp state dir whose
// digest the tests compare. A run that is refused before it starts must leave both untouched.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO, treeDigest } from '../cli/run-cli.js';

export interface ContactTrap {
  /** The temp dir: inventory.yaml, state/ (the local host's OSM paths), ssh/ (a throwaway key). */
  dir: string;
  inventory: string;
  state: string;
  /** Connections the listener has seen so far. */
  contacts(): number;
  stateDigest(): string;
  /** stateDigest() as the trap was made, before any test ran. */
  readonly startDigest: string;
  close(): Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(obj: unknown, key: string): Record<string, unknown> {
  if (!isRecord(obj) || !isRecord(obj[key])) throw new Error(`inventory/lab.yaml: no mapping '${key}'`);
  return obj[key];
}

/** Empty but plausible host state: what create/delete would read and change. */
function makeState(state: string): Record<string, string> {
  for (const d of ['lxc/containers', 'lxc/os-bases/base-1', 'lxc/logs', 'lxc/deleted', 'nginx/devtank/customers.http.d',
    'nginx/devtank/customers.stream.d', 'credentials', 'certs', 'ca', 'letsencrypt', 'webroot']) mkdirSync(join(state, d), { recursive: true });
  writeFileSync(join(state, 'dnsmasq.conf'), '# lxc-net dnsmasq\n');
  writeFileSync(join(state, 'hosts'), '127.0.0.1 localhost\n');
  writeFileSync(join(state, 'leases'), '');
  return {
    ansible_connection: 'local',
    osm_lxc_root: join(state, 'lxc'),
    osm_nginx_dir: join(state, 'nginx'),
    osm_nginx_conf: join(state, 'nginx/nginx.conf'),
    osm_nginx_prefix: join(state, 'nginx/'),
    osm_dnsmasq_conf: join(state, 'dnsmasq.conf'),
    osm_dnsmasq_leases: join(state, 'leases'),
    osm_hosts_file: join(state, 'hosts'),
    osm_credentials_dir: join(state, 'credentials'),
    osm_selfsigned_cert_dir: join(state, 'certs'),
    osm_selfsigned_ca_dir: join(state, 'ca'),
    osm_letsencrypt_dir: join(state, 'letsencrypt'),
    osm_acme_webroot: join(state, 'webroot'),
    osm_lxc_net: '/bin/false',
  };
}

export async function contactTrap(): Promise<ContactTrap> {
  const dir = mkdtempSync(join(tmpdir(), 'osm-safety-trap-'));
  let seen = 0;
  // Any connection is contact: count it and hang up, so an ssh client gives up at once.
  const server: Server = createServer((sock) => {
    seen++;
    sock.destroy();
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('trap listener has no port');

  mkdirSync(join(dir, 'ssh'));
  const key = join(dir, 'ssh/id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  writeFileSync(join(dir, 'ssh/known_hosts'), '');

  const inv: unknown = parse(readFileSync(join(REPO, 'inventory/lab.yaml'), 'utf8'));
  const all = child(inv, 'all');
  Object.assign(child(all, 'vars'), { ansible_ssh_private_key_file: key, ansible_ssh_known_hosts_file: join(dir, 'ssh/known_hosts'), ansible_host_key_checking: 'accept-new' });
  // Every host of the inventory (the OSM hosts, the DNS server a run reserves the fleet on, the
  // backup host...) is the listener.
  for (const group of Object.values(child(all, 'children'))) {
    for (const host of Object.values(isRecord(group) && isRecord(group.hosts) ? group.hosts : {})) {
      if (isRecord(host)) Object.assign(host, { ansible_host: '127.0.0.1', ansible_port: addr.port, ansible_timeout: 5 });
    }
  }
  const hosts = child(child(child(all, 'children'), 'osm_hosts'), 'hosts');
  const state = join(dir, 'state');
  hosts.local = makeState(state);
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, stringify(inv));

  return {
    dir,
    inventory,
    state,
    contacts: () => seen,
    stateDigest: () => treeDigest(state),
    startDigest: treeDigest(state),
    async close() {
      await new Promise<void>((res) => server.close(() => res()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
