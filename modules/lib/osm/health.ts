// Health of one OSM customer from what osm_status gathered: pure, so its rules are unit-tested.
import { formatRate, formatSize } from './limits.js';
import type { HttpProbe, MqttProbe } from './probe.js';

export interface CustomerStatus {
  customer: string;
  container: string;
  state: string;
  ip: string | null;
  mqtt_port: number | null;
  mqtt: MqttProbe | null;
  vhosts: HttpProbe[];
  snapshots: number;
  newest_snapshot: string | null;
  last_backup: { day: string; result: string } | null;
  /** The container's cgroup memory limit in bytes (null: none, or not running). */
  memory_limit: number | null;
  /** The customer's bandwidth limit in bits/s as recorded (null: none). */
  bandwidth_limit: number | null;
  /** The rate of the tbf on its veth now, bits/s (0: none; null: not looked at, e.g. not running). */
  bandwidth_applied: number | null;
  /** The units of the customer's stack its container has (mosquitto, postgresql@15-main...), and whether each is active; empty when not running. */
  services?: { name: string; active: boolean }[];
}

export interface Verdict {
  healthy: boolean;
  problems: string[];
  notes: string[];
}

export function judge(s: CustomerStatus): Verdict {
  const problems: string[] = [];
  const notes: string[] = [];
  if (s.state !== 'running') problems.push(`container is ${s.state}`);
  if (s.state === 'running' && !s.ip) problems.push('container has no address');
  if (s.mqtt_port === null) problems.push('no MQTT port configured');
  else if (!s.mqtt?.tls) problems.push(`MQTT port ${s.mqtt_port}: no TLS handshake (${s.mqtt?.error ?? 'not probed'})`);
  else if (s.mqtt.certificate_matches === false) problems.push(`MQTT port ${s.mqtt_port}: the certificate is not for ${s.mqtt.name ?? 'the customer'}`);
  else if (s.mqtt.connack === null) problems.push(`MQTT port ${s.mqtt_port}: broker did not answer (${s.mqtt.error ?? ''})`);
  for (const v of s.vhosts) {
    if (v.status === null) problems.push(`${v.name}: no answer (${v.error ?? ''})`);
    else if (v.status >= 500) notes.push(`${v.name}: nginx answers ${v.status} (service in the container not up)`);
  }
  // The veth hook puts the limit on at every start; a failed hook leaves the customer unlimited.
  const limit = s.bandwidth_limit ?? 0;
  if (s.state === 'running' && s.bandwidth_applied !== null && Math.abs(s.bandwidth_applied - limit) > 8) {
    problems.push(`bandwidth limit ${limitText(s.bandwidth_limit)} is not on its veth (it has ${limitText(s.bandwidth_applied || null)}; see its log)`);
  }
  for (const svc of s.services ?? []) if (!svc.active) problems.push(`service ${svc.name} is not active in the container`);
  if (s.snapshots === 0) notes.push('no snapshots yet');
  if (s.last_backup === null) notes.push('never backed up');
  else if (s.last_backup.result !== 'ok') problems.push(`last backup ${s.last_backup.day} ${s.last_backup.result}`);
  return { healthy: problems.length === 0, problems, notes };
}

/** The newest `<day> <container> <result> ...` line of the backup log for a container. */
export function lastBackup(log: string, container: string): { day: string; result: string } | null {
  let last: { day: string; result: string } | null = null;
  for (const line of log.split('\n')) {
    const [day, name, result] = line.trim().split(/\s+/);
    if (name === container && day && result && (last === null || day >= last.day)) last = { day, result };
  }
  return last;
}

const limitText = (bps: number | null): string => (bps === null ? 'none' : formatRate(bps));

/** `mem 512M, net 10mbit`: the limits a status row shows. */
export function limitsText(s: CustomerStatus): string {
  return `mem ${s.memory_limit === null ? '-' : formatSize(s.memory_limit)}, net ${s.bandwidth_limit === null ? '-' : formatRate(s.bandwidth_limit)}`;
}

/** `3/3 up`, or the units that are down: `2/3 up (redis-server down)`; `-` when none were seen. */
export function servicesText(services: { name: string; active: boolean }[]): string {
  if (services.length === 0) return '-';
  const down = services.filter((s) => !s.active).map((s) => s.name);
  return `${services.length - down.length}/${services.length} up${down.length ? ` (${down.join(', ')} down)` : ''}`;
}

export function statusTable(host: string, rows: (CustomerStatus & Verdict)[]): string {
  const head = ['customer', 'state', 'address', 'mqtt', 'vhosts', 'services', 'snapshots', 'last backup', 'limits', 'health'];
  const body = rows.map((r) => [
    r.customer,
    r.state,
    r.ip ?? '-',
    r.mqtt_port === null ? '-' : `${r.mqtt_port} ${r.mqtt?.connack !== null && r.mqtt?.connack !== undefined ? 'answers' : 'DOWN'}`,
    `${r.vhosts.filter((v) => v.status !== null).length}/${r.vhosts.length}`,
    servicesText(r.services ?? []),
    `${r.snapshots}${r.newest_snapshot ? ` (newest ${r.newest_snapshot})` : ''}`,
    r.last_backup ? `${r.last_backup.day} ${r.last_backup.result}` : 'never',
    limitsText(r),
    r.healthy ? 'healthy' : `UNHEALTHY: ${r.problems.join('; ')}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [`${host}:`, line(head), ...body.map(line)].join('\n');
}
