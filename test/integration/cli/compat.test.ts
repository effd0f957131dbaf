// Compatibility: a playbook written for ansible-playbook, in our subset, run through both tools into
// two temp trees; the files (paths, modes, contents) must be the same. Debian's ansible-core is needed:
// without it the test says so loudly and skips, except under CI=true where a missing ansible fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, treeListing } from './run-cli.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;
const inCI = process.env['CI'] === 'true';
if (!hasAnsible) {
  const msg = '*** ansible-playbook is NOT installed: the compatibility test against ansible-playbook cannot run ***';
  if (inCI) throw new Error(`${msg} (CI=true: this is a failure; apt-get install ansible-core)`);
  console.warn(msg);
}

const work = mkdtempSync(join(tmpdir(), 'osm-cli-compat-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const site = join(FIXTURES, 'compat/site.yml');

describe.skipIf(!hasAnsible && !inCI)('compatibility with ansible-playbook', () => {
  it('both tools produce the same files, and both converge', async () => {
    const viaAnsible = join(work, 'ansible');
    const viaOsm = join(work, 'osm');
    mkdirSync(viaAnsible);
    mkdirSync(viaOsm);
    const ansible = spawnSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', site, '-e', `root=${viaAnsible}`], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCAL_TEMP: join(work, '.ansible-tmp') },
    });
    expect(ansible.status, ansible.stdout + ansible.stderr).toBe(0);
    const osm = await runCli([site, '-e', `root=${viaOsm}`]);
    expect(osm.code, osm.stdout + osm.stderr).toBe(0);

    expect(treeListing(viaOsm)).toEqual(treeListing(viaAnsible));
    // Same counts in both recaps.
    const recapOf = (text: string) => /ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)/.exec(text)?.slice(1);
    expect(recapOf(osm.stdout)).toEqual(recapOf(ansible.stdout));

    const again = await runCli([site, '-e', `root=${viaOsm}`]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/changed=0\b/);
  }, 400_000);
});
