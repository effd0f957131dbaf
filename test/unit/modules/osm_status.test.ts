import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judge, lastBackup, statusTable, type CustomerStatus } from '../../../modules/lib/osm/health.js';
import { mqttConnectPacket, parseConnack } from '../../../modules/lib/osm/probe.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const healthy: CustomerStatus = {
  customer: 'acme',
  container: 'acme-svr',
  state: 'running',
  ip: '10.0.3.2',
  mqtt_port: 8883,
  mqtt: { tls: true, connack: 5 },
  vhosts: [{ name: 'acme.example.org', status: 502 }],
  snapshots: 2,
  newest_snapshot: '2026-11-27 10:00:00',
  last_backup: { day: '2026-11-27', result: 'ok' },
  memory_limit: 512 * 1024 ** 2,
  bandwidth_limit: 10_000_000,
  bandwidth_applied: 10_000_000,
};

describe('judge', () => {
  it('a running container whose broker and vhosts answer is healthy; a 502 is only a note', () => {
    const v = judge(healthy);
    expect(v.healthy).toBe(true);
    expect(v.notes.join()).toContain('502');
  });
  it.each([
    [{ state: 'stopped' }, 'container is stopped'],
    [{ ip: null }, 'no address'],
    [{ mqtt: { tls: false, connack: null, error: 'ECONNREFUSED' } }, 'no TLS handshake (ECONNREFUSED)'],
    [{ mqtt: { tls: true, connack: null, error: 'closed' } }, 'broker did not answer'],
    [{ vhosts: [{ name: 'acme.example.org', status: null, error: 'timeout' }] }, 'acme.example.org: no answer'],
    [{ last_backup: { day: '2026-11-26', result: 'failed' } }, 'last backup 2026-11-26 failed'],
    [{ bandwidth_applied: 0 }, 'bandwidth limit 10mbit is not on its veth (it has none; see its log)'],
    [{ bandwidth_limit: null }, 'bandwidth limit none is not on its veth (it has 10mbit; see its log)'],
  ] as [Partial<CustomerStatus>, string][])('%o is unhealthy: %s', (patch, problem) => {
    const v = judge({ ...healthy, ...patch });
    expect(v.healthy).toBe(false);
    expect(v.problems.join('; ')).toContain(problem);
  });
});

describe('limits in status', () => {
  it('a stopped customer is not judged on its veth, and no limit shows as -', () => {
    expect(judge({ ...healthy, state: 'stopped', bandwidth_applied: null }).problems).toEqual(['container is stopped']);
    const free = { ...healthy, memory_limit: null, bandwidth_limit: null, bandwidth_applied: 0 };
    expect(judge(free).healthy).toBe(true);
    expect(statusTable('h', [{ ...free, ...judge(free) }])).toContain('mem -, net -');
  });
});

describe('lastBackup', () => {
  it('takes the newest line of the container', () => {
    const log = '2026-11-25 acme-svr ok snapshot 1\n2026-11-26 acme-svr failed snapshot 2\n2026-11-26 globex-svr ok snapshot 1\n';
    expect(lastBackup(log, 'acme-svr')).toEqual({ day: '2026-11-26', result: 'failed' });
    expect(lastBackup(log, 'initech-svr')).toBeNull();
  });
});

describe('MQTT packets', () => {
  it('CONNECT is a well-formed MQTT 3.1.1 packet', () => {
    const p = mqttConnectPacket('x');
    expect([...p]).toEqual([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 10, 0, 1, 0x78]);
  });
  it.each([
    [[0x20, 0x02, 0x00, 0x00], 0],
    [[0x20, 0x02, 0x00, 0x05], 5],
    [[0x30, 0x02, 0x00, 0x00], null],
    [[0x20], null],
  ])('CONNACK %o → %s', (bytes, rc) => {
    expect(parseConnack(Buffer.from(bytes))).toBe(rc);
  });
});

describe('statusTable', () => {
  it('prints one row per customer with its health', () => {
    const t = statusTable('osm-lab', [{ ...healthy, ...judge(healthy) }]);
    expect(t).toMatch(/^osm-lab:\ncustomer\s+state/);
    expect(t).toContain('acme      running  10.0.3.2  8883 answers');
    expect(t).toContain('mem 512M, net 10mbit  healthy');
    expect(t).toMatch(/healthy$/);
  });
});

describe('osm-metrics sends the MQTT packets of osm-probe', () => {
  it("its printf is CONNECT('osm-metrics') then DISCONNECT", () => {
    const script = readFileSync(join(REPO, 'playbooks/roles/osm_monitoring_agent/files/osm-metrics'), 'utf8');
    const format = /printf '(\\020[^']*)'/.exec(script)?.[1] ?? '';
    const r = spawnSync('sh', ['-c', 'printf "$1"', 'sh', format]);
    expect(r.status).toBe(0);
    expect([...r.stdout]).toEqual([...mqttConnectPacket('osm-metrics'), 0xe0, 0x00]);
  });
});

describe('judge with the certificate check', () => {
  it('a certificate for another name is a problem naming the expected one', () => {
    const v = judge({ ...healthy, mqtt: { tls: true, connack: 0, certificate_matches: false, name: 'acme-mqtt.example.org' } });
    expect(v.healthy).toBe(false);
    expect(v.problems).toEqual(['MQTT port 8883: the certificate is not for acme-mqtt.example.org']);
  });
});
