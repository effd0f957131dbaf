// SftpFiles' failure paths with a fake SFTP channel: sftp-server's bare "Failure" (its answer for a
// full disk, a quota, a read-only mount) is redone through the shell, which succeeds or says why;
// a failure that names itself is not retried.
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { numericOwner, SftpFiles } from '../../../runner/connection/sftp-files.js';
import type { Command, ExecOptions, ExecResult } from '../../../runner/connection/types.js';

type Cb = (err: Error | undefined) => void;

function sftpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** An SFTP channel whose writes fail with `writeError`; records the paths it unlinked. */
function fakeSftp(writeError: Error): { sftp: SFTPWrapper; unlinked: string[] } {
  const unlinked: string[] = [];
  const fake = {
    lstat: (_p: string, cb: (err: Error | undefined, st?: unknown) => void) => cb(sftpError(2, 'No such file')),
    writeFile: (_p: string, _d: unknown, _o: unknown, cb: Cb) => cb(writeError),
    setstat: (_p: string, _a: unknown, cb: Cb) => cb(undefined),
    ext_openssh_rename: (_f: string, _t: string, cb: Cb) => cb(undefined),
    unlink: (p: string, cb: Cb) => {
      unlinked.push(p);
      cb(undefined);
    },
  };
  return { sftp: fake as unknown as SFTPWrapper, unlinked };
}

function fakeExec(result: Partial<ExecResult>): { exec: (cmd: Command, o?: ExecOptions) => Promise<ExecResult>; calls: { cmd: Command; stdin?: string | Buffer }[] } {
  const calls: { cmd: Command; stdin?: string | Buffer }[] = [];
  return {
    calls,
    exec: (cmd, o) => {
      calls.push({ cmd, stdin: o?.stdin });
      return Promise.resolve({ exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...result });
    },
  };
}

const TARGET = '/srv/full/lxc/containers/c-svr/osm-customer.json';
const ENOSPC = "mktemp: failed to create file via template '/srv/full/lxc/containers/c-svr/.osm-play.XXXXXX': No space left on device";

describe('SftpFiles.writeFile when sftp-server answers only "Failure"', () => {
  it('redoes the write through the shell, whose error says why and names the path', async () => {
    const { sftp, unlinked } = fakeSftp(sftpError(4, 'Failure'));
    const { exec, calls } = fakeExec({ exitCode: 1, stderr: `${ENOSPC}\n` });
    const files = new SftpFiles(() => Promise.resolve(sftp), exec);
    const err: unknown = await files.writeFile(TARGET, '{"customer":"c"}\n', { mode: 0o644 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err instanceof Error ? err.message : '').toBe(`writing ${TARGET} failed (rc 1): ${ENOSPC}`);
    // The SFTP temp file was removed; the shell wrote the same data to the same target.
    expect(unlinked).toHaveLength(1);
    expect(unlinked[0]).toMatch(/^\/srv\/full\/lxc\/containers\/c-svr\/\.osm-play\.[0-9a-f]{12}$/);
    expect(calls).toHaveLength(1);
    const argv = calls[0] && 'argv' in calls[0].cmd ? calls[0].cmd.argv : [];
    expect(argv.slice(3)).toEqual(['sh', TARGET, '0644', '', '']);
    expect(calls[0]?.stdin).toBe('{"customer":"c"}\n');
  });

  it('succeeds when the shell write does (the failure is gone)', async () => {
    const { sftp } = fakeSftp(sftpError(4, 'Failure'));
    const { exec, calls } = fakeExec({ exitCode: 0 });
    await new SftpFiles(() => Promise.resolve(sftp), exec).writeFile(TARGET, 'x\n');
    expect(calls).toHaveLength(1);
  });

  it('does not retry a failure that names itself', async () => {
    const { sftp } = fakeSftp(sftpError(3, 'Permission denied'));
    const { exec, calls } = fakeExec({ exitCode: 0 });
    await expect(new SftpFiles(() => Promise.resolve(sftp), exec).writeFile(TARGET, 'x\n')).rejects.toThrow(`writing ${TARGET} over sftp failed: Permission denied`);
    expect(calls).toEqual([]);
  });
});

/** An SFTP channel where every call succeeds; records setstat attributes; lstat gives `previous`. */
function okSftp(previous?: { uid: number; gid: number }): { sftp: SFTPWrapper; setstats: unknown[] } {
  const setstats: unknown[] = [];
  const fake = {
    lstat: (_p: string, cb: (err: Error | undefined, st?: unknown) => void) =>
      previous
        ? cb(undefined, { ...previous, mode: 0o100644, size: 1, mtime: 0, isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false })
        : cb(sftpError(2, 'No such file')),
    writeFile: (_p: string, _d: unknown, _o: unknown, cb: Cb) => cb(undefined),
    setstat: (_p: string, a: unknown, cb: Cb) => {
      setstats.push(a);
      cb(undefined);
    },
    ext_openssh_rename: (_f: string, _t: string, cb: Cb) => cb(undefined),
    unlink: (_p: string, cb: Cb) => cb(undefined),
  };
  return { sftp: fake as unknown as SFTPWrapper, setstats };
}

describe('SftpFiles.writeFile owners', () => {
  it('ids go in the setstat, with no chown command on the host', async () => {
    const { sftp, setstats } = okSftp();
    const { exec, calls } = fakeExec({ exitCode: 0 });
    await new SftpFiles(() => Promise.resolve(sftp), exec).writeFile(TARGET, 'x\n', { mode: 0o640, owner: '1001', group: '1002' });
    expect(setstats).toEqual([{ mode: 0o640, uid: 1001, gid: 1002 }]);
    expect(calls).toEqual([]);
  });

  it('names are resolved on the host by chown', async () => {
    const { sftp, setstats } = okSftp();
    const { exec, calls } = fakeExec({ exitCode: 0 });
    await new SftpFiles(() => Promise.resolve(sftp), exec).writeFile(TARGET, 'x\n', { owner: 'mosquitto', group: '0' });
    expect(setstats).toEqual([{ mode: 0o644 }]);
    expect(calls.map((c) => ('argv' in c.cmd ? c.cmd.argv.slice(0, 3) : []))).toEqual([['chown', '--', 'mosquitto:0']]);
  });
});

describe('numericOwner', () => {
  const prev = { exists: true as const, isFile: true, isDir: false, isSymlink: false, mode: 0o644, uid: 7, gid: 8, size: 0, mtimeMs: 0 };
  it.each([
    ['0', '0', null, { uid: 0, gid: 0 }],
    ['12', undefined, prev, { uid: 12, gid: 8 }],
    [undefined, '13', prev, { uid: 7, gid: 13 }],
    ['12', undefined, null, undefined],
    ['root', '0', prev, undefined],
    ['0', 'adm', prev, undefined],
    [undefined, undefined, prev, undefined],
  ] as const)('owner %j group %j', (owner, group, previous, want) => {
    expect(numericOwner(owner, group, previous)).toEqual(want);
  });
});
