// readFile / writeFile / stat over one SFTP channel. Writes are atomic: a temp file beside the
// target, mode and owner set on it, then posix-rename over the target. When the link drops, ssh2
// fails the requests in flight with a bare "No response from server" and never answers later ones:
// linkLost turns the first into the connection's UnreachableError, and no request follows a drop.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import { ExecFileOps } from './exec-file-ops.js';
import { statOf } from './stat.js';
import type { Command, ExecOptions, ExecResult, StatResult, WriteOptions } from './types.js';

type ExecFn = (cmd: Command, opts?: ExecOptions) => Promise<ExecResult>;
/** The UnreachableError for `what` when the connection is dead, else undefined. */
type LinkLostFn = (what: string) => Error | undefined;

const NO_SUCH_FILE = 2;
// SSH_FX_FAILURE: what OpenSSH's sftp-server answers for every errno it has no code for (ENOSPC,
// EDQUOT, EROFS, EIO...), with the bare message "Failure".
const GENERIC_FAILURE = 4;

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === NO_SUCH_FILE;
}

function isGenericFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === GENERIC_FAILURE;
}

function call<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

const ID = /^\d+$/;

/**
 * uid and gid for setstat when the wanted owner and group are ids (or one is, and the file being
 * replaced gives the other); undefined when a name has to be resolved on the host.
 */
export function numericOwner(owner: string | undefined, group: string | undefined, previous: StatResult | null): { uid: number; gid: number } | undefined {
  if (owner === undefined && group === undefined) return undefined;
  const uid = owner === undefined ? previous?.uid : ID.test(owner) ? Number(owner) : undefined;
  const gid = group === undefined ? previous?.gid : ID.test(group) ? Number(group) : undefined;
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

function describe(what: string, path: string, err: unknown): Error {
  return new Error(`${what} ${path} over sftp failed: ${err instanceof Error ? err.message : String(err)}`);
}

export class SftpFiles {
  constructor(
    private readonly sftp: () => Promise<SFTPWrapper>,
    private readonly exec: ExecFn,
    private readonly linkLost: LinkLostFn = () => undefined,
  ) {}

  async readFile(path: string): Promise<Buffer | null> {
    const sftp = await this.sftp();
    try {
      return await call<Buffer>((cb) => sftp.readFile(path, cb));
    } catch (err) {
      if (isMissing(err)) return null;
      throw this.linkLost(`reading ${path} over sftp`) ?? describe('reading', path, err);
    }
  }

  async stat(path: string): Promise<StatResult | null> {
    const sftp = await this.sftp();
    try {
      const st = await call<Stats>((cb) => sftp.lstat(path, cb));
      return statOf(st, st.mtime * 1000);
    } catch (err) {
      if (isMissing(err)) return null;
      throw this.linkLost(`stat of ${path} over sftp`) ?? describe('stat of', path, err);
    }
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    const previous = await this.stat(path);
    const tmp = posix.join(posix.dirname(path), `.osm-play.${randomBytes(6).toString('hex')}`);
    try {
      await call<void>((cb) => sftp.writeFile(tmp, data, { mode: 0o600, flag: 'wx' }, (e) => cb(e, undefined)));
      const mode = opts.mode ?? previous?.mode ?? 0o644;
      // A replaced file keeps its owner unless told otherwise, as Ansible does (works when root or owner).
      const keepOwner = previous && opts.owner === undefined && opts.group === undefined;
      // Owners given as ids (how writeValidated passes a replaced file's own) go in the same setstat:
      // a chown command would cost a new session on the host.
      const ids = keepOwner ? undefined : numericOwner(opts.owner, opts.group, previous);
      const attrs = keepOwner ? { mode, uid: previous.uid, gid: previous.gid } : ids ? { mode, ...ids } : { mode };
      try {
        await call<void>((cb) => sftp.setstat(tmp, attrs, (e) => cb(e, undefined)));
      } catch (err) {
        if (!keepOwner) throw err;
        // Not allowed to give the file away (not root): keep our ownership, still set the mode.
        await call<void>((cb) => sftp.setstat(tmp, { mode }, (e) => cb(e, undefined)));
      }
      if (!ids && (opts.owner !== undefined || opts.group !== undefined)) await this.chownByName(tmp, opts.owner, opts.group);
      await this.rename(sftp, tmp, path);
    } catch (err) {
      // Over a dropped link the unlink would never be answered; the temp file stays on the host.
      const lost = this.linkLost(`writing ${path} over sftp (temp file ${tmp} may be left)`);
      if (lost) throw lost;
      await call<void>((cb) => sftp.unlink(tmp, () => cb(undefined, undefined)));
      // "Failure" says nothing (a full disk, a quota, a read-only mount): the same write through the
      // shell either succeeds or fails saying why ("No space left on device"), naming the path.
      if (isGenericFailure(err)) return this.writeThroughShell(path, data, { ...opts, mode: opts.mode ?? previous?.mode });
      throw err instanceof Error && err.message.includes(path) ? err : describe('writing', path, err);
    }
  }

  private writeThroughShell(path: string, data: string | Buffer, opts: WriteOptions): Promise<void> {
    return new ExecFileOps(this.exec).writeFile(path, data, { mode: opts.mode, owner: opts.owner, group: opts.group });
  }

  private async rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
    try {
      await call<void>((cb) => sftp.ext_openssh_rename(from, to, (e) => cb(e, undefined)));
    } catch (err) {
      // Servers without posix-rename: plain SFTP rename refuses to replace, so use mv.
      if (!(err instanceof Error) || !/not supported/i.test(err.message)) throw err;
      const r = await this.exec({ argv: ['mv', '-f', '--', from, to] });
      if (r.exitCode !== 0) throw new Error(`mv ${from} ${to} failed: ${r.stderr.trim()}`);
    }
  }

  // Names, not ids: chown on the host resolves them (NSS, LDAP...).
  private async chownByName(path: string, owner?: string, group?: string): Promise<void> {
    const spec = group === undefined ? (owner ?? '') : `${owner ?? ''}:${group}`;
    const r = await this.exec({ argv: ['chown', '--', spec, path] });
    if (r.exitCode !== 0) throw new Error(`chown ${spec} ${path} failed: ${r.stderr.trim()}`);
  }
}
