// The veth hook setup-host installs (templates/osm-veth-limit.sh.j2), run as LXC runs it, with a
// stand-in tc on PATH that records its arguments (and an ip that calls veth* veths, the rest bridges): the customer's rate from its record becomes the
// same tbf that container_limits sets live, and nothing ever stops the container from starting.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tbfArgv } from '../../../modules/lib/osm/limits.js';
import { createTemplater } from '../../../runner/template/index.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'osm-veth-hook-'));
const root = join(tmp, 'lxc');
const bin = join(tmp, 'bin');
const calls = join(tmp, 'tc-calls');
const script = join(tmp, 'osm-veth-limit');

mkdirSync(join(root, 'logs'), { recursive: true });
mkdirSync(bin);
writeFileSync(join(bin, 'tc'), `#!/bin/sh\necho "tc $*" >> ${calls}\n[ "$2" != replace ] || [ "$4" != vethFAIL ] || { echo 'Cannot find device' >&2; exit 1; }\n`);
chmodSync(join(bin, 'tc'), 0o755);
writeFileSync(join(bin, 'ip'), `#!/bin/sh\ncase $6 in veth*) echo "82: $6@if2: <UP> mtu 1500\\\\    veth addrgenmode eui64" ;; *) echo "8: $6: <UP> mtu 1500\\\\    bridge forward_delay 0" ;; esac\n`);
chmodSync(join(bin, 'ip'), 0o755);
writeFileSync(script, createTemplater().renderFile(join(REPO, 'playbooks/templates/osm-veth-limit.sh.j2'), { osm_lxc_root: root }));
chmodSync(script, 0o755);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function record(customer: string, json: string): void {
  mkdirSync(join(root, 'containers', `${customer}-svr`), { recursive: true });
  writeFileSync(join(root, 'containers', `${customer}-svr`, 'osm-customer.json'), json);
}

/** Runs the hook as LXC 5 does for a veth (bridge, then the host veth); returns its exit code and the tc commands it ran. */
function hook(container: string, veth: string, argv = [container, 'net', 'up', 'veth', 'lxcbr0', veth]): { code: number | null; tc: string[] } {
  rmSync(calls, { force: true });
  const r = spawnSync(script, argv, { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  const tc = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
  return { code: r.status, tc };
}

describe('the veth hook', () => {
  it("puts the customer's rate on the new veth, as container_limits would", () => {
    record('acme', '{"customer":"acme","mqtt_port":8883,"os_base":"b1","memory_limit":"","bandwidth_limit":"10mbit"}\n');
    expect(hook('acme-svr', 'vethAB12')).toEqual({ code: 0, tc: [tbfArgv('vethAB12', 10_000_000).join(' ')] });
    expect(readFileSync(join(root, 'logs/acme-svr.log'), 'utf8')).toContain('osm-veth-limit: acme-svr: 10mbit on vethAB12');
  });

  it.each([
    ['1gbit', 1_000_000_000],
    ['500kbit', 500_000],
    ['64000bit', 64_000],
  ])('reads %s', (rate, bps) => {
    record('rates', `{"customer":"rates","bandwidth_limit": "${rate}"}`);
    expect(hook('rates-svr', 'vethR').tc).toEqual([tbfArgv('vethR', bps).join(' ')]);
  });

  it.each([
    ['no limit', '{"customer":"free","bandwidth_limit":""}'],
    ['none', '{"customer":"free","bandwidth_limit":"none"}'],
    ['a record from before limits', '{"customer":"free","mqtt_port":8883}'],
  ])('leaves the veth alone for %s', (_t, json) => {
    record('free', json);
    expect(hook('free-svr', 'vethF')).toEqual({ code: 0, tc: [] });
  });

  it('takes the veth from the last argument (older LXCs pass no bridge), and never limits a bridge', () => {
    record('acme', '{"customer":"acme","bandwidth_limit":"10mbit"}');
    expect(hook('acme-svr', 'vethOld', ['acme-svr', 'net', 'up', 'veth', 'vethOld']).tc).toEqual([tbfArgv('vethOld', 10_000_000).join(' ')]);
    expect(hook('acme-svr', 'lxcbr0', ['acme-svr', 'net', 'up', 'veth', 'lxcbr0'])).toEqual({ code: 0, tc: [] });
    expect(readFileSync(join(root, 'logs/acme-svr.log'), 'utf8')).toContain("'lxcbr0' is not a veth; nothing limited");
  });

  it('leaves a container without a record alone', () => {
    expect(hook('stranger-svr', 'vethS')).toEqual({ code: 0, tc: [] });
  });

  it('never stops the start: a bad rate or a failing tc is logged, and the hook exits 0', () => {
    record('odd', '{"customer":"odd","bandwidth_limit":"10xmbit"}');
    expect(hook('odd-svr', 'vethO')).toEqual({ code: 0, tc: [] });
    expect(readFileSync(join(root, 'logs/odd-svr.log'), 'utf8')).toContain("bandwidth_limit '10xmbit' is not a rate");
    record('fail', '{"customer":"fail","bandwidth_limit":"10mbit"}');
    expect(hook('fail-svr', 'vethFAIL').code).toBe(0);
    expect(readFileSync(join(root, 'logs/fail-svr.log'), 'utf8')).toContain('FAILED to limit vethFAIL to 10mbit: Cannot find device');
  });
});
