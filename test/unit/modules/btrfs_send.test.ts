import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import btrfsSend, { checkSrc, copyPath, parentHere, planSend, type SendState } from '../../../modules/btrfs_send.js';
import {
  classifyCopy,
  findParentCopy,
  parseInfo,
  parsePipeline,
  parseReceivedList,
  parseShow,
  pipelineScript,
  receiveArgv,
  sendArgv,
  sshArgv,
  sshRunArgv,
  streamUuid,
  type PathInfo,
} from '../../../modules/lib/btrfs/send.js';
import { argsForRun } from '../../../runner/load/args-check.js';
import type { AnyModule } from '../../../runner/module.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(btrfsSend);
const base = { src: '/srv/a/snap-1', dest_dir: '/srv/b/recv', host: 'osm2' };

const U1 = 'ebf4a2ea-b91e-7a48-b62f-f9021752288c';
const U2 = '6332cd20-f949-ba40-81ff-8c482317a59b';

// `btrfs subvolume show` of a received copy, as btrfs-progs 6.2 prints it.
const SHOW_RECEIVED = `recv/s1
\tName: \t\t\ts1
\tUUID: \t\t\t${U2}
\tParent UUID: \t\t-
\tReceived UUID: \t\t${U1}
\tCreation time: \t\t2026-12-07 01:24:45 +0000
\tSubvolume ID: \t\t256
\tFlags: \t\t\treadonly
\tSnapshot(s):
`;
const SHOW_WRITABLE = `live
\tName: \t\t\tlive
\tUUID: \t\t\t${U1}
\tParent UUID: \t\t-
\tReceived UUID: \t\t-
\tFlags: \t\t\t-
`;

/** Splits a command line as sh does: the words sh would pass to a command. */
function shWords(line: string): string[] {
  const r = spawnSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('ssh and btrfs argv', () => {
  it('ssh never asks; options only when given; -- before the host', () => {
    expect(sshArgv({ host: 'osm2' })).toEqual(['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30', '--', 'osm2']);
    expect(sshArgv({ host: '10.0.0.2', ssh_port: 2223, ssh_user: 'root', ssh_key: '/k/id', known_hosts: '/k/known hosts' })).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30', '-p', '2223', '-l', 'root', '-i', '/k/id', '-o', 'IdentitiesOnly=yes',
      '-o', 'UserKnownHostsFile=/k/known hosts', '-o', 'StrictHostKeyChecking=yes', '--', '10.0.0.2',
    ]);
  });

  it('send and receive', () => {
    expect(sendArgv('/a/s2')).toEqual(['btrfs', '-q', 'send', '/a/s2']);
    expect(sendArgv('/a/s2', '/a/s1')).toEqual(['btrfs', '-q', 'send', '-p', '/a/s1', '/a/s2']);
    expect(receiveArgv('/b/recv')).toEqual(['btrfs', '-q', 'receive', '/b/recv']);
  });

  it('the remote command is one word that the remote shell splits back into exactly the argv', () => {
    const hostile = ["/srv/it's a $(reboot) `x` dir;", '-n', '*', '~root', 'a\nb'];
    const argv = sshRunArgv({ host: 'osm2' }, ['btrfs', 'receive', ...hostile]);
    expect(argv.slice(0, -1)).toEqual(sshArgv({ host: 'osm2' }));
    expect(shWords(argv.at(-1) ?? '')).toEqual(['btrfs', 'receive', ...hostile]);
  });

  it('the pipeline script is valid bash and quotes every path (twice for the remote side)', () => {
    const dest = "/srv/b/it's $(x)";
    const script = pipelineScript({ host: 'osm2', ssh_key: '/k/my key' }, '/srv/a/s 2', dest, '/srv/a/s;1');
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
    expect(script).toContain("btrfs -q send -p '/srv/a/s;1' '/srv/a/s 2' 2>\"$t/send\" | ssh ");
    expect(script).toContain("-i '/k/my key' ");
    // The remote command as ssh receives it, and then as the remote shell splits it.
    const sshLine = /\| (ssh .*) >"\$t\/receive"/.exec(script)?.[1] ?? '';
    const remote = shWords(sshLine).at(-1) ?? '';
    expect(shWords(remote)).toEqual(['btrfs', '-q', 'receive', dest]);
  });
});

