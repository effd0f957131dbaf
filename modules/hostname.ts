// hostname: the host's name, live and across reboots: hostnamectl where systemd runs, otherwise
// /etc/hostname plus the `hostname` command (Ansible's debian/generic strategies).
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, unknownChange, type HostContext } from '../runner/module.js';
import type { OnlyChange, Vars } from '../runner/types.js';

const args = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$', description: 'The host name (letters, digits, dots, dashes).' }),
    use: Type.Optional(
      Type.Union([Type.Literal('systemd'), Type.Literal('debian'), Type.Literal('generic')], {
        description: 'How to set it: systemd (hostnamectl), debian or generic (/etc/hostname and `hostname`). Default: systemd when it runs, else debian.',
      }),
    ),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export type Strategy = 'systemd' | 'file';

export interface HostnameState {
  strategy: Strategy;
  /** `hostname` output. */
  current: string;
  /** /etc/hostname's first line, or null when missing. */
  file: string | null;
}

/** The one change: set the name, with the commands that do it. */
export type HostnameChange = OnlyChange<'set', string[][]>;

export function strategyFor(a: Args, systemdRuns: boolean): Strategy {
  if (a.use === 'systemd') return 'systemd';
  if (a.use === 'debian' || a.use === 'generic') return 'file';
  return systemdRuns ? 'systemd' : 'file';
}

/** The commands that set it; the file strategy writes /etc/hostname through a shell with the name as $1. */
export function setCommands(strategy: Strategy, name: string): string[][] {
  if (strategy === 'systemd') return [['hostnamectl', 'set-hostname', name]];
  return [['sh', '-c', 'printf "%s\\n" "$1" > /etc/hostname.osm-play && mv /etc/hostname.osm-play /etc/hostname', 'hostname', name], ['hostname', name]];
}

export function planHostname(a: Args, s: HostnameState): HostnameChange[] {
  if (s.current === a.name && s.file === a.name) return [];
  const argvs = setCommands(s.strategy, a.name);
  return [{ action: 'set', target: a.name, summary: `set the host name to ${a.name} (was ${s.current})`, before: `hostname: ${s.current}\n`, after: `hostname: ${a.name}\n`, data: argvs }];
}

export function hostnameFacts(name: string): Vars {
  const dot = name.indexOf('.');
  return { ansible_hostname: dot < 0 ? name : name.slice(0, dot), ansible_nodename: name, ansible_fqdn: name, ansible_domain: dot < 0 ? '' : name.slice(dot + 1) };
}

async function gatherHostname(host: HostContext, a: Args): Promise<HostnameState> {
  const systemdRuns = (await host.stat('/run/systemd/system'))?.isDir ?? false;
  const current = (await host.run(['hostname'])).trim();
  const file = (await host.readFile('/etc/hostname'))?.split('\n')[0]?.trim() ?? null;
  return { strategy: strategyFor(a, systemdRuns), current, file };
}

export default defineModule({
  name: 'hostname',
  doc:
    'Sets the host name, live and in /etc/hostname: with `hostnamectl set-hostname` where systemd runs (or use: systemd), else by ' +
    'writing /etc/hostname and running `hostname NAME` (use: debian/generic). Changed when either differed. /etc/hosts is not edited ' +
    '(use hosts_entry or lineinfile). Sets ansible_hostname, ansible_nodename, ansible_fqdn and ansible_domain.',
  example: ['- hostname:', '    name: osm-host1'].join('\n'),
  args,
  gather: gatherHostname,
  plan: planHostname,
  async apply(host, a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'set':
          for (const argv of c.data ?? []) await host.run(argv);
          break;
        default:
          unknownChange(c);
      }
    }
    return { facts: hostnameFacts(a.name) };
  },
  result: (a) => ({ name: a.name, ansible_facts: hostnameFacts(a.name) }),
});
