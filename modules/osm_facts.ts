// osm_facts: a read-only look at an OSM host — customers (by every trace they leave), OS bases,
// final copies of deleted customers, and who holds a port. Playbooks refuse bad input from it
// before they change anything.
import { Type } from '@sinclair/typebox';
import { defineModule } from '../runner/module.js';
import { gatherOsmHost, subvolumeUuid } from './lib/osm/gather.js';
import { customerPorts, portHolder, summarizeOsmHost } from './lib/osm/host.js';

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


export default defineModule({
  name: 'osm_facts',
  doc:
    'Reads an OSM host and returns what it has, changing nothing: os_bases (sorted; newest_os_base is the last), ' +
    'customers (each with the traces it leaves — container, nginx-stream, nginx-http, dnsmasq, hosts, snapper — ' +
    'and its mqtt_port, ip and mac where known), customer_ports (port → customer), deleted (final copies), stream_ports (port → declaring file). ' +
    'With customer: customer_exists and customer (with subvolume_uuid, and restored_from: the snapshot restore-snapshot last synced in). With mqtt_port: port_holder, naming another customer or a ' +
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
    const raw = await gatherOsmHost(host, a);
    const facts = summarizeOsmHost(raw);
    const focus = a.customer === undefined ? undefined : facts.customers[a.customer];
    const dir = focus?.traces.includes('container') ? `${a.lxc_root}/containers/${focus.container}` : null;
    const uuid = dir ? await subvolumeUuid(host, dir) : null;
    const restored = dir ? await host.readFile(`${dir}/osm-restored-from`) : null;
    return { raw, facts, uuid, restoredFrom: restored === null ? null : restored.trim() };
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
      customer_ports: customerPorts(facts),
      ...(a.customer === undefined ? {} : { customer_exists: customer !== undefined, customer: customer ? { ...customer, subvolume_uuid: s.uuid, restored_from: s.restoredFrom } : null }),
      ...(a.mqtt_port === undefined ? {} : { port_holder: portHolder(facts, raw.ss, a.mqtt_port, a.customer ?? '') }),
    };
  },
});
