// Reads of an OSM host that osm_facts and osm_status share: directory listings, the customer
// markers, nginx include files, dnsmasq and hosts files, listening sockets, snapper configs.
import { ModuleError, type HostContext } from '../../../runner/module.js';
import { parseListConfigs } from '../snapper/output.js';
import type { OsmHostRaw } from './host.js';
import { CONFIG_FILE, NGINX_FILE_SUFFIX, RECORD_FILE, containersDir as containersDirOf, deletedDir, nginxHttpDir, nginxStreamDir, osBasesDir } from './layout.js';

export interface OsmPaths {
  lxc_root: string;
  nginx_dir: string;
  dnsmasq_conf: string;
  hosts_file: string;
}

/** Names of the entries of a directory (none when it is missing; a directory that cannot be listed is an error, not "no customers"). */
async function listDir(host: HostContext, dir: string, type: 'd' | 'f'): Promise<string[]> {
  const r = await host.exec({ argv: ['find', dir, '-mindepth', '1', '-maxdepth', '1', '-type', type, '-printf', '%f\\n'] });
  if (r.exitCode !== 0 && (await host.stat(dir)) !== null) throw new ModuleError(`listing ${dir} failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** Snapper configs of subvolumes under containersDir: a config of another tree is no customer's trace here. */
async function snapperConfigs(host: HostContext, containersDir: string): Promise<string[]> {
  const r = await host.exec({ argv: ['snapper', '--no-dbus', '--jsonout', 'list-configs'] });
  if (r.exitCode !== 0) return [];
  // Output snapper gave but we cannot read is an error: dropping it would hide a customer's config.
  let configs;
  try {
    configs = parseListConfigs(r.stdout);
  } catch (e) {
    throw new ModuleError(e instanceof Error ? e.message : String(e), { stdout: r.stdout });
  }
  return configs.filter((c) => c.subvolume.startsWith(`${containersDir}/`)).map((c) => c.name);
}

/** The btrfs UUID of a subvolume: names a container's final copy uniquely per incarnation. */
export async function subvolumeUuid(host: HostContext, path: string): Promise<string | null> {
  const r = await host.exec({ argv: ['btrfs', 'subvolume', 'show', path] });
  return r.exitCode === 0 ? (/^\s*UUID:\s*([0-9a-f-]{36})\s*$/m.exec(r.stdout)?.[1] ?? null) : null;
}

export async function gatherOsmHost(host: HostContext, a: OsmPaths): Promise<OsmHostRaw> {
  const containersDir = containersDirOf(a.lxc_root);
  const streamDir = nginxStreamDir(a.nginx_dir);
  const [osBases, containerDirs, deleted, streamNames, httpNames, dnsmasqConf, hostsFile, ss, snapper] = await Promise.all([
    listDir(host, osBasesDir(a.lxc_root), 'd'),
    listDir(host, containersDir, 'd'),
    listDir(host, deletedDir(a.lxc_root), 'd'),
    listDir(host, streamDir, 'f'),
    listDir(host, nginxHttpDir(a.nginx_dir), 'f'),
    host.readFile(a.dnsmasq_conf),
    host.readFile(a.hosts_file),
    host.exec({ argv: ['ss', '-ltnpH'] }),
    snapperConfigs(host, containersDir),
  ]);
  const markers: Record<string, string | null> = {};
  const configs: Record<string, boolean> = {};
  await Promise.all(
    containerDirs.map(async (d) => {
      markers[d] = await host.readFile(`${containersDir}/${d}/${RECORD_FILE}`);
      configs[d] = (await host.stat(`${containersDir}/${d}/${CONFIG_FILE}`)) !== null;
    }),
  );
  const streamFiles: Record<string, string> = {};
  for (const name of streamNames.filter((n) => n.endsWith(NGINX_FILE_SUFFIX))) streamFiles[`${streamDir}/${name}`] = (await host.readFile(`${streamDir}/${name}`)) ?? '';
  return {
    osBases,
    containerDirs,
    markers,
    configs,
    deleted,
    streamFiles,
    httpFiles: httpNames.filter((n) => n.endsWith(NGINX_FILE_SUFFIX)),
    dnsmasqConf: dnsmasqConf ?? '',
    hostsFile: hostsFile ?? '',
    ss: ss.exitCode === 0 ? ss.stdout : '',
    snapperConfigs: snapper,
  };
}

