// setup: gathers facts with one remote command (a POSIX sh script) and sets them as `ansible_facts`
// and as top-level `ansible_*` variables. Also what play-level gather_facts runs.
import { Type, type Static } from '@sinclair/typebox';
import { defineReadOnlyModule, type HostContext } from '../runner/module.js';
import type { Vars } from '../runner/types.js';
import { FACTS_SCRIPT, filterFacts, parseFacts, resolveSubsets } from './lib/facts/gather.js';

const List = (description: string) => Type.Union([Type.Array(Type.String()), Type.String()], { description });

const args = Type.Object(
  {
    gather_subset: Type.Optional(List("Subsets to gather: all (default), min, hardware, network, virtual, distribution, platform, env, date_time, user, lsb...; '!name' excludes. A list or comma-separated.")),
    filter: Type.Optional(List("Only facts whose name (ansible_x) matches one of these shell-style patterns, e.g. 'ansible_distribution*'.")),
    gather_timeout: Type.Integer({ default: 10, minimum: 1, description: 'Seconds the gathering command may take.' }),
    fact_path: Type.Optional(Type.String({ description: 'Accepted for compatibility; local facts (facts.d) are not gathered.' })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

const listOf = (v: string[] | string | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter((x) => x !== '');

/** Facts keyed as Ansible registers them: `ansible_` prefixed. */
export function prefixed(facts: Vars): Vars {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [`ansible_${k}`, v]));
}

/** Runs the gathering script and returns the facts (names without the prefix). */
export async function gatherFacts(host: HostContext, a: Pick<Args, 'gather_subset' | 'filter' | 'gather_timeout'>): Promise<Vars> {
  const out = await host.run(['sh', '-c', FACTS_SCRIPT], { timeoutMs: a.gather_timeout * 1000 });
  return filterFacts(parseFacts(out, resolveSubsets(listOf(a.gather_subset))), listOf(a.filter));
}

export default defineReadOnlyModule({
  name: 'setup',
  doc:
    'Gathers facts about the host in one remote command (os_family, distribution*, hostname, fqdn, architecture, kernel, service_mgr, ' +
    'pkg_mgr, default_ipv4, interfaces, memtotal_mb, processor_*, virtualization_*, lsb, env, date_time, mounts...) and sets them as ' +
    '`ansible_facts.NAME` and `ansible_NAME`. Honours gather_subset and filter. Never changed. Play-level gather_facts runs it.',
  example: ['- setup:', '    gather_subset: [min, network]'].join('\n'),
  args,
  gather: gatherFacts,
  result: (_a, facts) => ({ ansible_facts: prefixed(facts) }),
});
