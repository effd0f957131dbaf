// Every snapper call goes through here: `--no-dbus` (no D-Bus/systemd on these hosts) and JSON output.
import type { HostContext } from '../../../runner/module.js';
import { parseListConfigs, parseSnapshotList, type SnapperConfigEntry, type SnapperSnapshot } from './output.js';

/** Config names we accept: snapper's own rules, minus `root` (the host's own config, never ours). */
export const SNAPPER_CONFIG_NAME = '^(?!root$)[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

export function snapperArgv(config: string | undefined, ...rest: string[]): string[] {
  return ['snapper', '--no-dbus', ...(config === undefined ? [] : ['-c', config]), ...rest];
}

export async function listConfigs(host: HostContext): Promise<SnapperConfigEntry[]> {
  return parseListConfigs(await host.run(snapperArgv(undefined, '--jsonout', 'list-configs')));
}

export async function listSnapshots(host: HostContext, config: string): Promise<SnapperSnapshot[]> {
  return parseSnapshotList(await host.run(snapperArgv(config, '--jsonout', 'list')), config);
}
