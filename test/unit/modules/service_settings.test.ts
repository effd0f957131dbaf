import { describe, expect, it } from 'vitest';
import serviceSettings, { planSettings, type SettingsState } from '../../../modules/service_settings.js';
import type { HostContext } from '../../../runner/module.js';
import type { ExecResult } from '../../../runner/connection/types.js';

// The schema's defaults, as runModule applies them.
const a = { name: 'mosquitto', files: ['/etc/mosquitto/conf.d/10-osm.conf', '/etc/mosquitto/osm.acl'], record_dir: '/var/lib/osm-play/service-settings' };
const sums = (conf: string, acl: string) => `${conf}  /etc/mosquitto/conf.d/10-osm.conf\n${acl}  /etc/mosquitto/osm.acl\n`;
const now = sums('a'.repeat(64), 'b'.repeat(64));
const st = (over: Partial<SettingsState>): SettingsState => ({ backend: 'systemd', running: true, current: now, recorded: now, ...over });

describe('planSettings', () => {
  it.each([
    ['running with the recorded settings', st({}), []],
    ['first run: no record', st({ recorded: null }), ['restart mosquitto: no record of the settings it runs with']],
    ['one file changed since it started', st({ recorded: sums('a'.repeat(64), 'c'.repeat(64)) }), ['restart mosquitto: its settings changed since it started']],
    ['not running, settings unchanged', st({ running: false }), ['start mosquitto: it is not running']],
    ['not running, no record', st({ running: false, recorded: null }), ['start mosquitto: it is not running']],
  ])('%s', (_t, s, want) => {
    expect(planSettings(a, s).map((c) => c.summary)).toEqual(want);
  });

  it('shows the digest lines as before/after, so the diff names the file that changed', () => {
    const before = sums('a'.repeat(64), 'c'.repeat(64));
    const [c] = planSettings(a, st({ recorded: before }));
    expect(c).toMatchObject({ action: 'restart', target: 'mosquitto', before, after: now });
    const changed = (c?.after ?? '').split('\n').filter((l) => !(c?.before ?? '').split('\n').includes(l));
    expect(changed).toEqual([`${'b'.repeat(64)}  /etc/mosquitto/osm.acl`]);
  });

  it.each([
    ['systemd', 'restart', st({ recorded: null }), [['systemctl', 'restart', 'mosquitto']]],
    ['systemd', 'start', st({ running: false }), [['systemctl', 'start', 'mosquitto']]],
    ['initd', 'restart', st({ backend: 'initd', recorded: null }), [['/etc/init.d/mosquitto', 'restart']]],
    ['service', 'start', st({ backend: 'service', running: false }), [['service', 'mosquitto', 'start']]],
  ] as const)('%s backend, %s: the commands it runs', (_b, _v, s, want) => {
    expect(planSettings(a, s)[0]?.data).toEqual(want);
  });
});

// A host where /run/systemd/system is a directory and each argv gets a canned result.
function fakeHost(digest: ExecResult, record: string | null, statusRc: number): HostContext {
  const host: Partial<HostContext> = {
    stat: async (p: string) => (p === '/run/systemd/system' ? ({ isDir: true } as Awaited<ReturnType<HostContext['stat']>>) : null),
    readFile: async (p: string) => (p === '/var/lib/osm-play/service-settings/mosquitto.sha256' ? record : null),
    exec: async (cmd) => {
      const argv = 'argv' in cmd ? cmd.argv : [];
      if (argv[0] === '/bin/sh') return digest;
      return { stdout: '', stderr: '', exitCode: statusRc } as ExecResult;
    },
  };
  return host as HostContext;
}

describe('service_settings gather', () => {
  it('reads the digest, the record and whether the service runs', async () => {
    const s = await serviceSettings.gather(fakeHost({ stdout: now, stderr: '', exitCode: 0 } as ExecResult, now, 0), a);
    expect(s).toEqual({ backend: 'systemd', running: true, current: now, recorded: now });
    const stopped = await serviceSettings.gather(fakeHost({ stdout: now, stderr: '', exitCode: 0 } as ExecResult, null, 3), a);
    expect(stopped).toMatchObject({ running: false, recorded: null });
  });

  it('fails naming the service and sha256sum\'s complaint when a settings file is missing', async () => {
    const missing = { stdout: `${'a'.repeat(64)}  /etc/mosquitto/conf.d/10-osm.conf\n`, stderr: 'sha256sum: /etc/mosquitto/osm.acl: No such file or directory\n', exitCode: 1 } as ExecResult;
    await expect(serviceSettings.gather(fakeHost(missing, now, 0), a)).rejects.toThrow('mosquitto: cannot read its settings: sha256sum: /etc/mosquitto/osm.acl: No such file or directory');
  });
});
