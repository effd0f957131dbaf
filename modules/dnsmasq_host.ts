// dnsmasq_host: a fixed DHCP address for a container (`dhcp-host=MAC,IP,NAME`), allocated when not
// given, validated with `dnsmasq --test`, then lxc-net's dnsmasq is made to take it.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { parseCidr } from './lib/net/ipv4.js';
import { allocate, dropLeases, editHostsText, hostsfilesOf, parseDhcpHosts, parseLeases, renderHostLine, type DhcpHostLine, type HostsFormat } from './lib/dnsmasq/dhcp-hosts.js';
import { describeReload, reloadArgv, writeHostsFile } from './lib/dnsmasq/write.js';

/** lxc-net's dnsmasq config (its LXC_DHCP_CONFILE): the default file, and where a hostsfile's legacy OSM lines are. */
const LXC_DHCP_CONFILE = '/etc/lxc/dnsmasq.conf';

const args = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$', description: 'Host name of the entry (the container name); identifies it across runs.' }),
    mac: Type.Optional(Type.String({ pattern: '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$', description: 'MAC address; when omitted the entry keeps its MAC, or a new 00:16:3e MAC is derived from the name.' })),
    ip: Type.Optional(Type.String({ pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}$', description: 'IPv4 address; when omitted the entry keeps its address, or gets the lowest free one of subnet.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'absent removes the line and the leases of the name (or its MAC/IP).' }),
    file: Type.String({ pattern: '^/', default: LXC_DHCP_CONFILE, description: 'The file holding the entries (LXC_DHCP_CONFILE of lxc-net, or a dhcp-hostsfile).' }),
    format: Type.Union([Type.Literal('conf'), Type.Literal('hostsfile')], {
      default: 'conf',
      description: 'conf: `dhcp-host=MAC,IP,NAME` lines in a dnsmasq config; hostsfile: bare `MAC,IP,NAME` lines of a dhcp-hostsfile.',
    }),
    subnet: Type.String({ default: '10.0.3.0/24', description: 'Subnet addresses are allocated from (network and broadcast are never used).' }),
    gateway: Type.String({ default: '10.0.3.1', description: 'The bridge address, never allocated.' }),
    leases_file: Type.String({ pattern: '^/', default: '/var/lib/misc/dnsmasq.lxcbr0.leases', description: 'dnsmasq lease file: leased addresses are not allocated; absent drops the name\'s leases.' }),
    reserved_files: Type.Optional(
      Type.Array(Type.String({ pattern: '^/' }), {
        description:
          `Other dhcp-host files whose addresses and MACs count as taken (never edited). Default: for a hostsfile, ${LXC_DHCP_CONFILE} (legacy OSM lines); for a conf file, the dhcp-hostsfile= files it names.`,
      }),
    ),
    reload_command: Type.Optional(
      Type.Array(Type.String(), {
        description:
          "argv run after a change so dnsmasq takes it. Default: conf → lxc-net's dnsmasq is restarted alone with its own arguments (pid in /run/lxc/dnsmasq.pid), keeping the bridge up; `lxc_net restart` when it is not running; hostsfile → `pkill -HUP -F /run/lxc/dnsmasq.pid`. [] for none.",
      }),
    ),
    lxc_net: Type.String({
      pattern: '^/',
      default: '/usr/libexec/lxc/lxc-net',
      description: 'lxc-net\'s script: `restart` brings lxc-net up when a conf file changed and its dnsmasq is not running.',
    }),
  },
  { additionalProperties: false },
);

export type DnsmasqHostArgs = Static<typeof args>;

export interface DnsmasqHostState {
  text: string;
  leases: string;
  /** Entries of the reserved files: taken, not ours to edit. */
  reserved: DhcpHostLine[];
}

