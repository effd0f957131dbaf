import { describe, expect, it } from 'vitest';
import { customerPorts, portHolder, summarizeOsmHost, type OsmHostRaw } from '../../../modules/lib/osm/host.js';
import osmFacts, { type MoveTraces } from '../../../modules/osm_facts.js';

const empty: OsmHostRaw = {
  osBases: [],
  containerDirs: [],
  markers: {},
  configs: {},
  deleted: [],
  streamFiles: {},
  httpFiles: [],
  dnsmasqConf: '',
  hostsFile: '127.0.0.1 localhost\n',
  ss: '',
  snapperConfigs: [],
};

const acme: OsmHostRaw = {
  ...empty,
  osBases: ['20261127-small', '20250101-debian'],
  containerDirs: ['acme-svr', 'lost+found'],
  markers: { 'acme-svr': '{"customer":"acme","mqtt_port":8883,"os_base":"20250101-debian","memory_limit":"512M","bandwidth_limit":"10mbit"}' },
  configs: { 'acme-svr': true },
  streamFiles: { '/etc/nginx/devtank/customers.stream.d/acme.conf': 'server {\n  listen 8883 ssl;\n  proxy_pass 10.0.3.2:1883;\n}\n' },
  httpFiles: ['acme.conf'],
  dnsmasqConf: 'dhcp-host=00:16:3e:aa:bb:cc,10.0.3.2,acme-svr\ndhcp-host=00:16:3e:00:00:01,10.0.3.3,globex-svr\n',
  hostsFile: '127.0.0.1 localhost\n10.0.3.2 acme-svr\n',
  ss: 'LISTEN 0 511 0.0.0.0:8883 0.0.0.0:* users:(("nginx",pid=10,fd=6))\nLISTEN 0 128 127.0.0.1:2222 0.0.0.0:* users:(("sshd",pid=20,fd=3))\n',
  snapperConfigs: ['acme-svr'],
};

describe('summarizeOsmHost', () => {
  it('finds nothing on an empty host', () => {
    const f = summarizeOsmHost(empty);
    expect(f.customers).toEqual({});
    expect(f.newest_os_base).toBeNull();
  });

  it('sorts OS bases by name and picks the last as newest', () => {
    expect(summarizeOsmHost(acme).newest_os_base).toBe('20261127-small');
  });

  it('collects every trace of a customer with its port, address and MAC', () => {
    const c = summarizeOsmHost(acme).customers.acme;
    expect(c?.traces.sort()).toEqual(['container', 'dnsmasq', 'hosts', 'nginx-http', 'nginx-stream', 'snapper']);
    expect(c).toMatchObject({ container: 'acme-svr', mqtt_port: 8883, ip: '10.0.3.2', mac: '00:16:3e:aa:bb:cc', configured: true, os_base: '20250101-debian', memory_limit: '512M', bandwidth_limit: '10mbit' });
  });

  it("reads the domain a customer was created with; null for a record without one (the host's osm_domain)", () => {
    const marker = (rec: object) => summarizeOsmHost({ ...acme, markers: { 'acme-svr': JSON.stringify(rec) } }).customers.acme?.domain;
    expect(marker({ customer: 'acme', mqtt_port: 8883, os_base: 'b', domain: 'acme.example.com' })).toBe('acme.example.com');
    expect(marker({ customer: 'acme', mqtt_port: 8883, os_base: 'b' })).toBeNull();
    expect(marker({ customer: 'acme', mqtt_port: 8883, os_base: 'b', domain: 7 })).toBeNull();
  });

  it('knows a customer that only left a dnsmasq line (a half-deleted one)', () => {
    expect(summarizeOsmHost(acme).customers.globex?.traces).toEqual(['dnsmasq']);
  });

  it('says null for what a half-made customer does not show yet (a create killed before its marker)', () => {
    // Playbooks test `osm.customer.mqtt_port is none`: a missing key would be an undefined variable.
    const c = summarizeOsmHost({ ...empty, containerDirs: ['initech-svr'], markers: { 'initech-svr': null }, configs: { 'initech-svr': false } }).customers.initech;
    expect(c).toEqual({ customer: 'initech', container: 'initech-svr', traces: ['container'], mqtt_port: null, os_base: null, domain: null, memory_limit: null, bandwidth_limit: null, ip: null, mac: null, configured: false });
  });

  it('ignores directories that are not customer containers', () => {
    expect(Object.keys(summarizeOsmHost(acme).customers).sort()).toEqual(['acme', 'globex']);
  });
});

describe('portHolder', () => {
  const facts = summarizeOsmHost(acme);
  it.each([
    [8883, 'acme', null],
    [8883, 'globex', 'customer acme (/etc/nginx/devtank/customers.stream.d/acme.conf:2)'],
    [2222, 'globex', 'sshd/20 on 127.0.0.1:2222'],
    [9999, 'globex', null],
  ])('port %i for %s → %s', (port, customer, holder) => {
    expect(portHolder(facts, acme.ss, port, customer)).toBe(holder);
  });
});

