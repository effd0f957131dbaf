// Compare-and-swap of a file under flock: the new content goes into place only if the file still has
// the content it was computed from. writeValidated's unchangedSince uses it, so a read-allocate-write
// (dnsmasq_host) is safe against a concurrent run without holding a lock across several commands.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { ModuleError, type HostContext } from '../module.js';

// $1 target, $2 temp file, $3 sha256 of the expected current content ('none': must not exist).
const SWAP_SCRIPT = [
  'if [ -e "$1" ]; then cur=$(sha256sum < "$1"); cur=${cur%% *}; else cur=none; fi',
  '[ "$cur" = "$3" ] || exit 75',
  'mv -f -- "$2" "$1"',
].join('\n');

const STALE = 75;

export function contentHash(content: string | Buffer | null): string {
  return content === null ? 'none' : createHash('sha256').update(content).digest('hex');
}

/**
 * The flock argv around a command: the lock is the file's directory, which survives the rename. -o: the
 * command does not inherit the descriptor on that directory, so nothing it leaves running keeps it open.
 */
export function lockedArgv(path: string, argv: string[], waitS = 30): string[] {
  return ['flock', '-o', '-w', String(waitS), dirname(path), ...argv];
}

/**
 * Moves `tmp` over `path` if `path` still holds `expected`. Returns false when it changed meanwhile
 * (the caller recomputes and retries); the temp file is removed in that case.
 */
export async function swapIfUnchanged(host: HostContext, path: string, tmp: string, expected: string | Buffer | null): Promise<boolean> {
  const r = await host.exec({ argv: lockedArgv(path, ['sh', '-c', SWAP_SCRIPT, 'sh', path, tmp, contentHash(expected)]) });
  if (r.exitCode === 0) return true;
  await host.exec({ argv: ['rm', '-f', '--', tmp] });
  if (r.exitCode === STALE) return false;
  throw new ModuleError(`could not replace ${path} (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
}
