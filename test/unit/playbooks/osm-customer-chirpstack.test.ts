// The osm_customer_chirpstack role: chirpstack.toml and region_<region>.toml rendered with the role's
// defaults and read by a real TOML parser (smol-toml), holding the keys ChirpStack v4.9 documents
// (https://www.chirpstack.io/docs/chirpstack/configuration.html, and the Configuration struct of
// chirpstack/src/config.rs); the region's gateway topics checked against the broker ACL
// (playbooks/templates/mosquitto-osm.acl.j2); its tasks loaded and checked against the modules they
// use, as --syntax-check does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import assertModule from '../../../modules/assert.js';
import chirpstackAdminPassword from '../../../modules/chirpstack_admin_password.js';
import chirpstackInfluxdbIntegration from '../../../modules/chirpstack_influxdb_integration.js';
import service from '../../../modules/service.js';
import serviceSettings from '../../../modules/service_settings.js';
import stat from '../../../modules/stat.js';
import template from '../../../modules/template.js';
import waitFor from '../../../modules/wait_for.js';
import { formatDiagnostic } from '../../../runner/load/errors.js';
import { ModuleRegistry } from '../../../runner/load/modules.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { validatePlaybook } from '../../../runner/load/validate.js';
import { createTemplater } from '../../../runner/template/index.js';