/** The new file and lease texts for the wanted state (pure: used by plan, and again by apply on fresh content). */
export function desiredTexts(a: DnsmasqHostArgs, s: DnsmasqHostState): { text: string; leases: string; ip?: string; mac?: string } {
  const lines = parseDhcpHosts(s.text, a.format);
  if (a.state === 'absent') {
    const mine = lines.filter((l) => l.name === a.name || (a.mac !== undefined && l.mac === a.mac.toLowerCase()));
    let text = s.text;
    for (const l of [...mine].sort((x, y) => y.index - x.index)) text = editHostsText(text, l, null);
    const ip = a.ip ?? mine[0]?.ip;
    const mac = a.mac ?? mine[0]?.mac;
    return { text, leases: dropLeases(s.leases, { name: a.name, ip, mac }) };
  }
  let alloc;
  try {
    alloc = allocate({ name: a.name, mac: a.mac, ip: a.ip }, lines, parseLeases(s.leases), parseCidr(a.subnet), a.gateway, s.reserved);
  } catch (e) {
    throw new ModuleError(`dnsmasq_host ${a.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const line = renderHostLine(a.format, alloc.mac, alloc.ip, a.name);
  const existing = alloc.existing;
  const current = existing ? s.text.split('\n')[existing.index] : undefined;
  const text = current === line ? s.text : editHostsText(s.text, existing, line);
  return { text, leases: s.leases, ip: alloc.ip, mac: alloc.mac };
}

/** What dnsmasq_host plans: the file line (with the address it gets), dropped leases, the reload (its argv). */
export type DnsmasqHostChange = Change<'write', { ip?: string; mac?: string }> | Change<'drop-lease'> | Change<'reload', string[]>;

export function planDnsmasqHost(a: DnsmasqHostArgs, s: DnsmasqHostState): DnsmasqHostChange[] {
  const want = desiredTexts(a, s);
  const changes: DnsmasqHostChange[] = [];
  if (want.text !== s.text) {
    const what = a.state === 'absent' ? `remove ${a.name} from ${a.file}` : `set dhcp-host ${want.mac},${want.ip},${a.name} in ${a.file}`;
    changes.push({ action: 'write', target: a.file, summary: what, before: s.text, after: want.text, data: { ip: want.ip, mac: want.mac } });
  }
  if (want.leases !== s.leases) {
    changes.push({ action: 'drop-lease', target: a.leases_file, summary: `drop the leases of ${a.name} from ${a.leases_file}`, before: s.leases, after: want.leases });
  }
  if (changes.length) {
    const argv = reloadArgv(a);
    if (argv.length) changes.push({ action: 'reload', target: 'dnsmasq', summary: describeReload(a), data: argv });
  }
  return changes;
}

/** The reserved files and their format: explicit ones are read as conf files unless they are hostsfiles named by the conf. */
export function reservedSources(a: DnsmasqHostArgs, text: string): { path: string; format: HostsFormat }[] {
  const named = a.format === 'conf' ? hostsfilesOf(text) : [];
  const paths = a.reserved_files ?? (a.format === 'hostsfile' ? [LXC_DHCP_CONFILE] : named);
  return paths.filter((p) => p !== a.file).map((path) => ({ path, format: named.includes(path) ? 'hostsfile' : 'conf' }));
}

/** apply redoes the plan on fresh content (a concurrent run may have allocated meanwhile); this proves each planned change is one of its steps. */
function checkDnsmasqChanges(changes: readonly DnsmasqHostChange[]): void {
  for (const c of changes) {
    switch (c.action) {
      case 'write':
      case 'drop-lease':
      case 'reload':
        break;
      default:
        unknownChange(c);
    }
  }
}

async function gatherHosts(host: HostContext, a: DnsmasqHostArgs): Promise<DnsmasqHostState> {
  const [text, leases] = await Promise.all([host.readFile(a.file), host.readFile(a.leases_file)]);
  const reserved: DhcpHostLine[] = [];
  for (const src of reservedSources(a, text ?? '')) reserved.push(...parseDhcpHosts((await host.readFile(src.path)) ?? '', src.format));
  return { text: text ?? '', leases: leases ?? '', reserved };
}

export default defineModule({
  name: 'dnsmasq_host',
  doc:
    'Gives a host (an LXC container) a fixed DHCP address in lxc-net\'s dnsmasq: one `dhcp-host=MAC,IP,NAME` ' +
    'line per name. Omitted ip/mac are allocated: the name keeps what it has; a new name gets the lowest ' +
    'free address of subnet (skipping network, gateway, broadcast, every address in the file, in the ' +
    'reserved files and every leased one) and a 00:16:3e MAC derived from its name, so --check shows the very allocation a run ' +
    'makes. The file is validated with `dnsmasq --test` before it replaces the old one, and swapped in under ' +
    'flock only if nobody changed it meanwhile (a concurrent run re-allocates). Then dnsmasq is reloaded ' +
    '(default for a conf file, whose dhcp-host lines dnsmasq reads only at start: lxc-net\'s dnsmasq is restarted ' +
    'alone with its own arguments, not with `lxc-net restart`, which takes the bridge\'s address away and so cuts ' +
    'the host off from every container for a moment; SIGHUP for a dhcp-hostsfile); a failed reload puts the old file back. absent removes the line and the name\'s ' +
    'leases. Registers `ip` and `mac`. Changed when the file or the leases change.',
  example: [
    '- name: Address for the customer container',
    '  dnsmasq_host:',
    '    name: "{{ customer_name }}-svr"',
    '  register: addr',
    '- debug: msg="{{ addr.ip }} {{ addr.mac }}"',
  ].join('\n'),
  args,
  gather: (host, a) => gatherHosts(host, a),
  plan: (a, s) => planDnsmasqHost(a, s),
  async apply(host, a, changes, gathered) {
    checkDnsmasqChanges(changes);
    const outcome = await writeHostsFile(host, a, (fresh) => desiredTexts(a, { ...fresh, reserved: gathered.reserved }));
    return { changed: outcome.changed, data: a.state === 'absent' ? { ip: null, mac: null } : { ip: outcome.ip, mac: outcome.mac } };
  },
  result: (a, s) => {
    if (a.state === 'absent') return { name: a.name, ip: null, mac: null };
    const want = desiredTexts(a, s);
    return { name: a.name, ip: want.ip, mac: want.mac };
  },
});
