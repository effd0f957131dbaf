// osm_status's reading of osm-metrics' output: the exposition-format parser and the customers' status.
import { describe, expect, it } from 'vitest';
import { judge, statusTable } from '../../../../../modules/lib/osm/health.js';
import { statusFromMetrics } from '../../../../../modules/lib/osm/metrics-status.js';
import { parsePromText } from '../../../../../modules/lib/prometheus/text.js';

describe('parsePromText', () => {
  it.each([
    ['up 1', { name: 'up', labels: {}, value: 1 }],
    ['a_b:c{x="1"} 2.5', { name: 'a_b:c', labels: { x: '1' }, value: 2.5 }],
    ['m{a="q\\"uote",b="back\\\\slash",c="new\\nline",} 1e3', { name: 'm', labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' }, value: 1000 }],
    ['m{a="x, y}"} -3 1700000000000', { name: 'm', labels: { a: 'x, y}' }, value: -3 }],
    ['m +Inf', { name: 'm', labels: {}, value: Infinity }],
  ])('%s', (line, sample) => {
    expect(parsePromText(`# HELP m help\n# TYPE m gauge\n${line}\n`)).toEqual([sample]);
  });
  it.each([
    ['m{a=1} 1', 'osm:1: bad label at column 3'],
    ['m{a="1} 1', 'osm:1: unterminated label value of a'],
    ['m{a="1"} one', "osm:1: 'one' is not a sample value"],
    ['m', "osm:1: '' is not a sample value"],
    ['{a="1"} 1', 'osm:1: no metric name'],
  ])('%s is refused: %s', (line, message) => {
    expect(() => parsePromText(line, 'osm')).toThrow(message);
  });
});

const text = (over: string[] = []) => [
  'osm_customer_up{customer="acme",host="h"} 1',
  'osm_customer_info{customer="acme",host="h",container="acme-svr",state="running",ip="10.0.3.7"} 1',
  'osm_customer_info{customer="gamma",host="h",container="gamma-svr",state="stopped",ip=""} 1',
  'osm_customer_mqtt_port{customer="acme",host="h"} 8883',
  'osm_customer_mqtt_port{customer="gamma",host="h"} 8884',
  'osm_customer_mqtt_connack{customer="acme",host="h"} 5',
  'osm_certificate_expiry_seconds{customer="acme",host="h",name="acme-mqtt.osm.test"} 1800000000',
  'osm_certificate_matches_name{customer="acme",host="h",name="acme-mqtt.osm.test"} 1',
  'osm_vhost_http_status{customer="acme",host="h",vhost="acme.osm.test"} 200',
  'osm_vhost_http_status{customer="acme",host="h",vhost="acme-influx.osm.test"} 502',
  'osm_vhost_http_status{customer="gamma",host="h",vhost="gamma.osm.test"} 0',
  'osm_backup_last_run_success{customer="acme",host="h"} 0',
  `osm_backup_last_run_timestamp_seconds{customer="acme",host="h"} ${Date.UTC(2026, 11, 4) / 1000}`,
  'osm_snapshots{customer="acme",host="h"} 3',
  `osm_snapshot_newest_timestamp_seconds{customer="acme",host="h"} ${Date.UTC(2026, 11, 4, 2, 43, 10) / 1000}`,
  'osm_snapshots{customer="gamma",host="h"} 0',
  'osm_container_memory_limit_bytes{customer="acme",host="h"} 536870912',
  'osm_customer_bandwidth_limit_bits_per_second{customer="acme",host="h"} 10000000',
  'osm_customer_bandwidth_applied_bits_per_second{customer="acme",host="h"} 10000000',
  'osm_customer_bandwidth_limit_bits_per_second{customer="gamma",host="h"} 500000',
  'osm_customer_service_up{customer="acme",host="h",service="redis-server"} 1',
  'osm_customer_service_up{customer="acme",host="h",service="mosquitto"} 1',
  'osm_customer_service_up{customer="acme",host="h",service="postgresql@15-main"} 1',
  ...over,
].join('\n');

describe('statusFromMetrics', () => {
  it('one record per customer, in the shape status.yaml has always registered', () => {
    const [acme, gamma] = statusFromMetrics(parsePromText(text()));
    expect(acme).toEqual({
      customer: 'acme', container: 'acme-svr', state: 'running', ip: '10.0.3.7', mqtt_port: 8883,
      mqtt: { tls: true, connack: 5, certificate_matches: true, name: 'acme-mqtt.osm.test' },
      vhosts: [{ name: 'acme.osm.test', status: 200 }, { name: 'acme-influx.osm.test', status: 502 }],
      snapshots: 3, newest_snapshot: '2026-12-04 02:43:10', last_backup: { day: '2026-12-04', result: 'failed' },
      memory_limit: 536870912, bandwidth_limit: 10_000_000, bandwidth_applied: 10_000_000,
      services: [{ name: 'mosquitto', active: true }, { name: 'postgresql@15-main', active: true }, { name: 'redis-server', active: true }],
    });
    expect(gamma).toEqual({
      customer: 'gamma', container: 'gamma-svr', state: 'stopped', ip: null, mqtt_port: 8884,
      mqtt: { tls: false, connack: null, error: 'refused, or no handshake in time' },
      vhosts: [{ name: 'gamma.osm.test', status: null, error: 'no answer' }],
      snapshots: 0, newest_snapshot: null, last_backup: null,
      memory_limit: null, bandwidth_limit: 500_000, bandwidth_applied: null,
      services: [],
    });
  });

  it('a unit of the stack that is loaded but not active is a problem, named, and the table says which', () => {
    const [acme] = statusFromMetrics(parsePromText(text().replace('service="redis-server"} 1', 'service="redis-server"} 0'))).map((s) => ({ ...s, ...judge(s) }));
    expect(acme?.services).toContainEqual({ name: 'redis-server', active: false });
    expect(acme?.problems).toContain('service redis-server is not active in the container');
    expect(statusTable('h', [acme!])).toContain('2/3 up (redis-server down)');
  });

  it('judge reads them as before: a failed backup and a stopped container are problems', () => {
    const [acme, gamma] = statusFromMetrics(parsePromText(text())).map(judge);
    expect(acme?.problems).toEqual(['last backup 2026-12-04 failed']);
    expect(gamma?.problems.join('; ')).toContain('container is stopped');
    expect(gamma?.problems.join('; ')).toContain('gamma.osm.test: no answer');
  });

  it('a broker behind a certificate for another name is a problem', () => {
    const over = text().replace('osm_certificate_matches_name{customer="acme",host="h",name="acme-mqtt.osm.test"} 1', 'osm_certificate_matches_name{customer="acme",host="h",name="acme-mqtt.osm.test"} 0');
    const [acme] = statusFromMetrics(parsePromText(over)).map(judge);
    expect(acme?.problems).toContain('MQTT port 8883: the certificate is not for acme-mqtt.osm.test');
  });

  it('a customer with no MQTT port has no probe', () => {
    const [acme] = statusFromMetrics(parsePromText(text().replace(/^osm_customer_mqtt_port\{customer="acme".*$/m, '')));
    expect(acme?.mqtt).toBeNull();
    expect(acme ? judge(acme).problems : []).toContain('no MQTT port configured');
  });
});