const REPO = resolve(import.meta.dirname, '../../..');
const ROLE = join(REPO, 'playbooks/roles/osm_customer_chirpstack');
const work = mkdtempSync(join(tmpdir(), 'osm-chirpstack-role-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const defaults = parseYaml(readFileSync(join(ROLE, 'defaults/main.yaml'), 'utf8')) as Record<string, unknown>;

// Secrets with every character that needs care in a URL or a TOML string (the generated ones are
// URL-safe base64, but the templates must not depend on it).
const SECRETS = {
  postgres_chirpstack_password: 'pg p@ss/w:rd?#%"\\é',
  chirpstack_api_secret: 'api-"secret"\\',
  chirpstack_mqtt_password: 'mq"tt\\pw',
};

function vars(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...defaults, ansible_managed: 'Ansible managed', customer_name: 'acme', customer_domain: 'example.com', container: 'acme-svr', osm_chirpstack_region: 'eu868', mqtt_secret: { values: SECRETS }, ...over };
}

function render(file: string, over: Record<string, unknown> = {}): string {
  return createTemplater().renderFile(join(ROLE, 'templates', file), vars(over));
}

type Toml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('chirpstack.toml (configuration.html, [logging] … [integration.mqtt])', () => {
  const text = render('chirpstack.toml.j2');
  const c = parseToml(text) as Toml;

  it('has only the documented sections', () => {
    expect(Object.keys(c).sort()).toEqual(['api', 'integration', 'logging', 'network', 'postgresql', 'redis']);
    expect(c.logging).toEqual({ level: 'info' });
    expect(c.redis).toEqual({ servers: ['redis://localhost/'], cluster: false });
    expect(c.network).toEqual({ net_id: '000000', enabled_regions: ['eu868'] });
  });

  it('postgresql.dsn: the chirpstack role on localhost, the password URL-encoded so a URL parser gets it back', () => {
    const dsn = new URL(c.postgresql.dsn as string);
    expect(dsn.protocol).toBe('postgres:');
    expect(decodeURIComponent(dsn.username)).toBe('chirpstack');
    expect(decodeURIComponent(dsn.password)).toBe(SECRETS.postgres_chirpstack_password);
    expect([dsn.hostname, dsn.pathname, dsn.search]).toEqual(['localhost', '/chirpstack', '?sslmode=disable']);
    expect(c.postgresql).toMatchObject({ max_open_connections: 10, min_idle_connections: 0 });
  });

  it('api: every interface of the container on 8080 (nginx proxies to it), the generated secret', () => {
    expect(c.api).toEqual({ bind: '0.0.0.0:8080', secret: SECRETS.chirpstack_api_secret });
  });

  it("integration.mqtt: JSON events on the customer's broker as acme-chirpstack, ChirpStack's own topic templates", () => {
    expect(c.integration.enabled).toEqual(['mqtt']);
    expect(c.integration.mqtt).toEqual({
      server: 'tcp://localhost:1883/',
      json: true,
      username: 'acme-chirpstack',
      password: SECRETS.chirpstack_mqtt_password,
      event_topic: 'application/{{application_id}}/device/{{dev_eui}}/event/{{event}}',
      command_topic: 'application/{{application_id}}/device/{{dev_eui}}/command/{{command}}',
      client_id: 'acme-chirpstack-integration',
    });
  });

  it('has no dollar sign, which ChirpStack would take for an environment variable', () => {
    expect(text).not.toContain('$');
  });
});

describe('region_eu868.toml (configuration.html, region configuration; region_eu868.toml of the 4.9 package)', () => {
  const text = render('region.toml.j2');
  const r = parseToml(text) as Toml;
  const region = (r.regions as Toml[])[0] as Toml;

  it('is one region, eu868, whose gateways use the MQTT backend on the local broker as acme-chirpstack', () => {
    expect(r.regions).toHaveLength(1);
    expect([region.id, region.description, region.common_name]).toEqual(['eu868', 'EU868', 'EU868']);
    expect(region.gateway.backend.enabled).toBe('mqtt');
    expect(region.gateway.backend.mqtt).toEqual({
      topic_prefix: 'eu868',
      server: 'tcp://localhost:1883/',
      username: 'acme-chirpstack',
      password: SECRETS.chirpstack_mqtt_password,
      qos: 0,
      clean_session: false,
      client_id: 'acme-chirpstack-gw-eu868',
      keep_alive_interval: '30s',
    });
  });

  it('keeps the band settings of the packaged eu868 file', () => {
    expect(region.network).toMatchObject({ installation_margin: 10, rx_window: 0, rx1_delay: 1, rx1_dr_offset: 0, rx2_dr: 0, rx2_frequency: 869525000, downlink_tx_power: -1, adr_disabled: false, min_dr: 0, max_dr: 5 });
    expect(region.network.class_b).toEqual({ ping_slot_dr: 3, ping_slot_frequency: 0 });
    expect(region.network.rejoin_request).toEqual({ enabled: false, max_count_n: 0, max_time_n: 0 });
    expect((region.network.extra_channels as Toml[]).map((x) => x.frequency)).toEqual([867100000, 867300000, 867500000, 867700000, 867900000]);
    expect(region.gateway.channels).toHaveLength(10);
    expect(region.gateway.channels[9]).toEqual({ frequency: 868800000, bandwidth: 125000, modulation: 'FSK', datarate: 50000 });
  });

  it('ChirpStack reads all files of /etc/chirpstack as one TOML document: ours join in either order', () => {
    const main = render('chirpstack.toml.j2');
    for (const joined of [main + text, text + main]) {
      const all = parseToml(joined) as Toml;
      expect((all.regions as Toml[]).map((x) => x.id)).toEqual(['eu868']);
      expect(all.network.enabled_regions).toEqual(['eu868']);
    }
  });

  it('why the whole region file is rendered: a backend override elsewhere cannot merge into it', () => {
    expect(() => parseToml(`${text}\n[regions.gateway.backend.mqtt]\nusername="x"\n`)).toThrow();
    const twice = parseToml(`${text}\n[[regions]]\nid="eu868"\n`) as Toml;
    expect(twice.regions).toHaveLength(2);
  });

  it('a region without band settings does not render', () => {
    expect(() => render('region.toml.j2', { osm_chirpstack_region: 'us915_0' })).toThrow();
    expect(text).not.toContain('$');
  });
});

/** MQTT topic matching: `+` one level, `#` the rest; a `+` or `#` in the topic is taken literally. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** The broker ACL, rendered: per user, its `topic <access> <filter>` lines. */
function acl(): Map<string, { access: string; filter: string }[]> {
  const text = createTemplater().renderFile(join(REPO, 'playbooks/templates/mosquitto-osm.acl.j2'), vars());
  const users = new Map<string, { access: string; filter: string }[]>();
  let user = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    const u = /^user (\S+)$/.exec(line);
    if (u) users.set((user = u[1] ?? ''), []);
    const t = /^topic (read|write|readwrite) (\S+)$/.exec(line);
    if (t) users.get(user)?.push({ access: t[1] ?? '', filter: t[2] ?? '' });
  }
  return users;
}

function may(user: string, access: 'read' | 'write', topic: string): boolean {
  return (acl().get(user) ?? []).some((r) => (r.access === access || r.access === 'readwrite') && matches(r.filter, topic));
}

