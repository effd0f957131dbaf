// A host's free room for placement (add-customer): available memory and free disk under the LXC root.
import { ModuleError, type HostContext } from '../../../runner/module.js';

export interface HostResources {
  mem_available_bytes: number;
  disk_free_bytes: number;
}

/** Bytes of MemAvailable in /proc/meminfo (what the kernel can give without swapping); null when absent. */
export function parseMemAvailable(meminfo: string): number | null {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return m?.[1] === undefined ? null : Number(m[1]) * 1024;
}

/** Bytes available from `df -B1 --output=avail PATH` (a header line, then the number); null when unreadable. */
export function parseDfAvail(df: string): number | null {
  const line = df.trim().split('\n')[1]?.trim();
  return line !== undefined && /^\d+$/.test(line) ? Number(line) : null;
}

/** Reads both; a host whose room cannot be read is an error (placing blind could fill it). */
export async function readResources(host: HostContext, lxcRoot: string): Promise<HostResources> {
  const [meminfo, df] = await Promise.all([host.readFile('/proc/meminfo'), host.exec({ argv: ['df', '-B1', '--output=avail', lxcRoot] })]);
  const mem = parseMemAvailable(meminfo ?? '');
  const disk = df.exitCode === 0 ? parseDfAvail(df.stdout) : null;
  if (mem === null) throw new ModuleError('cannot read MemAvailable from /proc/meminfo');
  if (disk === null) throw new ModuleError(`cannot read the free space under ${lxcRoot} (df rc ${df.exitCode}): ${df.stderr.trim()}`, { rc: df.exitCode, stderr: df.stderr });
  return { mem_available_bytes: mem, disk_free_bytes: disk };
}
