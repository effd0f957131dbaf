// container_limits: a running OSM container's memory limit (its cgroup) and bandwidth limit (tbf on
// its host-side veth) set live to the customer's limits. The container's config and the veth hook
// give it the same limits at every start; this module brings a running container in line at once.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { CONTAINER_NAME } from './connections/lxc-names.js';
import { parseLxcInfo } from './lib/lxc/info.js';
import {
  BANDWIDTH_PATTERN, formatRate, formatSize, MEMORY_PATTERN, memoryKey, memoryValue, parseCgroupLimit, parseRate, parseRootQdisc, parseSize,
  sameMemoryLimit, sameRate, tbfArgv, type RootQdisc,
} from './lib/osm/limits.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: CONTAINER_NAME.source, description: 'LXC name of the container (e.g. acme-svr).' }),
    memory: Type.Optional(
      Type.String({ pattern: MEMORY_PATTERN, description: 'Memory limit of its cgroup: bytes with K/M/G/T (powers of 1024), or max for none. Omitted: left alone.' }),
    ),
    bandwidth: Type.Optional(
      Type.String({
        pattern: BANDWIDTH_PATTERN,
        description: 'Rate of what the host sends into the container (tbf on its veth): bit/kbit/mbit/gbit, or none for no limit. Omitted: left alone.',
      }),
    ),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface LimitsState {
  running: boolean;
  /** cgroup v2 (memory.max) or v1 (memory.limit_in_bytes). */
  cgroupV2: boolean;
  /** The cgroup's limit in bytes, null for none; undefined when not read (not running, or not asked). */
  memory?: number | null;
  /** The host side of the container's veth (looked up only when bandwidth is asked for). */
  veth: string | null;
  qdisc?: RootQdisc | null;
}

export type LimitsChange = Change<'memory', string[]> | Change<'bandwidth', string[]>;

