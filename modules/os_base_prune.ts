// os_base_prune: deletes OS bases that no container uses and that are older than the newest `keep`.
// Which bases are in use comes from every container's LXC config (its overlayfs lower dir) and from
// its customer record, so a base is never deleted under a container.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { OnlyChange } from '../runner/types.js';
import { baseOfLower, parseRootfsPath, planPrune, type PrunePlan } from './lib/osbase/usage.js';

const args = Type.Object(
  {
    bases_dir: Type.String({ pattern: '^/', description: 'The os-bases directory (e.g. /srv/osm-lxc/lxc/os-bases).' }),
    containers_dir: Type.String({ pattern: '^/', description: 'The containers directory whose <name>/lxc.container.conf and osm-customer.json say which base each uses.' }),
    keep: Type.Integer({ minimum: 1, maximum: 1000, default: 2, description: 'How many of the newest bases (by name, which starts with the build time) are always kept.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

/** The one change: delete an unused base (target is its directory). */
export type OsBasePruneChange = OnlyChange<'delete'>;

interface PruneState {
  bases: string[];
  /** Base → containers using it. */
  used: Record<string, string[]>;
  plan: PrunePlan;
}

async function listDirs(host: HostContext, dir: string): Promise<string[]> {
  const r = await host.exec({ argv: ['find', dir, '-mindepth', '1', '-maxdepth', '1', '-type', 'd', '-printf', '%f\\n'] });
  if (r.exitCode !== 0 && (await host.stat(dir)) !== null) throw new ModuleError(`listing ${dir} failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  // .partial-* is a build in progress or an interrupted one: os_base clears those itself.
  return r.exitCode === 0 ? r.stdout.split('\n').filter((n) => n && !n.startsWith('.')) : [];
}

/** The base a customer record names; a record that is not JSON stops the prune, as an unreadable config does. */
function recordBase(text: string | null, path: string): string | null {
  if (!text) return null;
  let doc: { os_base?: unknown } | null;
  try {
    doc = JSON.parse(text) as { os_base?: unknown } | null;
  } catch {
    throw new ModuleError(`${path}: not JSON; cannot tell which base it uses, so nothing is pruned`);
  }
  return typeof doc?.os_base === 'string' ? doc.os_base : null;
}

async function gatherPrune(host: HostContext, a: Args): Promise<PruneState> {
  const [bases, containers] = await Promise.all([listDirs(host, a.bases_dir), listDirs(host, a.containers_dir)]);
  const used: Record<string, string[]> = {};
  const use = (base: string | null, container: string): void => {
    if (base && !(used[base] ??= []).includes(container)) used[base].push(container);
  };
  for (const c of containers.sort()) {
    const [config, record] = await Promise.all([host.readFile(`${a.containers_dir}/${c}/lxc.container.conf`), host.readFile(`${a.containers_dir}/${c}/osm-customer.json`)]);
    const rootfs = config === null ? null : parseRootfsPath(config);
    if (config !== null && rootfs === null) {
      throw new ModuleError(`${a.containers_dir}/${c}/lxc.container.conf: no overlayfs lxc.rootfs.path; cannot tell which base it uses, so nothing is pruned`);
    }
    use(rootfs ? baseOfLower(rootfs.lower, a.bases_dir) : null, c);
    use(recordBase(record, `${a.containers_dir}/${c}/osm-customer.json`), c);
  }
  return { bases, used, plan: planPrune(bases, used, a.keep) };
}

export default defineModule({
  name: 'os_base_prune',
  doc:
    'Deletes the OS bases under bases_dir that no container uses and that are not among the newest `keep` (names start with ' +
    'the build time, so they sort by age). A base is in use when a container\'s lxc.container.conf has it as the overlayfs ' +
    'lower dir, or its osm-customer.json records it; a config whose rootfs cannot be read, or a record that is not JSON, stops the prune. Changed when it ' +
    'deletes a base; check mode lists them. Registers deleted (names) and kept (name → why).',
  example: ['- os_base_prune:', '    bases_dir: /srv/osm-lxc/lxc/os-bases', '    containers_dir: /srv/osm-lxc/lxc/containers', '    keep: 2'].join('\n'),
  args,
  gather: gatherPrune,
  plan: (a, s): OsBasePruneChange[] =>
    s.plan.delete.map((b) => ({ action: 'delete', target: `${a.bases_dir}/${b}`, summary: `delete OS base ${b} (unused, older than the newest ${a.keep})` })),
  async apply(host, _a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'delete':
          // A base is sealed read-only, and btrfs deletes it as it is.
          await host.run(['btrfs', 'subvolume', 'delete', '-c', c.target]);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (_a, s) => ({ deleted: s.plan.delete, kept: s.plan.keep }),
});
