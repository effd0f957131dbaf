// os_base_switch on a local temp dir: the container config and the customer record it rewrites
// (mode, owner kept, no temp file left), and a second run changes nothing.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import osBaseSwitch from '../../../modules/os_base_switch.js';
import { localLab } from './harness.js';

const lab = localLab();
afterAll(() => lab.cleanup());

describe('os_base_switch (local files)', () => {
  it('points the lower dir at the new base and records it; again is ok', async () => {
    const bases = join(lab.dir, 'bases');
    const ct = join(lab.dir, 'ct');
    for (const d of [join(bases, 'old'), join(bases, 'new'), join(ct, 'layer')]) mkdirSync(d, { recursive: true });
    const config = join(ct, 'lxc.container.conf');
    const record = join(ct, 'osm-customer.json');
    writeFileSync(config, `lxc.uts.name = ct\nlxc.rootfs.path = overlayfs:${bases}/old:${ct}/layer\n`);
    chmodSync(config, 0o640);
    writeFileSync(record, '{"customer":"acme","os_base":"old"}\n');
    const args = { config, bases_dir: bases, base: 'new', record };
    const r = await lab.run(osBaseSwitch, args);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(readFileSync(config, 'utf8')).toBe(`lxc.uts.name = ct\nlxc.rootfs.path = overlayfs:${bases}/new:${ct}/layer\n`);
    expect(statSync(config).mode & 0o777).toBe(0o644);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({ customer: 'acme', os_base: 'new' });
    expect(readdirSync(ct).sort()).toEqual(['layer', 'lxc.container.conf', 'osm-customer.json']);
    expect((await lab.run(osBaseSwitch, args)).status).toBe('ok');
  });
});