describe('customerPorts', () => {
  it('maps each known port to its customer, leaving out customers without one', () => {
    const facts = summarizeOsmHost({ ...acme, containerDirs: ['acme-svr', 'initech-svr'], markers: { ...acme.markers, 'initech-svr': null } });
    expect(customerPorts(facts)).toEqual({ '8883': 'acme' });
    expect(customerPorts(summarizeOsmHost(empty))).toEqual({});
  });
});

describe('osm_facts result: the layout', () => {
  const paths = { lxc_root: '/srv/osm-lxc/lxc', nginx_dir: '/etc/nginx', dnsmasq_conf: '/etc/lxc/dnsmasq.conf', hosts_file: '/etc/hosts', resources: false };
  const uuid = '0b4f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
  const withDomain: OsmHostRaw = {
    ...acme,
    markers: { 'acme-svr': '{"customer":"acme","mqtt_port":8883,"os_base":"b","domain":"acme.example.com"}' },
    deleted: [`acme-svr-${uuid}`, 'acme-svr-none', `acme-svr-more-svr-${uuid}`, `globex-svr-${uuid}`],
  };
  const result = (raw: OsmHostRaw, a: { customer?: string; domain?: string } = {}, state: { uuid?: string | null; restoredFrom?: string | null; move?: MoveTraces } = {}) =>
    osmFacts.result!({ ...paths, ...a }, { raw, facts: summarizeOsmHost(raw), uuid: state.uuid ?? null, restoredFrom: state.restoredFrom ?? null, resources: null, move: state.move ?? null }, []) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it("reports a move's traces of the customer: its staging and the host it was handed to", () => {
    const r = result(withDomain, { customer: 'acme' }, { move: { staged: true, handed_to: 'lab2' } });
    expect(r.move).toEqual({ staged: true, handed_to: 'lab2' });
    expect(r.layout.moving).toBe('/srv/osm-lxc/lxc/moving/acme-svr');
    expect(result(withDomain).move).toBeUndefined();
  });

  it("gives each customer its layout, its names under its recorded domain, else the domain argument", () => {
    const r = result(withDomain, { domain: 'osm.example.org' });
    expect(r.customers.acme.layout).toMatchObject({
      container: 'acme-svr',
      dir: '/srv/osm-lxc/lxc/containers/acme-svr',
      config: '/srv/osm-lxc/lxc/containers/acme-svr/lxc.container.conf',
      log: '/srv/osm-lxc/lxc/logs/acme-svr.log',
      nginx_stream: '/etc/nginx/devtank/customers.stream.d/acme.conf',
      names: ['acme.acme.example.com', 'acme-influx.acme.example.com', 'acme-chirpstack.acme.example.com', 'acme-mqtt.acme.example.com'],
      mqtt_name: 'acme-mqtt.acme.example.com',
    });
    expect(r.customers.globex.layout).toMatchObject({ container: 'globex-svr', domain: 'osm.example.org', mqtt_name: 'globex-mqtt.osm.example.org' });
    // The summary's other keys are as they were.
    expect(r.customers.acme).toMatchObject({ customer: 'acme', container: 'acme-svr', mqtt_port: 8883, domain: 'acme.example.com' });
    expect(r.customer_names).toEqual(['acme', 'globex']);
  });

  it('has paths but no names without a recorded domain or a domain argument', () => {
    expect(result(acme).customers.acme.layout).toMatchObject({ container: 'acme-svr', domain: null, names: null, mqtt_name: null });
  });

  it("with customer: the customer's layout under its recorded domain over the domain argument, its final copy and earlier ones", () => {
    const r = result(withDomain, { customer: 'acme', domain: 'osm.example.org' }, { uuid });
    expect(r.customer_exists).toBe(true);
    expect(r.layout).toEqual(r.customers.acme.layout);
    expect(r.layout.mqtt_name).toBe('acme-mqtt.acme.example.com');
    expect(r.customer).toMatchObject({ subvolume_uuid: uuid, final_copy: `/srv/osm-lxc/lxc/deleted/acme-svr-${uuid}` });
    expect(r.final_copies).toEqual([`acme-svr-${uuid}`, 'acme-svr-none']);
    expect(result(withDomain, { customer: 'acme' }).customer.final_copy).toBe('/srv/osm-lxc/lxc/deleted/acme-svr-none');
  });

  it('with customer: a layout for a customer that does not exist yet, under the domain argument', () => {
    const r = result(withDomain, { customer: 'initech', domain: 'osm.example.org' });
    expect(r.customer_exists).toBe(false);
    expect(r.customer).toBeNull();
    expect(r.final_copies).toEqual([]);
    expect(r.layout).toMatchObject({
      container: 'initech-svr',
      record: '/srv/osm-lxc/lxc/containers/initech-svr/osm-customer.json',
      nginx_http: '/etc/nginx/devtank/customers.http.d/initech.conf',
      names: ['initech.osm.example.org', 'initech-influx.osm.example.org', 'initech-chirpstack.osm.example.org', 'initech-mqtt.osm.example.org'],
    });
  });

  it('without customer: no layout, customer or final_copies keys', () => {
    const r = result(withDomain, { domain: 'osm.example.org' });
    expect(r).not.toHaveProperty('layout');
    expect(r).not.toHaveProperty('customer');
    expect(r).not.toHaveProperty('final_copies');
  });
});
