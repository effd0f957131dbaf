// What create/delete-container would change on the lab host, read so two readings can be compared:
// nginx customer files, lxc-net's dnsmasq files, /etc/hosts, the firewall rules, the containers and
// their customer records, and the credentials folder. Another suite changing the lab at the same time
// shows up here too: lab test files run one at a time (vitest.config.ts) for that reason.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { treeListing } from '../../integration/cli/run-cli.js';
import { labPaths, runArgv } from '../../helpers/lab.js';

const CREDENTIALS_DIR = '/var/lib/osm-lab/credentials';

function fileOrMissing(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '<missing>';
}

/** Container names with the files create-container writes beside the rootfs (not the rootfs itself). */
function containers(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(labPaths.containers).sort()) {
    const dir = join(labPaths.containers, name);
    out[name] = ['osm-customer.json', 'lxc.container.conf'].map((f) => `${f}: ${fileOrMissing(join(dir, f))}`).join('\n');
  }
  return out;
}

function hashed(listing: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(listing).map(([k, v]) => [k, createHash('sha256').update(v).digest('hex')]));
}

/** A reading of the host's state, keyed by what it is, so a failed comparison shows what moved. */
export async function hostState(): Promise<Record<string, unknown>> {
  const ufw = await runArgv(['ufw', 'show', 'added']);
  return {
    nginxStream: treeListing(labPaths.nginxStreamDir),
    nginxHttp: treeListing(labPaths.nginxHttpDir),
    // Not the leases file: running containers renew their leases at any time.
    dnsmasqConf: fileOrMissing(labPaths.dnsmasqConf),
    dnsmasqHosts: fileOrMissing(labPaths.dnsmasqHostsFile),
    etcHosts: fileOrMissing('/etc/hosts'),
    ufwAdded: `${ufw.exitCode}\n${ufw.stdout}${ufw.stderr}`,
    containers: containers(),
    // Hashed: a failed comparison prints the state, and these files hold customers' passwords.
    credentials: existsSync(CREDENTIALS_DIR) ? hashed(treeListing(CREDENTIALS_DIR)) : '<missing>',
  };
}

/** Customers with a recorded MQTT port, from containers/<name>-svr/osm-customer.json. */
export function customersWithPorts(): { customer: string; mqttPort: number }[] {
  const out: { customer: string; mqttPort: number }[] = [];
  for (const name of readdirSync(labPaths.containers).sort()) {
    const file = join(labPaths.containers, name, 'osm-customer.json');
    if (!existsSync(file)) continue;
    const rec: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof rec !== 'object' || rec === null) continue;
    const { customer, mqtt_port: port } = rec as { customer?: unknown; mqtt_port?: unknown };
    if (typeof customer === 'string' && typeof port === 'number') out.push({ customer, mqttPort: port });
  }
  return out;
}
