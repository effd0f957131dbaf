// Runs every case of the compatibility corpus (see harness.ts) through ansible-playbook and osm-play.
// Without ansible-core the test says so loudly and skips, except under CI=true where that fails.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { treeListing } from '../cli/run-cli.js';
import { discoverCases, hasAnsible, normaliseListing, recapOf, runAnsible, runOsm } from './harness.js';

const ansible = hasAnsible();
const inCI = process.env['CI'] === 'true';
if (!ansible) {
  const msg = '*** ansible-playbook is NOT installed: the compatibility corpus cannot run ***';
  if (inCI) throw new Error(`${msg} (CI=true: this is a failure; apt-get install ansible-core)`);
  console.warn(msg);
}

const work = mkdtempSync(join(tmpdir(), 'osm-compat-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cases = discoverCases();

describe.skipIf(!ansible && !inCI)('compatibility corpus against ansible-playbook', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dirA = join(work, c.name.replace(/\//g, '_'), 'ansible');
    const dirO = join(work, c.name.replace(/\//g, '_'), 'osm');
    mkdirSync(dirA, { recursive: true });
    mkdirSync(dirO, { recursive: true });
    const common = [...c.baseArgs, c.playbook, ...c.args];
    // The three ansible-playbook runs are independent: in parallel, as its start-up dominates.
    const [synA, listA, runA] = await Promise.all([
      runAnsible([...common, '--syntax-check'], work, c.dir),
      runAnsible([...common, '--list-tasks'], work, c.dir),
      runAnsible([...common, '-e', `root=${dirA}`], work, c.dir),
    ]);
    const synO = await runOsm([...common, '--syntax-check'], c.dir);
    const listO = await runOsm([...common, '--list-tasks'], c.dir);
    const runO = await runOsm([...common, '-e', `root=${dirO}`], c.dir);

    expect(synA.code, synA.stdout + synA.stderr).toBe(0);
    expect(synO.code, synO.stdout + synO.stderr).toBe(0);
    expect(listA.code, listA.stdout + listA.stderr).toBe(0);
    expect(normaliseListing(listO.stdout)).toEqual(normaliseListing(listA.stdout));
    expect(runA.code, runA.stdout + runA.stderr).toBe(0);
    expect(runO.code, runO.stdout + runO.stderr).toBe(0);
    expect(treeListing(dirO)).toEqual(treeListing(dirA));
    const recapA = recapOf(runA.stdout);
    expect(Object.keys(recapA).length).toBeGreaterThan(0);
    expect(recapOf(runO.stdout)).toEqual(recapA);
  }, 900_000);
});
