// osm_status: the monitoring the seed asks for. For every customer of an OSM host: container state
// and address, MQTT over TLS with its own certificate and a broker answer, the vhosts, snapshots,
// and the last backup. The checks are osm-metrics', the script the host's timer runs for
// Prometheus: status.yaml and the alerts cannot disagree.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { judge, statusTable, type CustomerStatus } from './lib/osm/health.js';
import { containerOf } from './lib/osm/layout.js';
import { statusFromMetrics } from './lib/osm/metrics-status.js';
import { parsePromText } from './lib/prometheus/text.js';

const args = Type.Object(
  {
    lxc_root: Type.String({ pattern: '^/', default: '/srv/osm-lxc/lxc', description: 'OSM LXC root.' }),
    backup_log: Type.String({ pattern: '^/', default: '/var/log/osm-backup', description: 'Log that backup.yaml writes (`<day> <container> <result> ...`).' }),
    domain: Type.String({ minLength: 3, description: 'Domain of the customer names (vhosts are <customer>[-influx|-chirpstack|-mqtt].<domain>).' }),
    probe_address: Type.String({ minLength: 1, default: '127.0.0.1', description: "Address the host's checks reach its own nginx on." }),
    https_port: Type.Integer({ minimum: 1, maximum: 65535, default: 443, description: 'Port of the vhosts.' }),
    timeout: Type.Number({ minimum: 0.1, maximum: 60, default: 5, description: 'Seconds per probe.' }),
    customers: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Probe only these customers (default all); a named customer without a container is reported as missing.' }),
    ),
  },
  { additionalProperties: false },
);

const SCRIPT_PATH = 'playbooks/roles/osm_monitoring_agent/files/osm-metrics';

/** osm-metrics from this checkout (modules/ when run from source, dist/modules/ when built). */
function metricsScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = ['..', '../..'].map((up) => join(here, up, SCRIPT_PATH)).find((f) => existsSync(f));
  if (!file) throw new ModuleError(`osm_status: ${SCRIPT_PATH} is missing from this osm-play checkout`);
  return readFileSync(file, 'utf8');
}

/** A customer asked for by name that has no container on the host: unhealthy, nothing to probe. */
function missingCustomer(name: string): CustomerStatus & ReturnType<typeof judge> {
  const row: CustomerStatus = {
    customer: name, container: containerOf(name), state: 'missing', ip: null, mqtt_port: null, mqtt: null, vhosts: [], snapshots: 0, newest_snapshot: null, last_backup: null,
    memory_limit: null, bandwidth_limit: null, bandwidth_applied: null,
  };
  return { ...row, ...judge(row) };
}

export default defineModule({
  name: 'osm_status',
  doc:
    'Reports the health of every customer on an OSM host, changing nothing. Runs on the host the same ' +
    "checks as the host's osm-metrics timer (the script is sent along, nothing is installed): container " +
    'state and address (lxc-info), a TLS handshake on the MQTT port with a certificate for ' +
    '<customer>-mqtt.<domain> followed by an MQTT CONNECT the broker must answer, an HTTPS request to each ' +
    'vhost by name through the host\'s nginx (nginx must answer; a 5xx from a service that is down is a ' +
    'note), the snapshot count and newest date, the last backup from the backup log, and the limits (the cgroup memory ' +
    'limit, the recorded bandwidth limit and the tbf rate on the veth: a limit not on the veth is a problem). Registers ' +
    'customers (one record each), healthy (all of them) and table (for printing). Never changed.',
  example: ['- osm_status:', '    domain: "{{ osm_domain }}"', '  register: status'].join('\n'),
  args,
  async gather(host, a) {
    const env = [
      `OSM_HOST=${host.name}`, `OSM_DOMAIN=${a.domain}`, `OSM_LXC_ROOT=${a.lxc_root}`, `OSM_BACKUP_LOG=${a.backup_log}`,
      `OSM_PROBE_ADDRESS=${a.probe_address}`, `OSM_HTTPS_PORT=${a.https_port}`, `OSM_TIMEOUT=${a.timeout}`,
      // Only the customers asked for are probed: create-container's served check on a full host is one customer's.
      ...(a.customers === undefined ? [] : [`OSM_CUSTOMERS=${a.customers.join(' ')}`]),
    ];
    const argv = ['env', ...env, 'sh', '-c', metricsScript(), 'osm-metrics', '--config', '/dev/null'];
    const r = await host.exec({ argv }, { timeoutMs: (a.timeout * 10 + 60) * 1000 });
    if (r.exitCode !== 0) throw new ModuleError(`osm_status: the checks (osm-metrics) failed with exit ${r.exitCode}: ${r.stderr.trim()}`);
    let samples;
    try {
      samples = parsePromText(r.stdout, 'osm-metrics output');
    } catch (e) {
      throw new ModuleError(`osm_status: ${e instanceof Error ? e.message : String(e)}`);
    }
    const wanted = a.customers === undefined ? undefined : new Set(a.customers);
    const rows = statusFromMetrics(samples).filter((s) => wanted?.has(s.customer) ?? true);
    const found = new Set(rows.map((s) => s.customer));
    const missing = [...(wanted ?? [])].filter((n) => !found.has(n)).map(missingCustomer);
    return [...rows.map((s) => ({ ...s, ...judge(s) })), ...missing];
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