describe('the pipeline run by bash (btrfs and ssh stubbed as functions)', () => {
  const run = (stubs: string) => {
    const script = pipelineScript({ host: 'osm2' }, '/a/s1', '/b/recv');
    return spawnSync('bash', ['-c', `${stubs}\n${script}`], { encoding: 'utf8' });
  };

  it('both succeed: exit 0, both statuses 0', () => {
    const r = run('btrfs() { echo stream; }; ssh() { cat >/dev/null; echo "At subvol s1" >&2; }');
    expect(r.status).toBe(0);
    expect(parsePipeline(r.stdout)).toEqual({ sendRc: 0, receiveRc: 0, sendStderr: '', receiveStderr: 'At subvol s1\n' });
  });

  it('a failed send fails the script even though receive exits 0, and keeps each side\'s stderr', () => {
    const r = run('btrfs() { echo "ERROR: send ioctl failed" >&2; return 1; }; ssh() { cat >/dev/null; echo "receive: ok" >&2; }');
    expect(r.status).not.toBe(0);
    expect(parsePipeline(r.stdout)).toEqual({ sendRc: 1, receiveRc: 0, sendStderr: 'ERROR: send ioctl failed\n', receiveStderr: 'receive: ok\n' });
  });

  it('a failed receive fails the script', () => {
    const r = run('btrfs() { echo stream; }; ssh() { cat >/dev/null; echo "ERROR: No space left on device" >&2; return 1; }');
    expect(r.status).not.toBe(0);
    expect(parsePipeline(r.stdout)).toMatchObject({ sendRc: 0, receiveRc: 1, receiveStderr: 'ERROR: No space left on device\n' });
  });

  it('a script killed before its report: statuses unknown', () => {
    expect(parsePipeline('')).toEqual({ sendRc: null, receiveRc: null, sendStderr: '', receiveStderr: '' });
  });
});

describe('parsing btrfs output', () => {
  it('subvolume show', () => {
    expect(parseShow(SHOW_RECEIVED)).toEqual({ uuid: U2, receivedUuid: U1, readonly: true });
    expect(parseShow(SHOW_WRITABLE)).toEqual({ uuid: U1, receivedUuid: null, readonly: false });
    expect(() => parseShow('ERROR: not a subvolume')).toThrow(/no UUID/);
  });

  it('subvolume list -a -R -r: received ones only, paths from the top level', () => {
    const text = [
      `ID 256 gen 10 top level 5 received_uuid ${U1} path <FS_TREE>/recv/s1`,
      'ID 257 gen 7 top level 5 received_uuid -                                    path <FS_TREE>/s1',
      `ID 259 gen 12 top level 256 received_uuid ${U2} path <FS_TREE>/@/recv/with space`,
      '',
    ].join('\n');
    expect(parseReceivedList(text)).toEqual([
      { receivedUuid: U1, path: 'recv/s1' },
      { receivedUuid: U2, path: '@/recv/with space' },
    ]);
  });

  it('the info script output, section by section', () => {
    const out = parseInfo(
      [
        '@@ dest_dir', 'exists=yes', 'fs=btrfs', 'inode=258', 'dir=yes',
        '@@ copy', 'exists=yes', 'fs=btrfs', 'inode=256', 'dir=yes', '@show', SHOW_RECEIVED.trimEnd(),
        '@@ list', 'fsroot=/@', '@list', `ID 256 gen 10 top level 5 received_uuid ${U1} path <FS_TREE>/@/recv/s1`,
        '@@ parent', 'exists=no', '',
      ].join('\n'),
    );
    expect(out.paths.get('dest_dir')).toEqual({ exists: true, fsType: 'btrfs', isDir: true });
    expect(out.paths.get('copy')).toEqual({ exists: true, fsType: 'btrfs', isDir: true, subvolume: { uuid: U2, receivedUuid: U1, readonly: true } });
    expect(out.paths.get('parent')).toEqual({ exists: false });
    expect(out.fsRoot).toBe('@');
    expect(out.received).toEqual([{ receivedUuid: U1, path: '@/recv/s1' }]);
  });

  it('the stream UUID is the received UUID of a subvolume that was itself received', () => {
    expect(streamUuid({ uuid: U2, receivedUuid: U1, readonly: true })).toBe(U1);
    expect(streamUuid({ uuid: U2, receivedUuid: null, readonly: true })).toBe(U2);
  });
});