async function cgroupIsV2(host: HostContext): Promise<boolean> {
  const r = await host.exec({ argv: ['stat', '-f', '-c', '%T', '/sys/fs/cgroup'] });
  if (r.exitCode !== 0) throw new ModuleError(`cannot read /sys/fs/cgroup: ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  return r.stdout.trim() === 'cgroup2fs';
}

/** The container's interface (common.conf: lxc.net.0.name). */
const CONTAINER_IF = 'eth0';

/** The host-side index of a veth's peer, from `ip -o link show dev eth0` run in the container's netns (`2: eth0@if82: ...`). */
export function peerIndexOf(ipLink: string): string | null {
  return /^\d+:\s*[^@:\s]+@if(\d+):/m.exec(ipLink)?.[1] ?? null;
}

/** The name of the host interface with that index, from the host's `ip -o link show`. */
export function linkNameOf(ipLinks: string, index: string): string | null {
  for (const line of ipLinks.split('\n')) {
    const m = /^(\d+):\s*([^@:\s]+)[@:]/.exec(line);
    if (m && m[1] === index) return m[2] ?? null;
  }
  return null;
}

/**
 * The host side of a running container's veth. LXC names it anew at each start and lxc-info does
 * not show it: the container's eth0 knows its peer's index (read in the container's netns).
 */
async function hostVeth(host: HostContext, pid: number | undefined): Promise<string | null> {
  if (pid === undefined) return null;
  const index = peerIndexOf(await host.run(['nsenter', '-t', String(pid), '-n', 'ip', '-o', 'link', 'show', 'dev', CONTAINER_IF]));
  return index === null ? null : linkNameOf(await host.run(['ip', '-o', 'link', 'show']), index);
}

async function gatherLimits(host: HostContext, a: Args): Promise<LimitsState> {
  const [info, cgroupV2] = await Promise.all([host.exec({ argv: ['lxc-info', '-n', a.name] }), cgroupIsV2(host)]);
  let lxc;
  try {
    lxc = parseLxcInfo(info.stdout, info.stderr, info.exitCode);
  } catch (e) {
    throw new ModuleError(e instanceof Error ? e.message : String(e), { rc: info.exitCode, stderr: info.stderr });
  }
  const running = lxc.state === 'running';
  // lxc-info already gave the container's init pid: its netns holds eth0, which names the host's veth.
  const s: LimitsState = { running, cgroupV2, veth: running && a.bandwidth !== undefined ? await hostVeth(host, lxc.pid) : null };
  // A stopped container gets its limits from its config and the veth hook when it starts.
  if (!s.running) return s;
  if (a.memory !== undefined) {
    s.memory = parseCgroupLimit(await host.run(['lxc-cgroup', '-n', a.name, memoryKey(cgroupV2)]));
  }
  if (a.bandwidth !== undefined) {
    if (!s.veth) throw new ModuleError(`${a.name}: no host-side veth found for the container's ${CONTAINER_IF}`);
    try {
      s.qdisc = parseRootQdisc(await host.run(['tc', '-j', 'qdisc', 'show', 'dev', s.veth, 'root']));
    } catch (e) {
      throw new ModuleError(`${a.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return s;
}

const describeQdisc = (q: RootQdisc | null | undefined): string => (q?.kind === 'tbf' && q.bps !== null ? formatRate(q.bps) : 'none');

export function planLimits(a: Args, s: LimitsState): LimitsChange[] {
  if (!s.running) return [];
  const changes: LimitsChange[] = [];
  if (a.memory !== undefined && s.memory !== undefined) {
    const wanted = parseSize(a.memory);
    if (!sameMemoryLimit(wanted, s.memory)) {
      const key = memoryKey(s.cgroupV2);
      const argv = ['lxc-cgroup', '-n', a.name, key, memoryValue(s.cgroupV2, wanted)];
      const before = formatSize(s.memory);
      changes.push({ action: 'memory', target: a.name, summary: `set ${a.name}'s ${key} from ${before} to ${formatSize(wanted)}`, before: `${key} = ${before}\n`, after: `${key} = ${formatSize(wanted)}\n`, data: argv });
    }
  }
  if (a.bandwidth !== undefined && s.qdisc !== undefined && s.veth) {
    const wanted = a.bandwidth === 'none' ? null : parseRate(a.bandwidth);
    if (!sameRate(wanted, s.qdisc)) {
      const before = describeQdisc(s.qdisc);
      const after = wanted === null ? 'none' : formatRate(wanted);
      const argv = wanted === null ? ['tc', 'qdisc', 'del', 'dev', s.veth, 'root'] : tbfArgv(s.veth, wanted);
      changes.push({
        action: 'bandwidth', target: a.name, summary: `set the bandwidth into ${a.name} (tbf on ${s.veth}) from ${before} to ${after}`,
        before: `bandwidth = ${before}\n`, after: `bandwidth = ${after}\n`, data: argv,
      });
    }
  }
  return changes;
}

export default defineModule({
  name: 'container_limits',
  doc:
    'Sets a running container\'s limits live: its cgroup memory limit (`lxc-cgroup` on memory.max under cgroup v2, ' +
    'memory.limit_in_bytes under v1, whichever the host has) and a tbf qdisc at the root of its host-side veth ' +
    '(`tc qdisc replace`), which caps what the host sends into the container (none removes it). A stopped container is ' +
    'left alone: its config and the veth hook give it the limits when it starts. Changed when a live value differed; ' +
    'the diff shows the old and new values. Registers memory, bandwidth and veth.',
  example: ['- container_limits:', '    name: acme-svr', '    memory: 512M', '    bandwidth: 10mbit'].join('\n'),
  args,
  gather: gatherLimits,
  plan: planLimits,
  async apply(host, _a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'memory':
        case 'bandwidth':
          if (c.data) await host.run(c.data);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => ({ name: a.name, running: s.running, memory: a.memory ?? null, bandwidth: a.bandwidth ?? null, veth: s.veth }),
});
