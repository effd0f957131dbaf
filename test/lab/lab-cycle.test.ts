// lab-up, lab-down, lab-up, lab-down: the machine state before and after compares equal (mounts,
// loop devices, links, nft tables, lab processes, and the /etc files the lab touches).
// The test leaves the lab as it found it: when the lab was up, it starts from a lab-down and ends
// with a lab-up. scripts/test.mjs runs it first when the lab is down, so nobody else needs it then.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labIsUp, labPaths, runArgv } from '../helpers/lab.js';

const snapshotScript = join(labPaths.repo, 'scripts', 'lab', 'state-snapshot');

async function snapshot(): Promise<string> {
  const r = await runArgv(['bash', snapshotScript]);
  if (r.exitCode !== 0) throw new Error(`state-snapshot failed: ${r.stderr}`);
  return r.stdout;
}

/** Runs lab-up or lab-down, failing with its output; returns seconds taken. */
async function lab(script: string): Promise<number> {
  const t0 = Date.now();
  const r = await runArgv(['bash', script], { timeoutMs: 20 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`${script} exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
  return (Date.now() - t0) / 1000;
}

describe('lab cycle', () => {
  it('up, down, up, down leaves the machine as it was', { timeout: 30 * 60_000 }, async () => {
    const wasUp = labIsUp();
    if (wasUp) await lab(labPaths.labDown);
    const before = await snapshot();
    const times: string[] = [];

    times.push(`up ${await lab(labPaths.labUp)}s`);
    expect(labIsUp()).toBe(true);
    const upState = await snapshot();
    // The lab really changed the machine (so the comparison below can fail).
    expect(upState).toContain(`present ${labPaths.state}`);
    expect(upState).toContain(`table inet ${labPaths.nftTable}`);
    expect(upState).toMatch(/^\/srv\/osm-lxc \/dev\/loop\d+ btrfs$/m);

    const checkUp = await runArgv(['bash', labPaths.labDown, '--check']);
    expect(checkUp.exitCode).toBe(1);
    expect(checkUp.stdout).toContain('mount /srv/osm-lxc');

    times.push(`down ${await lab(labPaths.labDown)}s`);
    expect(labIsUp()).toBe(false);
    const checkDown = await runArgv(['bash', labPaths.labDown, '--check']);
    expect(checkDown.stdout).toBe('nothing of the lab is left on this machine\n');
    expect(checkDown.exitCode).toBe(0);
    times.push(`up ${await lab(labPaths.labUp)}s`);
    // Re-running lab-up on a lab that is up changes nothing it can see.
    times.push(`up again ${await lab(labPaths.labUp)}s`);
    times.push(`down ${await lab(labPaths.labDown)}s`);
    const after = await snapshot();
    console.log(`lab cycle: ${times.join(', ')}`);

    try {
      expect(after).toEqual(before);
    } finally {
      if (wasUp) await lab(labPaths.labUp);
    }
  });
});
