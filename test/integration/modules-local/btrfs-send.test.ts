// btrfs_send against real btrfs: two filesystems of the test's own (loop files in a temp dir),
// the source run through the local connection, the target reached by the module's ssh on a
// throwaway sshd on loopback (as root, with its key and a strict known_hosts). Needs root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import btrfsSend from '../../../modules/btrfs_send.js';
import type { AnyModule } from '../../../runner/module.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { localLab, type LocalLab } from './harness.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const canRun = process.getuid?.() === 0 && ['mkfs.btrfs', 'btrfs', 'losetup', 'ssh', 'bash', 'findmnt'].every(has) && existsSync('/usr/sbin/sshd');

const mod = btrfsSend as AnyModule;

function sh(argv: string[]): string {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** What `btrfs subvolume show` says, read with the test's own regexes (not the module's parser). */
function show(path: string): { uuid: string; parentUuid: string; receivedUuid: string; readonly: boolean } {
  const text = sh(['btrfs', 'subvolume', 'show', path]);
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(\\S+)`, 'm').exec(text)?.[1] ?? '';
  return { uuid: field('UUID'), parentUuid: field('Parent UUID'), receivedUuid: field('Received UUID'), readonly: /^\s*Flags:\s*readonly/m.test(text) };
}

describe.runIf(canRun)('btrfs_send (two loop btrfs filesystems, ssh on loopback)', () => {
  let dir = '';
  let lab: LocalLab | undefined;
  let sshd: TestSshd | undefined;
  const mounts: string[] = [];
  const loops: string[] = [];
  let a = ''; // the source filesystem
  let b = ''; // the target filesystem
  let recv = ''; // dest_dir on the target

  /** A filesystem of the test's own: truncate'd file, loop device, mkfs.btrfs, mount. */
  function makeFs(name: string, sizeMb: number): string {
    const image = join(dir, `${name}.img`);
    sh(['truncate', '-s', `${sizeMb}M`, image]);
    const dev = sh(['losetup', '--find', '--show', image]).trim();
    loops.push(dev);
    sh(['mkfs.btrfs', '-q', dev]);
    const mnt = join(dir, name);
    mkdirSync(mnt);
    sh(['mount', dev, mnt]);
    mounts.push(mnt);
    return mnt;
  }

  const target = () => ({
    dest_dir: recv,
    host: '127.0.0.1',
    ssh_port: sshd?.port,
    ssh_user: 'root',
    ssh_key: sshd?.clientKeyPath,
    known_hosts: sshd?.knownHostsPath,
  });

  const run = (args: Record<string, unknown>, check = false) => {
    if (!lab) throw new Error('no lab');
    return lab.run(mod, { ...target(), ...args }, { check });
  };

  /** A read-only snapshot of the writable subvolume a/live: what a real source is. */
  const snapshot = (name: string) => {
    sh(['btrfs', '-q', 'subvolume', 'snapshot', '-r', join(a, 'live'), join(a, name)]);
    return join(a, name);
  };

  beforeAll(async () => {
    dir = mkdtempSync('/var/tmp/osm-btrfs-send-');
    a = makeFs('a', 512);
    b = makeFs('b', 256);
    recv = join(b, 'recv');
    mkdirSync(recv);
    sh(['btrfs', '-q', 'subvolume', 'create', join(a, 'live')]);
    mkdirSync(join(a, 'live', 'etc'));
    writeFileSync(join(a, 'live', 'etc', 'mosquitto.conf'), 'listener 1883\n');
    writeFileSync(join(a, 'live', "odd name 'q'.txt"), 'quoted\n');
    sshd = await startSshd();
    lab = localLab();
  });

  afterAll(async () => {
    const problems: string[] = [];
    // The sessions first: a receive's shell that is still ending keeps its filesystem busy.
    await sshd?.stop();
    lab?.cleanup();
    for (const m of mounts.reverse()) {
      let r = spawnSync('umount', [m], { encoding: 'utf8' });
      // On a loaded machine an ended session's processes may take a moment to go.
      for (let i = 0; r.status !== 0 && i < 50; i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = spawnSync('umount', [m], { encoding: 'utf8' });
      }
      if (r.status !== 0) problems.push(`umount ${m}: ${r.stderr}`);
    }
    for (const l of loops) {
      const r = spawnSync('losetup', ['-d', l], { encoding: 'utf8' });
      if (r.status !== 0) problems.push(`losetup -d ${l}: ${r.stderr}`);
    }
    if (problems.length === 0 && dir) rmSync(dir, { recursive: true, force: true });
    if (problems.length) throw new Error(`left behind in ${dir}: ${problems.join('; ')}`);
  });

  it('sends a read-only snapshot in full; the copy is read-only, received from it, with its files', async () => {
    const s1 = snapshot('s1');
    const r = await run({ src: s1 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.action)).toEqual(['send']);
    expect(r.changes[0]?.summary).toMatch(/^full send of .*\/s1 to 127\.0\.0\.1:.*\/recv\/s1$/);
    expect(readFileSync(join(recv, 's1', 'etc', 'mosquitto.conf'), 'utf8')).toBe('listener 1883\n');
    expect(readFileSync(join(recv, 's1', "odd name 'q'.txt"), 'utf8')).toBe('quoted\n');
    const copy = show(join(recv, 's1'));
    expect(copy.receivedUuid).toBe(show(s1).uuid);
    expect(copy.readonly).toBe(true);
    expect(r.data).toMatchObject({ dest: join(recv, 's1'), received_uuid: show(s1).uuid, sent: 'full' });
  });

  it('a second run finds the complete copy: ok, nothing planned', async () => {
    const r = await run({ src: join(a, 's1') });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('ok');
    expect(r.changes).toEqual([]);
  });

  it('with parent sends only the difference: the copy is a snapshot of the parent copy', async () => {
    writeFileSync(join(a, 'live', 'etc', 'mosquitto.conf'), 'listener 8883\n');
    writeFileSync(join(a, 'live', 'new.txt'), 'new\n');
    const s2 = snapshot('s2');
    const r = await run({ src: s2, parent: join(a, 's1') });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.changes[0]?.summary).toContain(`incremental send of ${s2} from parent ${join(a, 's1')}`);
    expect(readFileSync(join(recv, 's2', 'etc', 'mosquitto.conf'), 'utf8')).toBe('listener 8883\n');
    expect(readFileSync(join(recv, 's2', 'new.txt'), 'utf8')).toBe('new\n');
    const copy = show(join(recv, 's2'));
    expect(copy.receivedUuid).toBe(show(s2).uuid);
    expect(copy.readonly).toBe(true);
    // btrfs receive made it as a snapshot of the parent's copy: the stream was incremental.
    expect(copy.parentUuid).toBe(show(join(recv, 's1')).uuid);
    expect((await run({ src: s2, parent: join(a, 's1') })).status).toBe('ok');
  });

  it('a parent the target has no copy of: a full send, and the summary says why', async () => {
    const lone = snapshot('lone');
    const s3 = snapshot('s3');
    const r = await run({ src: s3, parent: lone });
    expect(r.error).toBeUndefined();
    expect(r.changes[0]?.summary).toMatch(/^full send of .*\/s3 \(not incremental: parent .*\/lone: the target holds no received copy of it/);
    expect(show(join(recv, 's3')).receivedUuid).toBe(show(s3).uuid);
    expect(show(join(recv, 's3')).parentUuid).toBe('-');
  });

  it('deletes the leftover of an interrupted receive (a writable subvolume of that name) and sends again', async () => {
    const s4 = snapshot('s4');
    sh(['btrfs', '-q', 'subvolume', 'create', join(recv, 's4')]);
    writeFileSync(join(recv, 's4', 'half-written'), 'x');
    const planned = await run({ src: s4 }, true);
    expect(planned.changes.map((c) => c.action)).toEqual(['delete-partial', 'send']);
    const r = await run({ src: s4, parent: join(a, 's2') });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.changes.map((c) => c.action)).toEqual(['delete-partial', 'send']);
    expect(existsSync(join(recv, 's4', 'half-written'))).toBe(false);
    expect(readFileSync(join(recv, 's4', 'new.txt'), 'utf8')).toBe('new\n');
    expect(show(join(recv, 's4'))).toMatchObject({ receivedUuid: show(s4).uuid, readonly: true });
    expect((await run({ src: s4 })).status).toBe('ok');
  });

  it('refuses a read-only subvolume at the destination that it did not receive, and leaves it', async () => {
    const s5 = snapshot('s5');
    sh(['btrfs', '-q', 'subvolume', 'create', join(recv, 's5')]);
    writeFileSync(join(recv, 's5', 'keep-me'), 'mine\n');
    sh(['btrfs', 'property', 'set', '-ts', join(recv, 's5'), 'ro', 'true']);
    const r = await run({ src: s5 });
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`${join(recv, 's5')} on 127.0.0.1 is a read-only subvolume that was not received: refusing`);
    expect(readFileSync(join(recv, 's5', 'keep-me'), 'utf8')).toBe('mine\n');
  });

  it('refuses a src that is not read-only, naming it, and sends nothing', async () => {
    const r = await run({ src: join(a, 'live') });
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`src ${join(a, 'live')} is not read-only`);
    expect(existsSync(join(recv, 'live'))).toBe(false);
  });

  it('--check plans the send and changes nothing', async () => {
    const s6 = snapshot('s6');
    const r = await run({ src: s6, parent: join(a, 's4') }, true);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.pending).toBe(true);
    expect(r.changes[0]?.summary).toContain('incremental send');
    expect(existsSync(join(recv, 's6'))).toBe(false);
  });

  it('a receive that fails (target full) fails the task with its error and deletes the partial copy', async () => {
    execFileSync('dd', ['if=/dev/urandom', `of=${join(a, 'live', 'big')}`, 'bs=1M', 'count=320', 'status=none']);
    const big = snapshot('big');
    const before = readdirSync(recv).sort();
    const r = await run({ src: big });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/sending .*\/big to 127\.0\.0\.1:.*\/recv failed: btrfs send (rc \d+|did not finish).*; ssh\/btrfs receive rc [1-9]\d*: .*(No space left|ENOSPC)/s);
    expect(r.error).toContain(`deleted the partial ${join(recv, 'big')} on 127.0.0.1`);
    expect(existsSync(join(recv, 'big'))).toBe(false);
    expect(r.error).toContain('btrfs send rc 141 (SIGPIPE: the receiving side stopped reading)');
    // Nothing else on the target was touched.
    expect(readdirSync(recv).sort()).toEqual(before);
  }, 120_000);
});
