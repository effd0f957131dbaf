// Issue 6: `--check --diff` of create-container for a new customer on a set-up host shows every
// change it would make, with file diffs, and changes nothing on the host.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { treeDigest } from '../../integration/cli/run-cli.js';
import { ensureLab, labPaths } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, DOMAIN, play } from './helpers.js';
import { hostTraces, traceOwner, tracesDiffIgnoringNewcomers } from './host-traces.js';

const customer = 'chkdiff';
const port = 18885;

const LE = '/var/lib/osm-lab/letsencrypt';

/**
 * What a real run would change: the host traces (lines, rules, files by customer), the customer's
 * own paths, and the shared files that are not per customer. Other lab tests may add customers at
 * the same time on a shared machine, so traces of newcomers are left out (see host-traces.ts).
 */
async function hostState(): Promise<{ traces: string[]; files: Record<string, string> }> {
  const file = (p: string): string => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'absent');
  const tree = (p: string): string => (existsSync(p) ? treeDigest(p) : 'absent');
  return {
    traces: await hostTraces(),
    files: {
      nginxConf: file(labPaths.nginxConf),
      container: tree(join(labPaths.containers, `${customer}-svr`)),
      httpConf: file(join(labPaths.nginxHttpDir, `${customer}.conf`)),
      streamConf: file(join(labPaths.nginxStreamDir, `${customer}.conf`)),
      credentials: file(join(CREDENTIALS_DIR, `${customer}.txt`)),
      certLive: tree(join(LE, 'live', `${customer}.${DOMAIN}`)),
      certRenewal: file(join(LE, 'renewal', `${customer}.${DOMAIN}.conf`)),
      acmeAccounts: tree(join(LE, 'accounts')),
    },
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
    const after = await hostState();
    expect(after.files).toEqual(before.files);
    expect(tracesDiffIgnoringNewcomers(before.traces, after.traces, [customer])).toEqual([]);
    expect(after.traces.filter((t) => traceOwner(t) === customer)).toEqual([]);
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
