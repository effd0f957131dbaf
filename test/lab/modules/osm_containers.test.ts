import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDiscovered, discoverContainers } from '../../../modules/inventory/osm_containers.js';
import { createConnection } from '../../../runner/connection/index.js';
import type { Connection } from '../../../runner/connection/types.js';
import { hostVars, loadInventory, matchHosts } from '../../../runner/load/inventory.js';
import { ensureLab, labPaths } from '../../helpers/lab.js';

// A container directory with a config is all the source looks for; nothing needs to run.
const dir = `${labPaths.containers}/t5a-inv`;

describe('osm_containers inventory source (lab, over the lab host\'s sshd)', () => {
  const opened: Connection[] = [];
  beforeAll(async () => {
    await ensureLab();
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/lxc.container.conf`, 'lxc.uts.name = t5a-inv\n');
    mkdirSync(`${labPaths.containers}/t5a-inv-noconf`, { recursive: true });
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${labPaths.containers}/t5a-inv-noconf`, { recursive: true, force: true });
  });

  it('lists the lab host\'s containers as lxc hosts reached through it', async () => {
    const inv = loadInventory([labPaths.inventory]);
    const found = await discoverContainers(inv, {
      connect: async (h) => {
        const c = await createConnection(h, hostVars(inv, h));
        opened.push(c);
        return c;
      },
    });
    expect(found.hosts?.['t5a-inv']).toMatchObject({
      ansible_connection: 'lxc',
      ansible_lxc_host: 'lab',
      ansible_lxc_name: 't5a-inv',
      osm_container_config: `${dir}/lxc.container.conf`,
      ansible_lxc_host_vars: { ansible_host: '127.0.0.1', ansible_port: 2222, ansible_user: 'osmlab' },
    });
    expect(found.hosts?.['t5a-inv-noconf']).toBeUndefined();
    addDiscovered(inv, found);
    expect(matchHosts(inv, 'osm_containers')).toContain('t5a-inv');
    expect(matchHosts(inv, 'osm_hosts')).toEqual(['lab', 'lab2']);
  });
});
