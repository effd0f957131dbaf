// A small btrfs of the test's own on a loop file, laid out as an OSM lxc root like the lab's
// (os-bases with a copy of the lab's OS base, include/common.conf, containers, logs, deleted), which
// the test can fill to the last byte and free again. Outside every lab path: lab-down never sees it,
// so destroy() must run (afterAll), and says what it could not undo.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths, newestOsBase, runArgv } from '../../helpers/lab.js';

export interface SmallLxcRoot {
  dir: string;
  image: string;
  mount: string;
  /** What osm_lxc_root points at. */
  root: string;
  osBase: string;
  /** Writes filler files until the filesystem refuses even an empty directory (ENOSPC). */
  fill(): Promise<void>;
  /** Removes the fillers and commits, so the space is free again at once. */
  unfill(): Promise<void>;
  /** Unmounts, detaches the loop device, removes the image; returns what it could not do. */
  destroy(): Promise<string[]>;
}

async function must(argv: string[], timeoutMs = 120_000): Promise<string> {
  const r = await runArgv(argv, { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const FILLER = 'filler-';

/**
 * Unmounts, waiting up to 30 s while the mount is busy (a stopped container's LXC monitor can hold
 * its log open a moment longer). Still busy: what holds it, so the report says who.
 */
async function umountWhenFree(mount: string): Promise<string | undefined> {
  let last = '';
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await runArgv(['umount', mount], { timeoutMs: 120_000 });
    if (r.exitCode === 0) {
      if (attempt > 0) console.log(`small btrfs: ${mount} was busy, unmounted after ${attempt} s`);
      return undefined;
    }
    last = r.stderr.trim();
    await new Promise((done) => setTimeout(done, 1000));
  }
  const holders = await runArgv(['fuser', '-vm', mount]);
  const below = await runArgv(['findmnt', '-R', '-n', '-o', 'TARGET,SOURCE,FSTYPE', mount]);
  return `umount ${mount}: ${last}\nholders (fuser -vm): ${holders.stdout}${holders.stderr}\nmounts at and below it: ${below.stdout}`;
}

export async function makeSmallLxcRoot(prefix: string, sizeMb: number): Promise<SmallLxcRoot> {
  const dir = mkdtempSync(join('/var/tmp', prefix));
  const image = join(dir, 'lxc.btrfs.img');
  const mount = join(dir, 'mnt');
  const root = join(mount, 'lxc');
  const osBase = newestOsBase();
  let fillers = 0;

  const self: SmallLxcRoot = {
    dir,
    image,
    mount,
    root,
    osBase,
    async fill() {
      // Big blocks first, then small ones for what is left, committing in between.
      for (const bs of ['1M', '4K']) {
        const r = await runArgv(['dd', 'if=/dev/zero', `of=${join(mount, `${FILLER}${++fillers}`)}`, `bs=${bs}`], { timeoutMs: 600_000 });
        if (!/No space left on device/.test(r.stderr)) throw new Error(`dd did not fill ${mount}: exit ${r.exitCode} ${r.stderr}`);
        await must(['btrfs', 'filesystem', 'sync', mount]);
      }
      const probe = join(mount, '.probe');
      const r = await runArgv(['mkdir', probe]);
      if (r.exitCode === 0) {
        rmSync(probe, { recursive: true, force: true });
        throw new Error(`${mount} still takes a new directory after filling`);
      }
    },
    async unfill() {
      for (const f of readdirSync(mount).filter((n) => n.startsWith(FILLER))) rmSync(join(mount, f), { force: true });
      await must(['btrfs', 'filesystem', 'sync', mount]);
    },
    async destroy() {
      const problems: string[] = [];
      if (existsSync(mount) && (await runArgv(['mountpoint', '-q', mount])).exitCode === 0) {
        const r = await umountWhenFree(mount);
        if (r) problems.push(r);
      }
      // mount -o loop sets autoclear; detach anything still backed by the image anyway.
      if (existsSync(image)) {
        const loops = (await runArgv(['losetup', '-n', '-O', 'NAME', '-j', image])).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
        for (const dev of loops) {
          const r = await runArgv(['losetup', '-d', dev]);
          if (r.exitCode !== 0) problems.push(`losetup -d ${dev}: ${r.stderr.trim()}`);
        }
      }
      if (problems.length === 0) rmSync(dir, { recursive: true, force: true });
      return problems;
    },
  };

  try {
    await must(['truncate', '-s', `${sizeMb}M`, image]);
    // --mixed: data and metadata share block groups, the layout meant for filesystems this small.
    await must(['mkfs.btrfs', '-q', '--mixed', image]);
    mkdirSync(mount);
    await must(['mount', '-o', 'loop', image, mount]);
    for (const d of ['os-bases', 'containers', 'include', 'logs', 'deleted']) mkdirSync(join(root, d), { recursive: true });
    // A read-only copy of the lab's base, as lab-up installs it (a snapshot cannot cross filesystems).
    await must(['bash', '-c', 'set -euo pipefail; btrfs send -q "$1" | btrfs receive "$2"', 'bash', join(labPaths.osBases, osBase), join(root, 'os-bases')], 300_000);
    await must(['cp', labPaths.commonConf, join(root, 'include', 'common.conf')]);
  } catch (err) {
    const left = await self.destroy();
    throw new Error(`${err instanceof Error ? err.message : String(err)}${left.length ? `\nleft behind: ${left.join('; ')}` : ''}`);
  }
  return self;
}
