// service_settings: a service runs with the current contents of the files it reads at start. The
// digest of those files is recorded when the service is (re)started; files that differ from the
// record, or a service that is not running, restart it. A run killed between writing a setting and
// restarting the service is put right by the next run, without any notify having to survive.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import { writeValidated } from '../runner/kit/index.js';
import type { OnlyChange } from '../runner/types.js';
import { backendFor, statusCommand, verbCommands, type Backend } from './service.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9@._:-]+$', description: 'Service (systemd unit or init script) that reads the files.' }),
    files: Type.Array(Type.String({ pattern: '^/' }), { minItems: 1, description: 'The settings files the service reads when it starts.' }),
    record_dir: Type.String({
      pattern: '^/',
      default: '/var/lib/osm-play/service-settings',
      description: 'Where the digest of the files the service was last started with is kept (NAME.sha256).',
    }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface SettingsState {
  backend: Backend;
  running: boolean;
  /** sha256sum lines of the files now. */
  current: string;
  /** The record of the files the service was last restarted with (null: none). */
  recorded: string | null;
}

// sha256sum of each file; the names arrive as arguments, never inside the script.
const DIGEST = 'sha256sum -- "$@"';

function recordPath(a: Args): string {
  return posix.join(a.record_dir, `${a.name}.sha256`);
}

/** The one change: (re)start the service, with the commands that do it. */
export type ServiceSettingsChange = OnlyChange<'restart', string[][]>;

export function planSettings(a: Args, s: SettingsState): ServiceSettingsChange[] {
  const why = !s.running ? 'it is not running' : s.recorded === null ? 'no record of the settings it runs with' : s.recorded !== s.current ? 'its settings changed since it started' : '';
  if (!why) return [];
  const verb = s.running ? 'restart' : 'start';
  return [{ action: 'restart', target: a.name, summary: `${verb} ${a.name}: ${why}`, before: s.recorded ?? '', after: s.current, data: verbCommands({ name: a.name }, s.backend, verb) }];
}

export default defineModule({
  name: 'service_settings',
  doc:
    'Makes sure a service runs with the current contents of its settings files. The sha256 of the files is recorded (record_dir/NAME.sha256) ' +
    'each time this module restarts the service; it is changed when the files differ from that record, when there is no record, or when ' +
    'the service is not running, and then restarts (or starts) the service and records the digest. Use it instead of a notify handler ' +
    'where a run killed between a file change and the handler must not leave the service on old settings.',
  example: ['- name: The broker runs its current settings', '  service_settings:', '    name: mosquitto', '    files: [/etc/mosquitto/conf.d/10-osm.conf, /etc/mosquitto/osm.acl]'].join('\n'),
  args,
  async gather(host, a): Promise<SettingsState> {
    const [sd, init] = await Promise.all([host.stat('/run/systemd/system'), host.stat(`/etc/init.d/${a.name}`)]);
    const backend = backendFor({ name: a.name }, sd?.isDir ?? false, init !== null);
    const [digest, recorded, status] = await Promise.all([
      host.exec({ argv: ['/bin/sh', '-c', DIGEST, 'sh', ...a.files] }),
      host.readFile(recordPath(a)),
      host.exec({ argv: statusCommand({ name: a.name }, backend) }),
    ]);
    if (digest.exitCode !== 0) throw new ModuleError(`${a.name}: cannot read its settings: ${digest.stderr.trim()}`, { rc: digest.exitCode, stderr: digest.stderr });
    return { backend, running: status.exitCode === 0, current: digest.stdout, recorded };
  },
  plan: planSettings,
  async apply(host, a, changes, s) {
    for (const c of changes) {
      switch (c.action) {
        case 'restart':
          for (const argv of c.data ?? []) await host.run(argv);
          break;
        default:
          unknownChange(c);
      }
    }
    // Recorded only once the service took the settings: a kill before this restarts it again next run.
    await host.run(['mkdir', '-p', '--', a.record_dir]);
    await writeValidated(host, recordPath(a), s.current, { mode: 0o644 });
  },
  result: (a, s, changes) => ({ name: a.name, restarted: changes.length > 0, backend: s.backend }),
});
