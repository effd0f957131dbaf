// Issue 6: `--check --diff` of create-container for a new customer on a set-up host shows every
// change it would make, with file diffs, and changes nothing on the host.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { treeDigest } from '../../integration/cli/run-cli.js';
import { ensureLab, labPaths } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, DOMAIN, play } from './helpers.js';
import { hostTraces } from './host-traces.js';

const customer = 'chkdiff';
const port = 18885;

/** Digests of the files create-container would write, besides the listing of host traces. */
async function hostState(): Promise<Record<string, unknown>> {
  const file = (p: string): string => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'absent');
  return {
    traces: await hostTraces(),
    nginx: treeDigest(join(labPaths.nginxPrefix, 'devtank')),
    nginxConf: file(labPaths.nginxConf),
    letsencrypt: treeDigest('/var/lib/osm-lab/letsencrypt'),
    credentials: existsSync(CREDENTIALS_DIR) ? treeDigest(CREDENTIALS_DIR) : 'absent',
    hosts: file('/etc/hosts'),
    dnsmasq: file(labPaths.dnsmasqConf),
    container: existsSync(join(labPaths.containers, `${customer}-svr`)),
  };
}

describe('create-container --check --diff (issue 6)', () => {
  beforeAll(async () => {
    await ensureLab();
    const setup = await play('setup-host');
    if (setup.code !== 0) throw new Error(`setup-host failed:\n${setup.output}`);
  }, 10 * 60_000);

  it('shows each change with its file diff, reports them as changes, and leaves the host as it was', { timeout: 10 * 60_000 }, async () => {
    const before = await hostState();
    const run = await play('create-container', { customer_name: customer, mqtt_port: String(port) }, ['--check', '--diff']);
    expect(await hostState()).toEqual(before);
    expect(run.code, run.output).toBe(0);
    const out = run.stdout;
    expect(out).toContain('check mode: nothing was changed');
    // Every host-side step is shown: the plan, and a diff where a file or line changes.
    expect(out).toContain(`would create subvolume ${labPaths.containers}/${customer}-svr`);
    expect(out).toContain(`+lxc.uts.name = ${customer}-svr`);
    expect(out).toMatch(new RegExp(`\\+dhcp-host=00:16:3e(:[0-9a-f]{2}){3},10\\.0\\.3\\.\\d+,${customer}-svr`));
    expect(out).toMatch(new RegExp(`\\+10\\.0\\.3\\.\\d+\\s+${customer}-svr`));
    expect(out).toContain(`would create snapper config ${customer}-svr`);
    expect(out).toContain(`would start container ${customer}-svr`);
    expect(out).toContain(`would issue certificate ${customer}.${DOMAIN}`);
    expect(out).toContain(`+    server_name ${customer}-influx.${DOMAIN};`);
    expect(out).toMatch(new RegExp(`\\+    listen (127\\.0\\.0\\.1:)?${port} ssl;`));
    expect(out).toContain(`+ufw allow ${port}/tcp`);
    expect(out).toContain('+password=********');
    expect(out).toContain(`the broker of ${customer}-svr is provisioned once the container exists`);
    expect(run.stats['lab']?.changed, run.output).toBeGreaterThanOrEqual(12);
  });
});
