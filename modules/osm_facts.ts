// osm_facts: a read-only look at an OSM host — customers (by every trace they leave), OS bases,
// final copies of deleted customers, and who holds a port. Playbooks refuse bad input from it
// before they change anything.
import { Type } from '@sinclair/typebox';
import { defineModule, type HostContext } from '../runner/module.js';
import { gatherOsmHost, subvolumeUuid } from './lib/osm/gather.js';
import { customerPorts, portHolder, summarizeOsmHost } from './lib/osm/host.js';
import { HANDED_TO_FILE, customerLayout, deletedDir, finalCopyName, isFinalCopyOf } from './lib/osm/layout.js';
import { readResources, type HostResources } from './lib/osm/resources.js';

const args = Type.Object(
  {
    lxc_root: Type.String({ pattern: '^/', default: '/srv/osm-lxc/lxc', description: 'OSM LXC root holding os-bases/, containers/ and deleted/.' }),
    nginx_dir: Type.String({ pattern: '^/', default: '/etc/nginx', description: 'nginx directory holding devtank/customers.{http,stream}.d/.' }),
    dnsmasq_conf: Type.String({ pattern: '^/', default: '/etc/lxc/dnsmasq.conf', description: "lxc-net's dnsmasq file with the dhcp-host lines." }),
    hosts_file: Type.String({ pattern: '^/', default: '/etc/hosts', description: 'The hosts file with the container names.' }),
    customer: Type.Optional(Type.String({ description: 'A customer to report on (customer_exists, customer, layout, final_copies), whether or not it exists.' })),
    domain: Type.Optional(
      Type.String({ description: "The domain of the names of a customer recorded without one, or not created yet (the operator's default, e.g. osm_domain): a customer's layout names are under its recorded domain, else this one." }),
    ),
    mqtt_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'A port to report the holder of (port_holder), other than customer itself.' })),
    resources: Type.Boolean({
      default: false,
      description: "Also read the host's free room for placement: mem_available_bytes (MemAvailable) and disk_free_bytes (free space under lxc_root).",
    }),
  },
  { additionalProperties: false },
);

/** A move's traces of the customer here: its staging subvolume, and the host this one handed the customer to. */
export interface MoveTraces {
  staged: boolean;
  handed_to: string | null;
}

async function readMove(host: HostContext, moving: string): Promise<MoveTraces> {
  const [dir, handedTo] = await Promise.all([host.stat(moving), host.readFile(`${moving}/${HANDED_TO_FILE}`)]);
  return { staged: dir !== null, handed_to: handedTo === null ? null : handedTo.trim() || null };
}

export default defineModule({
  name: 'osm_facts',
  doc:
    'Reads an OSM host and returns what it has, changing nothing: os_bases (sorted; newest_os_base is the last), ' +
    'customers (each with the traces it leaves — container, nginx-stream, nginx-http, dnsmasq, hosts, snapper — ' +
    'and its mqtt_port, ip and mac where known, and its layout), customer_ports (port → customer), deleted (final copies), stream_ports (port → declaring file). ' +
    'A layout is where the customer is on the host and what it is called, the one place playbooks take these from: container, dir, config, record, layer, ' +
    'snapshots, restored_from_file, moving, log, nginx_stream, nginx_http, and domain, names (<customer>, -influx, -chirpstack, -mqtt under it; the first is the ' +
    "certificate's name) and mqtt_name (null without a domain); its domain is the customer's recorded one, else the domain argument. " +
    'With customer: customer_exists, customer (with subvolume_uuid, final_copy: where delete keeps its final copy, and restored_from: the snapshot ' +
    'restore-snapshot last synced in), final_copies (its entries of deleted), move (staged: the staging subvolume of a move is here; handed_to: ' +
    'the host this one handed the customer to, once its container stopped for a move), and layout, also for a customer that does not exist yet. ' +
    'With mqtt_port: port_holder, naming another customer or a ' +
    'listening program that holds the port (null when free or held by this customer itself). ' +
    'With resources: mem_available_bytes and disk_free_bytes, what add-customer places by. Never changed.',
  example: [
    '- name: Look at the host',
    '  osm_facts:',
    '    customer: "{{ customer_name }}"',
    '    domain: "{{ osm_domain }}"',
    '    mqtt_port: "{{ mqtt_port }}"',
    '  register: osm',
  ].join('\n'),
  args,
  async gather(host, a) {
    const raw = await gatherOsmHost(host, a);
    const facts = summarizeOsmHost(raw);
    const focus = a.customer === undefined ? undefined : facts.customers[a.customer];
    const layout = focus?.traces.includes('container') ? customerLayout(focus.customer, { lxcRoot: a.lxc_root, nginxDir: a.nginx_dir }) : null;
    const uuid = layout ? await subvolumeUuid(host, layout.dir) : null;
    const restored = layout ? await host.readFile(layout.restored_from_file) : null;
    const resources: HostResources | null = a.resources ? await readResources(host, a.lxc_root) : null;
    const move = a.customer === undefined ? null : await readMove(host, customerLayout(a.customer, { lxcRoot: a.lxc_root, nginxDir: a.nginx_dir }).moving);
    return { raw, facts, uuid, restoredFrom: restored === null ? null : restored.trim(), resources, move };
  },
  plan: () => [],
  async apply() {
    // Read only: plan never returns changes.
  },
  result(a, s) {
    const { facts, raw } = s;
    const layoutOf = (name: string, recorded: string | null | undefined) => customerLayout(name, { lxcRoot: a.lxc_root, nginxDir: a.nginx_dir, domain: recorded || a.domain });
    const customers = Object.fromEntries(Object.entries(facts.customers).map(([name, c]) => [name, { ...c, layout: layoutOf(name, c.domain) }]));
    const customer = a.customer === undefined ? undefined : facts.customers[a.customer];
    const focus =
      a.customer === undefined
        ? {}
        : {
            customer_exists: customer !== undefined,
            customer: customer
              ? { ...customer, subvolume_uuid: s.uuid, restored_from: s.restoredFrom, final_copy: `${deletedDir(a.lxc_root)}/${finalCopyName(customer.customer, s.uuid)}` }
              : null,
            // For a customer not created yet too: create needs its names before it makes anything.
            layout: layoutOf(a.customer, customer?.domain),
            final_copies: facts.deleted.filter((d) => isFinalCopyOf(d, a.customer as string)),
            move: s.move,
          };
    return {
      ...facts,
      customers,
      customer_names: Object.keys(facts.customers).sort(),
      customer_ports: customerPorts(facts),
      ...focus,
      ...(a.mqtt_port === undefined ? {} : { port_holder: portHolder(facts, raw.ss, a.mqtt_port, a.customer ?? '') }),
      ...(s.resources ?? {}),
    };
  },
});
