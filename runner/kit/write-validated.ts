// THE file-writing path for every module: temp file beside the target, validate it, rename it into
// place, run the post-install check, and put the old content back when anything after that fails.
import { ModuleError, type HostContext } from '../module.js';
import type { StatResult } from '../connection/types.js';
import { commandError } from './argv.js';
import { swapIfUnchanged } from './locked-swap.js';
import { tempBeside } from './temp-beside.js';

/** The target no longer holds what the caller read: another writer changed it; nothing was written. */
export class FileChangedError extends ModuleError {}

export interface WriteValidatedOptions {
  mode?: number;
  owner?: string;
  group?: string;
  /**
   * Checks the temp file before it replaces the target: an argv where '%s' is the temp file's path,
   * or a function given the temp file's path that throws (its error is passed on as is) to refuse it.
   */
  validate?: string[] | ((host: HostContext, tmp: string) => Promise<void>);
  /**
   * Compare-and-swap: the content the target must still hold (null: must not exist) when the new file
   * is renamed over it, checked under flock. Otherwise FileChangedError, and the target is left alone.
   */
  unchangedSince?: string | Buffer | null;
  /** Runs once the file is in place (e.g. `nginx -t` over the whole tree); throwing rolls back. */
  check?: (host: HostContext) => Promise<void>;
  /** Runs after a rollback restored the old content (e.g. reload the service again). */
  onRollback?: (host: HostContext) => Promise<void>;
  /** Keep a copy of the old content as `<path>.<timestamp>~` (Ansible's backup: yes). */
  backup?: boolean;
  /** What gather already read (content and stat of the target), to save a round trip per file. */
  known?: { content: Buffer | null; stat: StatResult | null };
}

export interface WrittenFile {
  path: string;
  /** The content before, or null when the file is new. */
  previous: Buffer | null;
  backupPath?: string;
  /** Puts the previous content back (or removes a new file), then runs onRollback. */
  rollback(): Promise<void>;
}

function backupName(path: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return `${path}.${stamp}~`;
}

/** The validate argv with '%s' replaced; Ansible requires the placeholder, so do we. */
export function validateArgv(validate: string[], tmp: string): string[] {
  if (!validate.some((w) => w.includes('%s'))) throw new ModuleError(`validate must contain %s (the file to check): ${validate.join(' ')}`);
  return validate.map((w) => w.split('%s').join(tmp));
}

export async function writeValidated(host: HostContext, path: string, content: string | Buffer, opts: WriteValidatedOptions = {}): Promise<WrittenFile> {
  const [previous, prevStat] = opts.known
    ? [opts.known.content, opts.known.stat]
    : await Promise.all([host.conn.readFile(path, { become: host.become }), host.stat(path)]);
  // A replaced file keeps its mode and owner unless told otherwise; ids work for chown as well as names.
  // A symlink's own bits (0777) are not the file's: a link replaced by a file starts from the defaults.
  const inherit = prevStat && !prevStat.isSymlink ? prevStat : null;
  const attrs = {
    mode: opts.mode ?? inherit?.mode,
    owner: opts.owner ?? (inherit ? String(inherit.uid) : undefined),
    group: opts.group ?? (inherit ? String(inherit.gid) : undefined),
  };

  let backupPath: string | undefined;
  if (opts.backup && previous !== null && prevStat) {
    backupPath = backupName(path);
    await host.writeFile(backupPath, previous, { mode: prevStat.mode, owner: String(prevStat.uid), group: String(prevStat.gid) });
  }

  if (opts.validate || opts.unchangedSince !== undefined) {
    const tmp = tempBeside(path, opts.validate ? 'validate' : undefined);
    try {
      await host.writeFile(tmp, content, attrs);
      if (opts.validate) await runValidate(host, path, tmp, opts.validate);
      if (opts.unchangedSince === undefined) await moveIntoPlace(host, tmp, path);
      else if (!(await swapIfUnchanged(host, path, tmp, opts.unchangedSince))) {
        throw new FileChangedError(`${path} changed since it was read (another writer?), left as it is now`);
      }
    } finally {
      await host.exec({ argv: ['rm', '-f', '--', tmp] });
    }
  } else {
    await host.writeFile(path, content, attrs);
  }

  const written: WrittenFile = {
    path,
    previous,
    backupPath,
    rollback: () => restore(host, path, previous, prevStat, opts.onRollback),
  };
  if (opts.check) {
    try {
      await opts.check(host);
    } catch (err) {
      await written.rollback();
      const detail = err instanceof ModuleError ? err.detail : {};
      const why = err instanceof Error ? err.message : String(err);
      throw new ModuleError(`check after writing ${path} failed, previous content restored: ${why}`, detail);
    }
  }
  return written;
}

/**
 * The rename every write ends with: a file staged beside `path` (a tempBeside name, same filesystem)
 * replaces it atomically. writeValidated ends with it; modules whose new content is made on the host
 * (get_url's download, apt_key's filtered keyring, tls_certificate's key and cert) stage it there and
 * call this directly, so that content does not travel to the controller and back.
 */
export async function moveIntoPlace(host: HostContext, staged: string, path: string): Promise<void> {
  await host.run(['mv', '-f', '--', staged, path]);
}

async function runValidate(host: HostContext, path: string, tmp: string, validate: NonNullable<WriteValidatedOptions['validate']>): Promise<void> {
  if (typeof validate === 'function') return validate(host, tmp);
  const argv = validateArgv(validate, tmp);
  const r = await host.exec({ argv });
  if (r.exitCode !== 0) {
    const err = commandError(argv, r);
    throw new ModuleError(`validation of ${path} failed, file left unchanged: ${err.message}`, err.detail);
  }
}

async function restore(host: HostContext, path: string, previous: Buffer | null, prevStat: StatResult | null, onRollback?: (host: HostContext) => Promise<void>): Promise<void> {
  if (previous === null || !prevStat) {
    await host.run(['rm', '-f', '--', path]);
  } else {
    await host.writeFile(path, previous, { mode: prevStat.mode, owner: String(prevStat.uid), group: String(prevStat.gid) });
  }
  if (onRollback) await onRollback(host);
}
