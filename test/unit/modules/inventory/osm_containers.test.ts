import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDiscovered, containersFromListing, discoverContainers, lxcRootOf } from '../../../../modules/inventory/osm_containers.js';
import { registerBuiltins } from '../../../../modules/builtins.js';
import { LocalConnection } from '../../../../runner/connection/local.js';
import { hostVars, loadInventory, matchHosts } from '../../../../runner/load/inventory.js';

// Registration is explicit: the source exists once the built-ins are registered, as the CLI does.
registerBuiltins();

describe('containersFromListing', () => {
  it('turns config paths into lxc hosts of their OSM host, skipping strays and bad names', () => {
    const r = containersFromListing('osm1', '/srv/osm-lxc/lxc', [
      '/srv/osm-lxc/lxc/containers/acme-svr/lxc.container.conf',
      '/srv/osm-lxc/lxc/containers/-bad/lxc.container.conf',
      '/srv/osm-lxc/lxc/containers/a/b/lxc.container.conf',
      '/elsewhere/containers/x/lxc.container.conf',
      '',
    ]);
    expect(r).toEqual({
      hosts: {
        'acme-svr': {
          ansible_connection: 'lxc',
          ansible_lxc_host: 'osm1',
          ansible_lxc_name: 'acme-svr',
          osm_container_config: '/srv/osm-lxc/lxc/containers/acme-svr/lxc.container.conf',
          osm_container_dir: '/srv/osm-lxc/lxc/containers/acme-svr',
        },
      },
      groups: { osm_containers: { hosts: ['acme-svr'] } },
    });
  });
  it.each([
    [{}, '/srv/osm-lxc/lxc'],
    [{ osm_lxc_root: '/data/lxc' }, '/data/lxc'],
    [{ osm_lxc_root: "{{ x | default('/a') }}" }, '/srv/osm-lxc/lxc'],
  ])('lxc root of %j', (vars, root) => {
    expect(lxcRootOf(vars)).toBe(root);
  });
});

describe('osm_containers source', () => {
  const dir = mkdtempSync('/tmp/t5a-inv-');
  const root = join(dir, 'lxc');
  for (const n of ['acme-svr', 'beta-svr']) {
    mkdirSync(join(root, 'containers', n), { recursive: true });
    writeFileSync(join(root, 'containers', n, 'lxc.container.conf'), 'lxc.uts.name = x\n');
  }
  mkdirSync(join(root, 'containers', 'no-conf'));
  const hostsFile = join(dir, 'hosts.ini');
  writeFileSync(hostsFile, `[osm_hosts]\nlocalhost ansible_connection=local osm_lxc_root=${root}\n`);
  const pluginFile = join(dir, 'containers.yml');
  writeFileSync(pluginFile, 'plugin: osm_containers\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists local OSM hosts\' containers while the inventory loads', () => {
    const inv = loadInventory([hostsFile, pluginFile]);
    expect(matchHosts(inv, 'osm_containers').sort()).toEqual(['acme-svr', 'beta-svr']);
    expect(hostVars(inv, 'acme-svr')).toMatchObject({
      ansible_connection: 'lxc',
      ansible_lxc_host: 'localhost',
      ansible_lxc_name: 'acme-svr',
      ansible_lxc_host_vars: { ansible_connection: 'local' },
    });
  });

  it('discoverContainers reads every OSM host through its connection', async () => {
    const inv = loadInventory([hostsFile]);
    const found = await discoverContainers(inv, { connect: async (h) => new LocalConnection(h) });
    expect(Object.keys(found.hosts ?? {}).sort()).toEqual(['acme-svr', 'beta-svr']);
    addDiscovered(inv, found);
    expect(matchHosts(inv, 'osm_containers:&all').sort()).toEqual(['acme-svr', 'beta-svr']);
    expect(hostVars(inv, 'beta-svr').ansible_lxc_host).toBe('localhost');
  });

  it('records the OSM host\'s connection vars (never its passwords) for the lxc connection', () => {
    const r = containersFromListing('osm1', '/r', ['/r/containers/c1/lxc.container.conf'], 'osm_containers', {
      ansible_host: '192.0.2.4',
      ansible_port: 2222,
      ansible_user: 'ops',
      ansible_ssh_private_key_file: '/k',
      ansible_password: 'secret',
      ansible_ssh_pass: 'secret',
      ansible_become_password: 'secret',
      osm_lxc_root: '/r',
    });
    expect(r.hosts?.c1?.ansible_lxc_host_vars).toEqual({ ansible_host: '192.0.2.4', ansible_port: 2222, ansible_user: 'ops', ansible_ssh_private_key_file: '/k' });
  });
});
