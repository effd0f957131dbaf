// The customers' status from osm-metrics' output: osm_status runs the same script the hosts' timer
// runs (playbooks/roles/osm_monitoring_agent/files/osm-metrics), so status.yaml and the alerts
// judge the same checks. Pure, so it is unit-tested.
import type { CustomerStatus } from './health.js';
import { containerOf } from './layout.js';
import type { HttpProbe, MqttProbe } from './probe.js';
import type { Sample } from '../prometheus/text.js';

/** `YYYY-MM-DD HH:MM:SS` (UTC, as snapper records it) of a Unix time. */
function utcDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export function statusFromMetrics(samples: Sample[]): CustomerStatus[] {
  const of = (name: string, customer: string): Sample[] => samples.filter((s) => s.name === name && s.labels['customer'] === customer);
  const value = (name: string, customer: string): number | null => of(name, customer)[0]?.value ?? null;
  return samples
    .filter((s) => s.name === 'osm_customer_info')
    .map((info) => {
      const customer = info.labels['customer'] ?? '';
      const port = value('osm_customer_mqtt_port', customer);
      const cert = of('osm_certificate_expiry_seconds', customer)[0];
      const connack = value('osm_customer_mqtt_connack', customer);
      let mqtt: MqttProbe | null = null;
      if (port !== null) {
        mqtt = { tls: cert !== undefined, connack };
        if (cert) {
          mqtt.certificate_matches = value('osm_certificate_matches_name', customer) === 1;
          if (cert.labels['name']) mqtt.name = cert.labels['name'];
        }
        if (!cert) mqtt.error = 'refused, or no handshake in time';
        else if (connack === null) mqtt.error = 'no CONNACK to an MQTT CONNECT in time';
      }
      const vhosts: HttpProbe[] = of('osm_vhost_http_status', customer).map((s) =>
        s.value === 0 ? { name: s.labels['vhost'] ?? '', status: null, error: 'no answer' } : { name: s.labels['vhost'] ?? '', status: s.value },
      );
      const services = of('osm_customer_service_up', customer)
        .map((s) => ({ name: s.labels['service'] ?? '', active: s.value === 1 }))
        .sort((x, y) => x.name.localeCompare(y.name));
      const newest = value('osm_snapshot_newest_timestamp_seconds', customer);
      const lastRun = value('osm_backup_last_run_timestamp_seconds', customer);
      return {
        customer,
        container: info.labels['container'] ?? containerOf(customer),
        state: info.labels['state'] || 'missing',
        ip: info.labels['ip'] || null,
        mqtt_port: port,
        mqtt,
        vhosts,
        snapshots: value('osm_snapshots', customer) ?? 0,
        newest_snapshot: newest === null ? null : utcDateTime(newest),
        memory_limit: value('osm_container_memory_limit_bytes', customer),
        bandwidth_limit: value('osm_customer_bandwidth_limit_bits_per_second', customer),
        bandwidth_applied: value('osm_customer_bandwidth_applied_bits_per_second', customer),
        services,
        last_backup: lastRun === null ? null : { day: utcDateTime(lastRun).slice(0, 10), result: value('osm_backup_last_run_success', customer) === 1 ? 'ok' : 'failed' },
      };
    });
}
