// osm_status: the monitoring the seed asks for. For every customer of an OSM host: container state
// and address, MQTT over TLS with a broker answer, the vhosts, snapshots, and the last backup.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, type HostContext } from '../runner/module.js';
import { ipv4Only, parseIpList, parseLxcInfo } from './lib/lxc/info.js';
import { listSnapshots } from './lib/snapper/run.js';
import { gatherOsmHost } from './lib/osm/gather.js';
import { summarizeOsmHost, type CustomerFacts } from './lib/osm/host.js';
import { judge, lastBackup, statusTable, type CustomerStatus } from './lib/osm/health.js';
import { probeMqtt, probeVhost } from './lib/osm/probe.js';

const args = Type.Object(
  {
    lxc_root: Type.String({ pattern: '^/', default: '/srv/osm-lxc/lxc', description: 'OSM LXC root.' }),
    nginx_dir: Type.String({ pattern: '^/', default: '/etc/nginx', description: 'nginx directory with devtank/customers.*.d/.' }),
    dnsmasq_conf: Type.String({ pattern: '^/', default: '/etc/lxc/dnsmasq.conf', description: "lxc-net's dnsmasq file." }),
    hosts_file: Type.String({ pattern: '^/', default: '/etc/hosts', description: 'The hosts file.' }),
    backup_log: Type.String({ pattern: '^/', default: '/var/log/osm-backup', description: 'Log that backup.yaml writes (`<day> <container> <result> ...`).' }),
    domain: Type.String({ minLength: 3, description: 'Domain of the customer names (vhosts are <customer>[-influx|-chirpstack|-mqtt].<domain>).' }),
    probe_address: Type.String({ minLength: 1, description: 'Address the controller probes the host on (its ansible_host).' }),
    https_port: Type.Integer({ minimum: 1, maximum: 65535, default: 443, description: 'Port of the vhosts.' }),
    timeout: Type.Number({ minimum: 0.1, maximum: 60, default: 5, description: 'Seconds per probe.' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

async function customerStatus(host: HostContext, a: Args, c: CustomerFacts, backupLog: string): Promise<CustomerStatus> {
  const ms = a.timeout * 1000;
  const info = await host.exec({ argv: ['lxc-info', '-n', c.container, '-s'] });
  const ips = await host.exec({ argv: ['lxc-info', '-n', c.container, '-iH'] });
  const snaps = c.traces.includes('snapper') ? await listSnapshots(host, c.container).catch(() => []) : [];
  const real = snaps.filter((s) => s.number !== 0);
  const names = ['', '-influx', '-chirpstack', '-mqtt'].map((suffix) => `${c.customer}${suffix}.${a.domain}`);
  const [mqtt, ...vhosts] = await Promise.all([
    c.mqtt_port === null ? Promise.resolve(null) : probeMqtt(a.probe_address, c.mqtt_port, `${c.customer}-mqtt.${a.domain}`, ms),
    ...names.map((n) => probeVhost(a.probe_address, a.https_port, n, ms)),
  ]);
  return {
    customer: c.customer,
    container: c.container,
    state: parseLxcInfo(info.stdout, info.stderr, info.exitCode).state,
    ip: ipv4Only(parseIpList(ips.stdout))[0] ?? null,
    mqtt_port: c.mqtt_port ?? null,
    mqtt,
    vhosts,
    snapshots: real.length,
    newest_snapshot: real[real.length - 1]?.date ?? null,
    last_backup: lastBackup(backupLog, c.container),
  };
}

export default defineModule({
  name: 'osm_status',
  doc:
    'Reports the health of every customer on an OSM host, changing nothing: container state and address ' +
    '(lxc-info), a TLS handshake on the MQTT port followed by an MQTT CONNECT that the broker must answer, ' +
    'an HTTPS request to each vhost by name (nginx must answer; a 5xx from a service that is down is a note), ' +
    'snapper snapshot count and newest date, and the last backup from the backup log. The probes go from the ' +
    'controller to probe_address, as a customer would connect. Registers customers (one record each), ' +
    'healthy (all of them) and table (for printing). Never changed.',
  example: [
    '- osm_status:',
    '    domain: "{{ osm_domain }}"',
    '    probe_address: "{{ ansible_host | default(inventory_hostname) }}"',
    '  register: status',
  ].join('\n'),
  args,
  async gather(host, a) {
    const facts = summarizeOsmHost(await gatherOsmHost(host, a));
    const backupLog = (await host.readFile(a.backup_log)) ?? '';
    const customers = Object.values(facts.customers).filter((c) => c.traces.includes('container'));
    const rows = await Promise.all(customers.map((c) => customerStatus(host, a, c, backupLog)));
    return rows.map((r) => ({ ...r, ...judge(r) }));
  },
  plan: () => [],
  async apply() {
    // Read only: plan never returns changes.
  },
  result: (_a, rows, _c) => ({
    customers: rows,
    healthy: rows.every((r) => r.healthy),
    unhealthy: rows.filter((r) => !r.healthy).map((r) => r.customer),
    table: statusTable('', rows).split('\n').slice(1).join('\n'),
  }),
});
