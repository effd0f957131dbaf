// The fleet table: rows per customer, DNS judged against the customer's host, unread hosts, the verdict.
import { describe, expect, it } from 'vitest';
import { fleetReport, fleetTable, type HostStatusRead } from '../../../../modules/lib/osm/fleet-report.js';
import { judge, type CustomerStatus } from '../../../../modules/lib/osm/health.js';

function customer(name: string, port: number, over: Partial<CustomerStatus> = {}): CustomerStatus & ReturnType<typeof judge> {
  const s: CustomerStatus = {
    customer: name, container: `${name}-svr`, state: 'running', ip: '10.0.3.5', mqtt_port: port,
    mqtt: { tls: true, certificate_matches: true, connack: 0, name: `${name}-mqtt.osm.test` },
    vhosts: [], snapshots: 1, newest_snapshot: '2026-12-07', last_backup: { day: '2026-12-07', result: 'ok' },
    memory_limit: null, bandwidth_limit: null, bandwidth_applied: null, ...over,
  };
  return { ...s, ...judge(s) };
}

const hostDns = { lab: { name: 'lab.osm.test', domain: 'osm.test' }, lab2: { name: 'lab2.osm.test', domain: 'osm.test' } };
const answer = (cname: string | null) => ({ cname, a: cname ? ['10.98.0.2'] : [], error: null });

describe('fleetReport', () => {
  const hosts: HostStatusRead[] = [{ item: 'lab2', customers: [customer('beta', 19001)] }, { item: 'lab', customers: [customer('acme', 19000)] }];

  it('one healthy row per customer, sorted by host, with DNS ok when the name aliases its host', () => {
    const r = fleetReport({ hosts, host_dns: hostDns, dns: { 'acme.osm.test': answer('lab.osm.test'), 'beta.osm.test': answer('lab2.osm.test.') } });
    expect(r.healthy).toBe(true);
    expect(r.rows.map((x) => [x.host, x.customer, x.port, x.served, x.dns, x.last_backup])).toEqual([
      ['lab', 'acme', 19000, true, 'ok', '2026-12-07 ok'],
      ['lab2', 'beta', 19001, true, 'ok', '2026-12-07 ok'],
    ]);
    expect(fleetTable(r).split('\n')[0]).toMatch(/^host\s+customer\s+port\s+address\s+mqtt\/tls\s+dns\s+last backup\s+health$/);
  });

  it('a name that leads to another host, or nowhere, is a problem naming the customer', () => {
    const r = fleetReport({ hosts, host_dns: hostDns, dns: { 'acme.osm.test': answer('lab2.osm.test'), 'beta.osm.test': answer(null) } });
    expect(r.healthy).toBe(false);
    expect(r.problems).toEqual([
      'lab acme: DNS sends it to lab2.osm.test, not lab.osm.test',
      'lab2 beta: DNS has no alias for the customer (want lab2.osm.test)',
    ]);
  });

  it('without a DNS server, DNS is not checked; a down customer and an unread host fail the fleet', () => {
    const r = fleetReport({
      hosts: [{ item: 'lab', customers: [customer('acme', 19000, { state: 'stopped', ip: null, mqtt: null })] }, { item: 'lab2', failed: true, msg: 'unreachable: timed out' }],
      host_dns: hostDns,
      dns: null,
    });
    expect(r.rows[0]).toMatchObject({ customer: 'acme', served: false, dns: 'not checked', healthy: false });
    expect(r.problems).toContain('lab2: not read: unreachable: timed out');
    expect(r.problems.some((p) => p.startsWith('lab acme: container is stopped'))).toBe(true);
    expect(fleetTable(r)).toContain('NOT READ: unreachable: timed out');
  });
});
