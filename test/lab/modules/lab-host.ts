// Shared by the module lab tests: a HostContext on this machine (the lab host), a one-call module
// run the way the executor does it, and where this lab keeps things.
import { existsSync, readFileSync } from 'node:fs';
import { hostsfilesOf } from '../../../modules/lib/dnsmasq/dhcp-hosts.js';
import { LocalConnection } from '../../../runner/connection/local.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { runModule, type ModuleRun } from '../../../runner/execute/run-module.js';
import type { AnyModule, HostContext } from '../../../runner/module.js';
import type { Vars } from '../../../runner/types.js';

export function labHost(searchTemplates: string[] = []): HostContext {
  return makeHostContext({ name: 'localhost', conn: new LocalConnection('localhost'), vars: {}, searchDirs: { files: [], templates: searchTemplates } });
}

/** Runs the module with real gather/plan/apply (or check mode); returns the executor's view. */
export function run(mod: AnyModule, args: Vars, opts: { check?: boolean; diff?: boolean } = {}): Promise<ModuleRun> {
  return runModule(mod, labHost(), args, { check: opts.check ?? false, diff: opts.diff ?? true });
}

/** Runs argv on this machine; the exit code and output, never throws. */
export async function sh(argv: string[]): Promise<{ rc: number; out: string }> {
  const r = await new LocalConnection().exec({ argv });
  return { rc: r.exitCode, out: r.stdout + r.stderr };
}

export const LXC_ROOT = '/srv/osm-lxc/lxc';

/** Where lxc-net's dnsmasq takes fixed addresses in this lab: its dhcp-hostsfile if the conf names one. */
export function labDhcpFile(): { file: string; format: 'conf' | 'hostsfile' } {
  const conf = '/etc/lxc/dnsmasq.conf';
  const text = existsSync(conf) ? readFileSync(conf, 'utf8') : '';
  const hostsfile = hostsfilesOf(text)[0];
  return hostsfile ? { file: hostsfile, format: 'hostsfile' } : { file: conf, format: 'conf' };
}