describe("the region's gateway topics and the broker ACL agree", () => {
  const prefix = ((parseToml(render('region.toml.j2')) as Toml).regions[0] as Toml).gateway.backend.mqtt.topic_prefix as string;
  // ChirpStack subscribes to <topic_prefix>/gateway/+/event/+ and publishes commands to
  // <topic_prefix>/gateway/<id>/command/<command> (chirpstack/src/gateway/backend/mqtt.rs).
  const gw = '0016c001ff10d950';

  it('ChirpStack may subscribe to the gateway events and send commands', () => {
    expect(may('acme-chirpstack', 'read', `${prefix}/gateway/+/event/+`)).toBe(true);
    expect(may('acme-chirpstack', 'read', `${prefix}/gateway/${gw}/event/up`)).toBe(true);
    expect(may('acme-chirpstack', 'write', `${prefix}/gateway/${gw}/command/down`)).toBe(true);
    expect(may('acme-chirpstack', 'read', `us915_0/gateway/${gw}/event/up`)).toBe(false);
  });

  it('the gateways may send events and state under the prefix, and read their commands, nothing else', () => {
    expect(may('acme-gateway', 'write', `${prefix}/gateway/${gw}/event/up`)).toBe(true);
    expect(may('acme-gateway', 'write', `${prefix}/gateway/${gw}/state/conn`)).toBe(true);
    expect(may('acme-gateway', 'read', `${prefix}/gateway/${gw}/command/down`)).toBe(true);
    expect(may('acme-gateway', 'write', `${prefix}/gateway/${gw}/command/down`)).toBe(false);
    expect(may('acme-gateway', 'read', `application/x/device/${gw}/event/up`)).toBe(false);
  });

  it('ChirpStack may publish integration events and the customer may read them', () => {
    const mqtt = (parseToml(render('chirpstack.toml.j2')) as Toml).integration.mqtt;
    const topic = String(mqtt.event_topic).replace('{{application_id}}', 'a1').replace('{{dev_eui}}', gw).replace('{{event}}', 'up');
    expect(may('acme-chirpstack', 'write', topic)).toBe(true);
    expect(may('acme', 'read', topic)).toBe(true);
  });
});

describe('osm_customer_chirpstack tasks', () => {
  const tasks = parseYaml(readFileSync(join(ROLE, 'tasks/main.yaml'), 'utf8')) as Record<string, unknown>[];
  const using = (module: string) => tasks.filter((t) => module in t);

  it('load and pass the modules argument checks (--syntax-check)', async () => {
    const site = join(work, 'site.yml');
    writeFileSync(site, '- hosts: all\n  tasks:\n    - import_role:\n        name: osm_customer_chirpstack\n');
    const pb = await loadPlaybook(site, { rolesPath: [join(REPO, 'playbooks/roles')] });
    const registry = new ModuleRegistry([stat, assertModule, template, serviceSettings, service, waitFor, chirpstackAdminPassword, chirpstackInfluxdbIntegration]);
    expect(validatePlaybook(pb, registry).map((d) => formatDiagnostic(d))).toEqual([]);
    expect(JSON.stringify(pb.plays[0]?.tasks)).toContain('chirpstack_influxdb_integration');
  });

  it('refuse a region without band settings (a base without ChirpStack is refused by provision-container.yaml)', () => {
    expect(using('stat')).toEqual([]);
    expect(using('assert').map((t) => (t['assert'] as Record<string, unknown>)['that'])).toEqual(['osm_chirpstack_region in osm_chirpstack_bands']);
  });

  it('write both files readable by the chirpstack group only, and restart ChirpStack when they differ', () => {
    expect(using('template').map((t) => t['template'])).toEqual([
      { src: 'chirpstack.toml.j2', dest: '/etc/chirpstack/chirpstack.toml', owner: 'root', group: 'chirpstack', mode: '0640' },
      { src: 'region.toml.j2', dest: '/etc/chirpstack/region_{{ osm_chirpstack_region }}.toml', owner: 'root', group: 'chirpstack', mode: '0640' },
    ]);
    expect(using('service_settings')[0]?.['service_settings']).toEqual({ name: 'chirpstack', files: ['/etc/chirpstack/chirpstack.toml', '/etc/chirpstack/region_{{ osm_chirpstack_region }}.toml'] });
    expect(using('wait_for')[0]?.['wait_for']).toMatchObject({ host: '127.0.0.1', port: 8080 });
  });

  it('set the admin password and the InfluxDB integration from the secrets the lead provides', () => {
    expect(using('chirpstack_admin_password')[0]?.['chirpstack_admin_password']).toEqual({ url: 'http://127.0.0.1:8080', password: '{{ mqtt_secret.values.chirpstack_admin_password }}' });
    expect(using('chirpstack_influxdb_integration')[0]).toMatchObject({
      register: 'chirpstack_influxdb',
      chirpstack_influxdb_integration: {
        password: '{{ mqtt_secret.values.chirpstack_admin_password }}',
        organization: '{{ customer_name }}',
        bucket: "{{ osm_influxdb_bucket | default('osm') }}",
        token: '{{ osm_influxdb_write_token }}',
      },
    });
  });
});
