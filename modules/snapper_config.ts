// snapper_config: a snapper config for a subvolume, with settings; absent deletes its snapshots,
// then the config. snapper keeps /etc/default/snapper's SNAPPER_CONFIGS itself.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { parseGetConfig, parseSnapshotList } from './lib/snapper/output.js';
import { listConfigs, SNAPPER_CONFIG_NAME, snapperArgv } from './lib/snapper/run.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: SNAPPER_CONFIG_NAME, description: 'Config name (never `root`); OSM uses the container name.' }),
    subvolume: Type.Optional(Type.String({ pattern: '^/', description: 'The btrfs subvolume to snapshot; needed for present.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present creates the config and sets settings; absent deletes every snapshot and then the config.',
    }),
    // One `type` list, not a union: the run-time validator coerces, and coerces a union's value to its
    // first member (false to 'false'); with a list it coerces only a value of none of the types.
    settings: Type.Record(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }), Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'] }), {
      default: {},
      description: 'Config keys to set, e.g. {NUMBER_LIMIT: 10, TIMELINE_CREATE: false}; booleans become yes/no. Other keys are left alone.',
    }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface SnapperConfigState {
  exists: boolean;
  subvolume?: string;
  settings: Record<string, string>;
  snapshots: number[];
}

/** What snapper_config plans: apply() handles exactly these. */
export type SnapperConfigChange =
  | Change<'create-config'>
  | Change<'set-config', string[]>
  | Change<'delete-snapshots', number[]>
  | Change<'delete-config'>;

export function settingValue(v: string | number | boolean): string {
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
}

export function planSnapperConfig(a: Args, s: SnapperConfigState): SnapperConfigChange[] {
  if (a.state === 'absent') {
    if (!s.exists) return [];
    const del: SnapperConfigChange[] = s.snapshots.length
      ? [{ action: 'delete-snapshots', target: a.name, summary: `delete snapshots ${s.snapshots.join(' ')} of ${a.name}`, data: s.snapshots }]
      : [];
    return [...del, { action: 'delete-config', target: a.name, summary: `delete snapper config ${a.name}` }];
  }
  const changes: SnapperConfigChange[] = [];
  if (!s.exists) changes.push({ action: 'create-config', target: a.name, summary: `create snapper config ${a.name} for ${a.subvolume ?? '?'}` });
  const wanted = Object.entries(a.settings).map(([k, v]) => [k, settingValue(v)] as const);
  // A new config starts from snapper's template, which we do not know here: set every wanted key.
  const differing = wanted.filter(([k, v]) => !s.exists || s.settings[k] !== v);
  if (differing.length) {
    changes.push({
      action: 'set-config',
      target: `snapper config ${a.name}`,
      summary: `set ${differing.map(([k, v]) => `${k}=${v}`).join(' ')} in snapper config ${a.name}`,
      before: s.exists ? differing.map(([k]) => `${k}=${s.settings[k] ?? ''}`).join('\n') + '\n' : '',
      after: differing.map(([k, v]) => `${k}=${v}`).join('\n') + '\n',
      data: differing.map(([k, v]) => `${k}=${v}`),
    });
  }
  return changes;
}

export default defineModule({
  name: 'snapper_config',
  doc:
    'Ensures a snapper config exists for a btrfs subvolume, with the given settings (all snapper calls run ' +
    '`snapper --no-dbus`, so no D-Bus or systemd is needed). Changed when it creates the config or a listed ' +
    'setting differs (`get-config`). absent deletes every snapshot of the config and then the config ' +
    '(`delete-config`). The name `root` is refused. snapper maintains SNAPPER_CONFIGS in /etc/default/snapper itself.',
  example: [
    '- name: Snapshots of the customer container',
    '  snapper_config:',
    '    name: "{{ customer_name }}-svr"',
    '    subvolume: "/srv/osm-lxc/lxc/containers/{{ customer_name }}-svr"',
    '    settings: { NUMBER_LIMIT: 10, TIMELINE_CREATE: false }',
  ].join('\n'),
  args,
  async gather(host, a): Promise<SnapperConfigState> {
    const absent = a.state === 'absent';
    // Side by side; get-config and list simply fail when the config does not exist.
    const [configs, got, listed] = await Promise.all([
      listConfigs(host),
      host.exec({ argv: snapperArgv(a.name, '--jsonout', 'get-config') }),
      absent ? host.exec({ argv: snapperArgv(a.name, '--jsonout', 'list') }) : Promise.resolve(null),
    ]);
    const found = configs.find((c) => c.name === a.name);
    if (!found) {
      if (a.state === 'present' && !a.subvolume) throw new ModuleError(`snapper config ${a.name} does not exist: subvolume is required to create it`);
      return { exists: false, settings: {}, snapshots: [] };
    }
    if (a.state === 'present' && a.subvolume && found.subvolume !== a.subvolume.replace(/(.)\/+$/, '$1')) {
      throw new ModuleError(`snapper config ${a.name} is for ${found.subvolume}, not ${a.subvolume}; delete it first to move it`);
    }
    if (got.exitCode !== 0) throw new ModuleError(`snapper -c ${a.name} get-config failed: ${got.stderr.trim()}`, { rc: got.exitCode, stderr: got.stderr });
    if (listed && listed.exitCode !== 0) throw new ModuleError(`snapper -c ${a.name} list failed: ${listed.stderr.trim()}`, { rc: listed.exitCode, stderr: listed.stderr });
    const settings = parseGetConfig(got.stdout);
    const snapshots = listed ? parseSnapshotList(listed.stdout, a.name).map((x) => x.number) : [];
    return { exists: true, subvolume: found.subvolume, settings, snapshots };
  },
  plan: (a, s) => planSnapperConfig(a, s),
  async apply(host, a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'create-config':
          await host.run(snapperArgv(a.name, 'create-config', a.subvolume ?? ''));
          break;
        case 'set-config':
          await host.run(snapperArgv(a.name, 'set-config', ...(c.data ?? [])));
          break;
        case 'delete-snapshots':
          await host.run(snapperArgv(a.name, 'delete', ...(c.data ?? []).map(String)));
          break;
        case 'delete-config':
          await host.run(snapperArgv(a.name, 'delete-config'));
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s) => ({ name: a.name, exists: a.state === 'present', subvolume: a.subvolume ?? s.subvolume }),
});