const sv = (readonly: boolean, receivedUuid: string | null): PathInfo => ({ exists: true, fsType: 'btrfs', isDir: true, subvolume: { uuid: U2, receivedUuid, readonly } });

describe('classifyCopy (what is at dest_dir/<name>)', () => {
  it.each<[string, PathInfo | undefined, string]>([
    ['nothing', { exists: false }, 'missing'],
    ['not probed', undefined, 'missing'],
    ['the complete copy', sv(true, U1), 'complete'],
    ['a killed receive: writable, never marked received', sv(false, null), 'partial'],
    ['a copy of another subvolume', sv(true, U2), 'foreign'],
    ['a read-only subvolume that was not received', sv(true, null), 'foreign'],
    ['a writable subvolume with a received UUID', sv(false, U1), 'foreign'],
    ['a plain directory', { exists: true, fsType: 'btrfs', isDir: true }, 'foreign'],
    ['a file', { exists: true, fsType: 'btrfs', isDir: false }, 'foreign'],
  ])('%s: %s', (_n, info, kind) => {
    expect(classifyCopy(info, U1).kind).toBe(kind);
  });

  it('says why it is refused', () => {
    expect(classifyCopy(sv(true, U2), U1)).toEqual({ kind: 'foreign', why: `a received copy of another subvolume (received UUID ${U2}, not ${U1})` });
  });
});

describe('findParentCopy (the target\'s copy of the parent, by received UUID)', () => {
  const list = [
    { receivedUuid: U2, path: 'other/x' },
    { receivedUuid: U1, path: '@/recv/s1' },
  ];
  it.each<[string, string, object]>([
    ['the top level is mounted', '', { path: '@/recv/s1' }],
    ['inside the mounted subvolume', '@', { path: '@/recv/s1' }],
    ['outside the mounted subvolume', '@home', { why: 'its copy @/recv/s1 lies outside the mounted subvolume @home, where btrfs receive cannot reach it' }],
    ['a prefix of a name is not a parent dir', '@/re', { why: expect.stringContaining('outside') as unknown as string }],
  ])('%s', (_n, fsRoot, want) => {
    expect(findParentCopy(list, fsRoot, U1)).toEqual(want);
  });

  it('none received', () => {
    expect(findParentCopy(list, '', 'ffff')).toEqual({ why: 'the target holds no received copy of it (received UUID ffff)' });
  });
});

describe('src and parent on this host', () => {
  it.each<[string, PathInfo | undefined, RegExp]>([
    ['missing', { exists: false }, /^src \/a\/s does not exist$/],
    ['not btrfs', { exists: true, fsType: 'ext2/ext3', isDir: true }, /^src \/a\/s is on ext2\/ext3, not btrfs$/],
    ['a plain directory', { exists: true, fsType: 'btrfs', isDir: true }, /^src \/a\/s is not a btrfs subvolume \(a plain directory\)$/],
    ['writable', sv(false, null), /^src \/a\/s is not read-only: btrfs send needs a read-only snapshot/],
  ])('src %s is refused, naming it', (_n, info, msg) => {
    expect(() => checkSrc('/a/s', info)).toThrow(msg);
  });

  it('a read-only src gives its show', () => {
    expect(checkSrc('/a/s', sv(true, null))).toEqual({ uuid: U2, receivedUuid: null, readonly: true });
  });

  it.each<[string, PathInfo | undefined, object]>([
    ['usable', sv(true, null), { uuid: U2 }],
    ['received itself: its stream UUID', sv(true, U1), { uuid: U1 }],
    ['writable', sv(false, null), { why: 'parent /a/p is not read-only' }],
    ['missing', { exists: false }, { why: 'parent /a/p does not exist here' }],
    ['a directory', { exists: true, fsType: 'btrfs', isDir: true }, { why: 'parent /a/p is not a btrfs subvolume' }],
  ])('parent %s', (_n, info, want) => {
    expect(parentHere('/a/p', info)).toEqual(want);
  });
});

