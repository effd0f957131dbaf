// osm_facts: a read-only look at an OSM host — customers (by every trace they leave), OS bases,
// final copies of deleted customers, and who holds a port. Playbooks refuse bad input from it
// before they change anything.
import { Type } from '@sinclair/typebox';
import { defineModule, type HostContext } from '../runner/module.js';
import { parseListConfigs } from './lib/snapper-output.js';
import { portHolder, summarizeOsmHost, type OsmHostRaw } from './lib/osm-host.js';

const args = Type.Object(
  {
    lxc_root: Type.String({ pattern: '^/', default: '/srv/osm-lxc/lxc', description: 'OSM LXC root holding os-bases/, containers/ and deleted/.' }),
    nginx_dir: Type.String({ pattern: '^/', default: '/etc/nginx', description: 'nginx directory holding devtank/customers.{http,stream}.d/.' }),
    dnsmasq_conf: Type.String({ pattern: '^/', default: '/etc/lxc/dnsmasq.conf', description: "lxc-net's dnsmasq file with the dhcp-host lines." }),
    hosts_file: Type.String({ pattern: '^/', default: '/etc/hosts', description: 'The hosts file with the container names.' }),
    customer: Type.Optional(Type.String({ description: 'A customer to report on (customer_exists, customer).' })),
    mqtt_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'A port to report the holder of (port_holder), other than customer itself.' })),
  },
  { additionalProperties: false },
);

type Args = { lxc_root: string; nginx_dir: string; dnsmasq_conf: string; hosts_file: string; customer?: string; mqtt_port?: number };

/** Names of the entries of a directory (none when it is missing). */
async function listDir(host: HostContext, dir: string, type: 'd' | 'f'): Promise<string[]> {
  const r = await host.exec({ argv: ['find', dir, '-mindepth', '1', '-maxdepth', '1', '-type', type, '-printf', '%f\\n'] });
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').filter(Boolean).sort();
}

async function snapperConfigs(host: HostContext): Promise<string[]> {
  const r = await host.exec({ argv: ['snapper', '--no-dbus', '--jsonout', 'list-configs'] });
  if (r.exitCode !== 0) return [];
  try {
    return parseListConfigs(r.stdout).map((c) => c.name);
  } catch {
    return [];
  }
}

/** The btrfs UUID of a subvolume: names a container's final copy uniquely per incarnation. */
async function subvolumeUuid(host: HostContext, path: string): Promise<string | null> {
  const r = await host.exec({ argv: ['btrfs', 'subvolume', 'show', path] });
  return r.exitCode === 0 ? (/^\s*UUID:\s*([0-9a-f-]{36})\s*$/m.exec(r.stdout)?.[1] ?? null) : null;
}

async function gatherRaw(host: HostContext, a: Args): Promise<OsmHostRaw> {
  const containersDir = `${a.lxc_root}/containers`;
  const streamDir = `${a.nginx_dir}/devtank/customers.stream.d`;
  const [osBases, containerDirs, deleted, streamNames, httpNames, dnsmasqConf, hostsFile, ss, snapper] = await Promise.all([
    listDir(host, `${a.lxc_root}/os-bases`, 'd'),
    listDir(host, containersDir, 'd'),
    listDir(host, `${a.lxc_root}/deleted`, 'd'),
    listDir(host, streamDir, 'f'),
    listDir(host, `${a.nginx_dir}/devtank/customers.http.d`, 'f'),
    host.readFile(a.dnsmasq_conf),
    host.readFile(a.hosts_file),
    host.exec({ argv: ['ss', '-ltnpH'] }),
    snapperConfigs(host),
  ]);
  const markers: Record<string, string | null> = {};
  const configs: Record<string, boolean> = {};
  await Promise.all(
    containerDirs.map(async (d) => {
      markers[d] = await host.readFile(`${containersDir}/${d}/osm-customer.json`);
      configs[d] = (await host.stat(`${containersDir}/${d}/lxc.container.conf`)) !== null;
    }),
  );
  const streamFiles: Record<string, string> = {};
  for (const name of streamNames.filter((n) => n.endsWith('.conf'))) streamFiles[`${streamDir}/${name}`] = (await host.readFile(`${streamDir}/${name}`)) ?? '';
  return {
    osBases,
    containerDirs,
    markers,
    configs,
    deleted,
    streamFiles,
    httpFiles: httpNames.filter((n) => n.endsWith('.conf')),
    dnsmasqConf: dnsmasqConf ?? '',
    hostsFile: hostsFile ?? '',
    ss: ss.exitCode === 0 ? ss.stdout : '',
    snapperConfigs: snapper,
  };
}

export default defineModule({
  name: 'osm_facts',
  doc:
    'Reads an OSM host and returns what it has, changing nothing: os_bases (sorted; newest_os_base is the last), ' +
    'customers (each with the traces it leaves — container, nginx-stream, nginx-http, dnsmasq, hosts, snapper — ' +
    'and its mqtt_port, ip and mac where known), deleted (final copies), stream_ports (port → declaring file). ' +
    'With customer: customer_exists and customer (with subvolume_uuid). With mqtt_port: port_holder, naming another customer or a ' +
    'listening program that holds the port (null when free or held by this customer itself). Never changed.',
  example: [
    '- name: Look at the host',
    '  osm_facts:',
    '    customer: "{{ customer_name }}"',
    '    mqtt_port: "{{ mqtt_port }}"',
    '  register: osm',
  ].join('\n'),
  args,
  async gather(host, a) {
    const raw = await gatherRaw(host, a);
    const facts = summarizeOsmHost(raw);
    const focus = a.customer === undefined ? undefined : facts.customers[a.customer];
    const uuid = focus?.traces.includes('container') ? await subvolumeUuid(host, `${a.lxc_root}/containers/${focus.container}`) : null;
    return { raw, facts, uuid };
  },
  plan: () => [],
  async apply() {
    // Read only: plan never returns changes.
  },
  result(a, s) {
    const { facts, raw } = s;
    const customer = a.customer === undefined ? undefined : facts.customers[a.customer];
    return {
      ...facts,
      customer_names: Object.keys(facts.customers).sort(),
      ...(a.customer === undefined ? {} : { customer_exists: customer !== undefined, customer: customer ? { ...customer, subvolume_uuid: s.uuid } : null }),
      ...(a.mqtt_port === undefined ? {} : { port_holder: portHolder(facts, raw.ss, a.mqtt_port, a.customer ?? '') }),
    };
  },
});
