// Issue 7 in the lab: a real create-container at -vvv --diff --json --junit. The MQTT password it
// generates is in none of the outputs and in no file but the root-only credentials file (the broker
// keeps only a hash, in a 0600 file). Customer t7-secret, purged in afterAll.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../integration/cli/run-cli.js';
import { ensureLab, LAB_LIMIT, labPaths, runArgv } from '../../helpers/lab.js';

const CUSTOMER = 't7-secret';
const PORT = 18972;
const CONTAINER = `${CUSTOMER}-svr`;
const CREDENTIALS = `/var/lib/osm-lab/credentials/${CUSTOMER}.txt`;
const work = mkdtempSync(join(tmpdir(), 'osm-lab-secrets-'));

let run: CliRun;
let password = '';

beforeAll(async () => {
  await ensureLab();
  run = await runCli(['-i', labPaths.inventory, join(labPaths.repo, 'playbooks/create-container.yaml'), ...LAB_LIMIT,
    '-e', `customer_name=${CUSTOMER}`, '-e', `mqtt_port=${PORT}`,
    '-vvv', '--diff', '--json', join(work, 'report.json'), '--junit', join(work, 'report.xml')]);
  password = /^password=(.+)$/m.exec(readFileSync(CREDENTIALS, 'utf8'))?.[1] ?? '';
}, 1_200_000);

afterAll(async () => {
  const r = await runCli(['-i', labPaths.inventory, join(labPaths.repo, 'playbooks/delete-container.yaml'), ...LAB_LIMIT, '-e', `customer_name=${CUSTOMER}`, '-e', 'purge=true']);
  rmSync(work, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`could not delete ${CUSTOMER}:\n${r.stdout}\n${r.stderr}`);
}, 1_200_000);

/** Files under `dirs` (on the host) whose content holds `needle`, by grep -rlF (no shell). */
async function filesHolding(needle: string, dirs: string[], inContainer = false): Promise<string[]> {
  // Not the loop images: they hold whole filesystems and are read through their mounts instead.
  const grep = ['grep', '-rlF', '--exclude=*.img', '--', needle, ...dirs];
  const argv = inContainer ? ['lxc-attach', '-n', CONTAINER, '--clear-env', '--', ...grep] : grep;
  const r = await runArgv(argv, { timeoutMs: 120_000 });
  // grep: 0 found, 1 none found, 2 a dir was missing (still lists what it found).
  if (r.exitCode > 2) throw new Error(`${argv.join(' ')}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('a real create-container keeps its MQTT password secret', () => {
  it('the run succeeded and generated a password', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(password).toMatch(/^[A-Za-z0-9_-]{12,}$/);
  });

  it('the password is in no output: terminal at -vvv with --diff, JSON, JUnit', () => {
    const outputs = { stdout: run.stdout, stderr: run.stderr, json: readFileSync(join(work, 'report.json'), 'utf8'), junit: readFileSync(join(work, 'report.xml'), 'utf8') };
    for (const [where, text] of Object.entries(outputs)) expect(text.includes(password), `password in ${where}`).toBe(false);
    // The diff of the credentials file was shown, masked.
    expect(run.stdout).toMatch(/\+password=\*+/);
  });

  it('the credentials file is 0600 root in a root-only folder', () => {
    const st = statSync(CREDENTIALS);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    expect(statSync('/var/lib/osm-lab/credentials').mode & 0o077).toBe(0);
  });

  it('no other file on the host holds the password', async () => {
    const dirs = ['/etc', labPaths.state, join(labPaths.containers, CONTAINER, 'osm-customer.json'), join(labPaths.containers, CONTAINER, 'lxc.container.conf'), labPaths.lxcLogs];
    const found = await filesHolding(password, dirs);
    expect(found).toEqual([CREDENTIALS]);
  }, 300_000);

  it("the container's broker keeps only a hash, in a 0600 file", async () => {
    expect(await filesHolding(password, ['/etc', '/var/lib/mosquitto'], true)).toEqual([]);
    const r = await runArgv(['lxc-attach', '-n', CONTAINER, '--clear-env', '--', 'stat', '-c', '%a', '/etc/mosquitto/osm.passwd']);
    expect(r.stdout.trim()).toBe('600');
  }, 300_000);
});
