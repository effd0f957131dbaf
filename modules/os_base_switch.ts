// os_base_switch: points a stopped container's overlayfs lower dir at another OS base, and records
// the base in the customer's record. Refuses, naming them, when the container's own layer holds
// files where the old base's packages live (they would shadow the new base's), unless forced.
// The record also carries a rebase's way back (rebase_undo) while the rebase is unfinished, so a
// run killed half-way can be finished or undone by the next one.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { writeValidated } from '../runner/kit/index.js';
import type { Change } from '../runner/types.js';
import { baseOfLower, parseRootfsPath, withLower, type RootfsPath } from './lib/osbase/usage.js';
import { PACKAGE_PATHS, shadowingFiles } from './lib/osbase/shadow.js';

const args = Type.Object(
  {
    config: Type.String({ pattern: '^/', description: 'The container\'s LXC config (…/containers/NAME/lxc.container.conf).' }),
    bases_dir: Type.String({ pattern: '^/', description: 'The os-bases directory.' }),
    base: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'The base to switch to (a name under bases_dir).' }),
    record: Type.Optional(Type.String({ pattern: '^/', description: 'The customer record (osm-customer.json) whose os_base is set to base.' })),
    allowed: Type.Array(Type.String(), {
      default: [],
      description: 'Layer paths under the package directories that provisioning writes (exact, or a prefix ending in /): not counted as shadowing.',
    }),
    force: Type.Boolean({ default: false, description: 'Switch even when the layer shadows package-managed files of the base; the summary names what is overridden.' }),
    undo: Type.Optional(
      Type.Object(
        {
          base: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'The base the customer was on before the rebase.' }),
          snapshot: Type.Integer({ minimum: 0, description: 'The snapper snapshot of the customer taken before it.' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

interface SwitchState {
  config: string;
  rootfs: RootfsPath;
  /** The base the container is on now (null: its lower dir is not a base under bases_dir). */
  from: string | null;
  record: Record<string, unknown> | null;
  shadowing: string[];
  baseExists: boolean;
}

const SHOWN = 20;

async function layerFiles(host: HostContext, upper: string): Promise<string[]> {
  const root = upper.replace(/\/+$/, '');
  // Everything but directories: files, links and overlayfs whiteouts (character devices) all shadow.
  // find exits 1 for package dirs the layer does not have; what it listed from the others still counts.
  const r = await host.exec({ argv: ['find', '-P', ...PACKAGE_PATHS.map((p) => `${root}/${p}`), '!', '-type', 'd', '-printf', '%p\\0'] });
  if (r.exitCode > 1) throw new ModuleError(`listing ${root} failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  return r.stdout
    .split('\0')
    .filter((f) => f.startsWith(`${root}/`))
    .map((f) => f.slice(root.length + 1));
}

function parseRecord(text: string | null, path: string): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const doc: unknown = JSON.parse(text);
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ModuleError(`${path}: not a JSON object; the customer record cannot be updated`);
}

async function gatherSwitch(host: HostContext, a: Args): Promise<SwitchState> {
  const [config, recordText, baseStat] = await Promise.all([host.readFile(a.config), a.record ? host.readFile(a.record) : Promise.resolve(null), host.stat(`${a.bases_dir}/${a.base}`)]);
  if (config === null) throw new ModuleError(`config: ${a.config} does not exist`);
  const rootfs = parseRootfsPath(config);
  if (!rootfs) throw new ModuleError(`${a.config}: no overlayfs lxc.rootfs.path line`);
  const from = baseOfLower(rootfs.lower, a.bases_dir);
  const shadowing = from === a.base ? [] : shadowingFiles(await layerFiles(host, rootfs.upper), a.allowed);
  return { config, rootfs, from, record: a.record ? parseRecord(recordText, a.record) : null, shadowing, baseExists: baseStat?.isDir === true };
}

/** A rebase's way back, kept in the record (rebase_undo) until the rebase is finished or undone. */
export interface RebaseUndo {
  base: string;
  snapshot: number;
}

const UNDO_KEY = 'rebase_undo';

/** The record as this task leaves it: os_base set, rebase_undo set to undo or removed without one. */
export function nextRecord(record: Record<string, unknown> | null, base: string, undo: RebaseUndo | undefined): Record<string, unknown> {
  const { [UNDO_KEY]: _old, ...rest } = record ?? {};
  return { ...rest, os_base: base, ...(undo ? { [UNDO_KEY]: { base: undo.base, snapshot: undo.snapshot } } : {}) };
}

/** A valid rebase_undo of a record, or null (none, or not of that shape). */
export function undoOf(record: Record<string, unknown> | null): RebaseUndo | null {
  const u = record?.[UNDO_KEY] as { base?: unknown; snapshot?: unknown } | undefined;
  return typeof u?.base === 'string' && Number.isInteger(u.snapshot) ? { base: u.base, snapshot: u.snapshot as number } : null;
}

export type SwitchChange = Change<'switch'> | Change<'record'>;

export function planSwitch(a: Args, s: SwitchState): SwitchChange[] {
  const changes: SwitchChange[] = [];
  const to = `${a.bases_dir.replace(/\/+$/, '')}/${a.base}`;
  if (s.from !== a.base) {
    if (!s.baseExists) throw new ModuleError(`base: ${to} does not exist`);
    const list = (f: string[]): string => `${f.slice(0, SHOWN).map((x) => `/${x}`).join(', ')}${f.length > SHOWN ? ` and ${f.length - SHOWN} more` : ''}`;
    if (s.shadowing.length > 0 && !a.force) {
      throw new ModuleError(
        `${a.config}: the container's layer ${s.rootfs.upper} shadows package-managed files of base ${s.from ?? s.rootfs.lower}: ${list(s.shadowing)}; ` +
          'moving it to another base would mix two sets of packages (force=true overrides)',
      );
    }
    const forced = s.shadowing.length > 0 ? ` (force: keeping the layer's own ${list(s.shadowing)} over the new base)` : '';
    changes.push({ action: 'switch', target: a.config, summary: `switch the lower layer from ${s.from ?? s.rootfs.lower} to ${a.base}${forced}` });
  }
  if (a.record && JSON.stringify(nextRecord(s.record, a.base, a.undo)) !== JSON.stringify(s.record)) {
    const undo = a.undo ? `, the way back to ${a.undo.base} (snapshot ${a.undo.snapshot})` : undoOf(s.record) ? ', the rebase finished' : '';
    changes.push({ action: 'record', target: a.record, summary: `record os_base ${a.base}${undo}` });
  }
  return changes;
}

export default defineModule({
  name: 'os_base_switch',
  doc:
    'Points a container\'s overlayfs lower dir (lxc.rootfs.path in its config) at another OS base under bases_dir, and sets ' +
    'os_base in the customer record. Before a switch it lists the container\'s own layer under /usr, /lib, /bin, /sbin, ' +
    '/etc/alternatives and /var/lib/dpkg: any file there that is not in allowed shadows the old base\'s packages and the ' +
    'switch is refused naming them, unless force=true (the summary then names what is overridden). The container should ' +
    'be stopped. With record, undo (the base and snapshot to go back to) is kept in the record as rebase_undo while a ' +
    'rebase is unfinished; a task without undo removes it. Changed when the config or the record changes. Registers ' +
    'from, to, shadowing and undo (the record\'s rebase_undo before the task, or null).',
  example: [
    '- os_base_switch:',
    '    config: /srv/osm-lxc/lxc/containers/acme-svr/lxc.container.conf',
    '    bases_dir: /srv/osm-lxc/lxc/os-bases',
    '    base: 20270101-030000-bookworm',
    '    record: /srv/osm-lxc/lxc/containers/acme-svr/osm-customer.json',
  ].join('\n'),
  args,
  gather: gatherSwitch,
  plan: planSwitch,
  async apply(host, a, changes, s) {
    for (const c of changes) {
      switch (c.action) {
        case 'switch':
          await writeValidated(host, a.config, withLower(s.config, s.rootfs, `${a.bases_dir.replace(/\/+$/, '')}/${a.base}`), { mode: 0o644 });
          break;
        case 'record':
          await writeValidated(host, c.target, `${JSON.stringify(nextRecord(s.record, a.base, a.undo))}\n`, { mode: 0o644 });
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => ({ from: s.from, to: a.base, shadowing: s.shadowing.map((f) => `/${f}`), undo: undoOf(s.record) }),
});