describe('planSend', () => {
  const src = { uuid: U1, receivedUuid: null, readonly: true };
  const state = (s: Partial<SendState>): SendState => ({ src, copy: { kind: 'missing' }, ...s });

  it('the copy is dest_dir/<basename of src>', () => {
    expect(copyPath({ src: '/srv/a/snap-1/', dest_dir: '/srv/b/recv/' })).toBe('/srv/b/recv/snap-1');
  });

  it('nothing when the complete copy is there', () => {
    expect(planSend(args(base), state({ copy: { kind: 'complete' } }))).toEqual([]);
  });

  it('a full send when there is no copy', () => {
    expect(planSend(args(base), state({}))).toEqual([
      {
        action: 'send',
        target: 'osm2:/srv/b/recv/snap-1',
        summary: 'full send of /srv/a/snap-1 to osm2:/srv/b/recv/snap-1',
        before: 'osm2:/srv/b/recv/snap-1: absent\n',
        after: `osm2:/srv/b/recv/snap-1: read-only copy of /srv/a/snap-1, received UUID ${U1}\n`,
        data: {},
      },
    ]);
  });

  it('a partial copy is deleted first', () => {
    const changes = planSend(args(base), state({ copy: { kind: 'partial' } }));
    expect(changes.map((c) => [c.action, c.target])).toEqual([
      ['delete-partial', 'osm2:/srv/b/recv/snap-1'],
      ['send', 'osm2:/srv/b/recv/snap-1'],
    ]);
    expect(changes[0]?.summary).toBe('delete osm2:/srv/b/recv/snap-1, left by an interrupted receive (writable, no received UUID)');
  });

  it('incremental with a usable parent, which apply receives', () => {
    const [c] = planSend(args({ ...base, parent: '/srv/a/snap-0' }), state({ incremental: { parent: '/srv/a/snap-0', copy: 'recv/snap-0' } }));
    expect(c?.summary).toBe('incremental send of /srv/a/snap-1 from parent /srv/a/snap-0 (the target\'s copy: recv/snap-0) to osm2:/srv/b/recv/snap-1');
    expect(c?.data).toEqual({ parent: '/srv/a/snap-0' });
  });

  it('full, saying why, when the parent cannot be used', () => {
    const [c] = planSend(args({ ...base, parent: '/srv/a/snap-0' }), state({ fullBecause: 'parent /srv/a/snap-0 is not read-only' }));
    expect(c?.summary).toBe('full send of /srv/a/snap-1 (not incremental: parent /srv/a/snap-0 is not read-only) to osm2:/srv/b/recv/snap-1');
    expect(c?.data).toEqual({});
  });
});

describe('arguments', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a host that ssh would read as an option', { ...base, host: '-oProxyCommand=x' }],
    ['a host with a space', { ...base, host: 'a b' }],
    ['a relative src', { ...base, src: 'snap' }],
    ['an unknown argument', { ...base, dest: '/x' }],
  ])('refuses %s', (_n, given) => {
    expect(argsForRun(btrfsSend as AnyModule, given).ok).toBe(false);
  });

  it('fills the default timeout', () => {
    expect(args(base).timeout).toBe(3600);
  });
});
