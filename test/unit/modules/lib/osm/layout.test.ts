// The OSM layout: the one place container names, paths, nginx files and the customer's names are spelled.
import { describe, expect, it } from 'vitest';
import { containerOf, customerLayout, customerOfContainer, customerOfNginxFile, finalCopyName, isFinalCopyOf } from '../../../../../modules/lib/osm/layout.js';

describe('customerLayout', () => {
  it('spells every path, nginx file and name of a customer as the playbooks used to', () => {
    expect(customerLayout('acme', { lxcRoot: '/srv/osm-lxc/lxc', nginxDir: '/etc/nginx', domain: 'osm.example.org' })).toEqual({
      container: 'acme-svr',
      dir: '/srv/osm-lxc/lxc/containers/acme-svr',
      config: '/srv/osm-lxc/lxc/containers/acme-svr/lxc.container.conf',
      record: '/srv/osm-lxc/lxc/containers/acme-svr/osm-customer.json',
      layer: '/srv/osm-lxc/lxc/containers/acme-svr/rootfs-layer',
      snapshots: '/srv/osm-lxc/lxc/containers/acme-svr/.snapshots',
      restored_from_file: '/srv/osm-lxc/lxc/containers/acme-svr/osm-restored-from',
      moving: '/srv/osm-lxc/lxc/moving/acme-svr',
      log: '/srv/osm-lxc/lxc/logs/acme-svr.log',
      nginx_stream: '/etc/nginx/devtank/customers.stream.d/acme.conf',
      nginx_http: '/etc/nginx/devtank/customers.http.d/acme.conf',
      domain: 'osm.example.org',
      names: ['acme.osm.example.org', 'acme-influx.osm.example.org', 'acme-chirpstack.osm.example.org', 'acme-mqtt.osm.example.org'],
      mqtt_name: 'acme-mqtt.osm.example.org',
    });
  });

  it('has no names without a domain (paths only)', () => {
    for (const domain of [undefined, null, '']) {
      const l = customerLayout('acme', { lxcRoot: '/x', nginxDir: '/n', domain });
      expect(l).toMatchObject({ domain: null, names: null, mqtt_name: null, container: 'acme-svr', log: '/x/logs/acme-svr.log' });
    }
  });
});

describe('container names', () => {
  it('round-trips customer and container', () => {
    expect(containerOf('acme-2')).toBe('acme-2-svr');
    expect(customerOfContainer(containerOf('acme-2'))).toBe('acme-2');
  });

  it.each([
    ['acme-svr', 'acme'],
    ['a-svr-svr', 'a-svr'],
    ['lost+found', null],
    ['acme', null],
  ])('%s is of customer %s', (container, customer) => {
    expect(customerOfContainer(container)).toBe(customer);
  });

  it.each([
    ['/etc/nginx/devtank/customers.stream.d/acme.conf', 'acme'],
    ['acme.conf', 'acme'],
    ['/etc/nginx/devtank/customers.http.d/README', null],
  ])('nginx file %s is of customer %s', (file, customer) => {
    expect(customerOfNginxFile(file)).toBe(customer);
  });
});

describe('final copies', () => {
  const uuid = '0b4f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
  it('names one per incarnation: <container>-<subvolume uuid>, none when unknown', () => {
    expect(finalCopyName('acme', uuid)).toBe(`acme-svr-${uuid}`);
    expect(finalCopyName('acme', null)).toBe('acme-svr-none');
    expect(finalCopyName('acme', '')).toBe('acme-svr-none');
  });

  it.each([
    [`acme-svr-${uuid}`, 'acme', true],
    ['acme-svr-none', 'acme', true],
    [`acme-svr-more-svr-${uuid}`, 'acme', false],
    [`acme-svr-more-svr-${uuid}`, 'acme-svr-more', true],
    [`acme-2-svr-${uuid}`, 'acme', false],
    ['acme-svr-', 'acme', false],
    ['acme-svr-NONE', 'acme', false],
  ])('%s is a final copy of %s: %s', (name, customer, yes) => {
    expect(isFinalCopyOf(name, customer)).toBe(yes);
  });
});
