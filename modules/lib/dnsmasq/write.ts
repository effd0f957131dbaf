// The write path of dnsmasq_host: recompute on fresh content, write through writeValidated with
// `dnsmasq --test` as the validator and a compare-and-swap on what was read (a changed file means
// recompute and retry), drop leases, reload; a failed reload restores the old file.
import { ModuleError, type HostContext } from '../../../runner/module.js';
import type { DnsmasqHostArgs } from '../../dnsmasq_host.js';
import type { HostsFormat } from './dhcp-hosts.js';
import { describeRestart, LXC_DNSMASQ_PID, restartDnsmasqArgv } from './restart.js';
import { FileChangedError, writeValidated } from '../../../runner/kit/write-validated.js';

interface Texts {
  text: string;
  leases: string;
  ip?: string;
  mac?: string;
}

/** What the write path reads of dnsmasq_host's arguments (defaults filled in). */
type WriteArgs = Pick<DnsmasqHostArgs, 'file' | 'format' | 'leases_file' | 'reload_command' | 'lxc_net'>;

const ATTEMPTS = 5;
/**
 * How dnsmasq takes the new file: reload_command when given; a dhcp-hostsfile is re-read on SIGHUP;
 * dhcp-host lines of a conf file are read only when dnsmasq starts, so it is restarted (alone: see
 * restart.ts for why not `lxc-net restart`).
 */
export function reloadArgv(a: WriteArgs): string[] {
  if (a.reload_command) return a.reload_command;
  return a.format === 'conf' ? restartDnsmasqArgv(LXC_DNSMASQ_PID, a.lxc_net) : ['pkill', '-HUP', '-F', LXC_DNSMASQ_PID];
}

/** reloadArgv in words, for the plan and errors. */
export function describeReload(a: WriteArgs): string {
  if (!a.reload_command && a.format === 'conf') return describeRestart(LXC_DNSMASQ_PID, a.lxc_net);
  return `reload dnsmasq: ${reloadArgv(a).join(' ')}`;
}

/** `dnsmasq --test` on the candidate; a hostsfile is checked as the dhcp-host options it stands for. */
async function validate(host: HostContext, tmp: string, text: string, format: HostsFormat): Promise<void> {
  let conf = tmp;
  if (format === 'hostsfile') {
    conf = `${tmp}.test`;
    const asConf = text
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      .map((l) => `dhcp-host=${l.trim()}\n`)
      .join('');
    await host.writeFile(conf, asConf, { mode: 0o600 });
  }
  try {
    const r = await host.exec({ argv: ['dnsmasq', '--test', '-C', conf] });
    if (r.exitCode !== 0) {
      throw new ModuleError(`dnsmasq --test rejected the new file, left unchanged: ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
    }
  } finally {
    if (conf !== tmp) await host.exec({ argv: ['rm', '-f', '--', conf] });
  }
}

/** Puts `after` in place if `path` still holds `before`; false when another writer changed it meanwhile. */
async function swapIn(host: HostContext, path: string, before: string, after: string, format: HostsFormat | null): Promise<boolean> {
  const st = await host.stat(path);
  try {
    await writeValidated(host, path, after, {
      known: { content: st ? Buffer.from(before) : null, stat: st },
      mode: st ? undefined : 0o644,
      validate: format ? (h, tmp) => validate(h, tmp, after, format) : undefined,
      unchangedSince: before === '' && !st ? null : before,
    });
    return true;
  } catch (e) {
    if (e instanceof FileChangedError) return false;
    throw e;
  }
}

export async function writeHostsFile(
  host: HostContext,
  a: WriteArgs,
  compute: (s: { text: string; leases: string }) => Texts,
): Promise<{ changed: boolean; ip?: string; mac?: string }> {
  const { file, leases_file: leasesFile, format } = a;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const [text, leases] = await Promise.all([host.readFile(file), host.readFile(leasesFile)]);
    const before = { text: text ?? '', leases: leases ?? '' };
    const want = compute(before);
    if (want.text === before.text && want.leases === before.leases) return { changed: false, ip: want.ip, mac: want.mac };
    if (want.text !== before.text && !(await swapIn(host, file, before.text, want.text, format))) continue;
    if (want.leases !== before.leases) await swapIn(host, leasesFile, before.leases, want.leases, null);
    const reload = reloadArgv(a);
    if (reload.length) {
      const r = await host.exec({ argv: reload });
      if (r.exitCode !== 0) {
        if (want.text !== before.text) {
          await swapIn(host, file, want.text, before.text, null);
          await host.exec({ argv: reload });
        }
        throw new ModuleError(`${describeReload(a)} failed, previous ${file} restored: ${r.stderr.trim() || r.stdout.trim()}`, {
          rc: r.exitCode,
          stderr: r.stderr,
          argv: reload,
        });
      }
    }
    return { changed: true, ip: want.ip, mac: want.mac };
  }
  throw new ModuleError(`${file} kept changing under us (${ATTEMPTS} attempts); another run is busy with it`);
}
