// Owner and group names resolved on the host (not the controller), so plans compare ids correctly.
import type { HostContext } from '../module.js';

async function lookup(host: HostContext, db: 'passwd' | 'group', name: string): Promise<number | null> {
  if (/^\d+$/.test(name)) return Number(name);
  const r = await host.exec({ argv: ['getent', db, name] });
  if (r.exitCode !== 0) return null;
  const id = Number(r.stdout.split(':')[2]);
  return Number.isInteger(id) ? id : null;
}

/** uid/gid of the named owner and group on the host; null when the name does not exist there. */
export async function resolveOwner(host: HostContext, owner?: string, group?: string): Promise<{ uid?: number | null; gid?: number | null }> {
  return {
    uid: owner === undefined ? undefined : await lookup(host, 'passwd', owner),
    gid: group === undefined ? undefined : await lookup(host, 'group', group),
  };
}
