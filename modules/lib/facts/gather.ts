// Facts from one remote command: FACTS_SCRIPT prints sections (`@@name` then raw text), parseFacts
// turns them into Ansible's fact names (without the `ansible_` prefix). Pure, so it is unit-tested.
import type { Vars } from '../../../runner/types.js';

export const FACTS_SCRIPT = [
  's(){ printf "@@%s\\n" "$1"; }',
  's os_release; cat /etc/os-release 2>/dev/null',
  's debian_version; cat /etc/debian_version 2>/dev/null',
  's uname; uname -s; uname -r; uname -m; uname -n; uname -v',
  's fqdn; a=$(getent hosts "$(uname -n)" | awk \'{print $1; exit}\'); [ -n "$a" ] && getent hosts "$a" | head -n 1',
  's user; id -un; id -u; id -g; getent passwd "$(id -un)"',
  's pid1; cat /proc/1/comm 2>/dev/null; [ -d /run/systemd/system ] && echo "@systemd"',
  's meminfo; cat /proc/meminfo 2>/dev/null',
  's cpuinfo; grep -E "^(processor|physical id|cpu cores|model name)" /proc/cpuinfo 2>/dev/null',
  's route; ip -4 route get 8.8.8.8 2>/dev/null',
  's addr; ip -o -4 addr show 2>/dev/null',
  's links; for i in $(ls -U /sys/class/net 2>/dev/null); do echo "$i $(cat /sys/class/net/$i/address 2>/dev/null) $(cat /sys/class/net/$i/mtu 2>/dev/null)"; done',
  's virt; [ -f /.dockerenv ] && echo docker; [ -f /run/.containerenv ] && echo podman; grep -qa "container=lxc" /proc/1/environ 2>/dev/null && echo lxc; grep -qE "docker" /proc/1/cgroup 2>/dev/null && echo docker; grep -qE "/lxc/" /proc/1/cgroup 2>/dev/null && echo lxc; grep -q "^flags.* hypervisor" /proc/cpuinfo 2>/dev/null && echo hypervisor; cat /sys/class/dmi/id/product_name 2>/dev/null',
  's lsb; command -v lsb_release >/dev/null && lsb_release -a 2>/dev/null',
  's mounts; cat /proc/mounts 2>/dev/null',
  's pkg_mgr; for p in apt-get dnf yum apk pacman zypper; do command -v $p >/dev/null 2>&1 && { echo $p; break; }; done',
  's date; date "+%Y %m %d %H %M %S %Z %z %s %A %u %W %N"',
  's env; env',
  's end',
].join('\n');

/** Splits the script output into its sections. */
export function sections(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of out.split('\n')) {
    const head = /^@@(\w+)$/.exec(line);
    if (head) {
      cur = [];
      m.set(head[1], cur);
    } else if (cur) cur.push(line);
  }
  return m;
}

function keyValues(lines: string[], sep: RegExp): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of lines) {
    const match = sep.exec(l);
    if (match) m.set(match[1].trim(), match[2].trim().replace(/^"(.*)"$/, '$1'));
  }
  return m;
}

const OS_FAMILY: Record<string, string> = { debian: 'Debian', ubuntu: 'Debian', raspbian: 'Debian', linuxmint: 'Debian', centos: 'RedHat', rhel: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat', alpine: 'Alpine', arch: 'Archlinux', opensuse: 'Suse', sles: 'Suse' };
const DIST_NAME: Record<string, string> = { debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', rocky: 'Rocky', almalinux: 'AlmaLinux', alpine: 'Alpine', arch: 'Archlinux' };

function distribution(s: Map<string, string[]>): Vars {
  const os = keyValues(s.get('os_release') ?? [], /^([A-Z_]+)=(.*)$/);
  const id = (os.get('ID') ?? 'linux').toLowerCase();
  const debVersion = (s.get('debian_version') ?? [])[0]?.trim() ?? '';
  const version = id === 'debian' && /^\d+(\.\d+)*$/.test(debVersion) ? debVersion : (os.get('VERSION_ID') ?? '');
  const [major = '', minor] = version.split('.');
  return {
    distribution: DIST_NAME[id] ?? os.get('NAME') ?? 'Linux',
    distribution_version: version,
    distribution_major_version: major,
    ...(minor !== undefined ? { distribution_minor_version: minor } : {}),
    distribution_release: os.get('VERSION_CODENAME') ?? os.get('UBUNTU_CODENAME') ?? '',
    os_family: OS_FAMILY[id] ?? OS_FAMILY[(os.get('ID_LIKE') ?? '').split(' ')[0]] ?? DIST_NAME[id] ?? 'Linux',
  };
}

function platform(s: Map<string, string[]>): Vars {
  const [system = 'Linux', kernel = '', machine = '', nodename = '', kernelVersion = ''] = s.get('uname') ?? [];
  const hostname = nodename.split('.')[0];
  // As Python's socket.getfqdn(): the first name of the host's address containing a dot, else the canonical name.
  const names = ((s.get('fqdn') ?? [])[0] ?? '').trim().split(/\s+/).slice(1);
  const fqdn = names.find((n) => n.includes('.')) ?? names[0] ?? nodename;
  const domain = fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '';
  return { system, kernel, kernel_version: kernelVersion, machine, architecture: machine, nodename, hostname, fqdn, domain };
}

function user(s: Map<string, string[]>): Vars {
  const [name = '', uid = '', gid = '', pw = ''] = s.get('user') ?? [];
  const f = pw.split(':');
  return { user_id: name, user_uid: Number(uid), user_gid: Number(gid), user_gecos: f[4] ?? '', user_dir: f[5] ?? '', user_shell: f[6] ?? '' };
}

/** Ansible's service_mgr: systemd when it runs, else the name of PID 1 (init scripts as sysvinit). */
function serviceMgr(s: Map<string, string[]>): string {
  const lines = s.get('pid1') ?? [];
  if (lines.includes('@systemd')) return 'systemd';
  const comm = (lines[0] ?? '').trim();
  if (comm === '' || comm === 'init' || comm === 'sh') return 'sysvinit';
  return comm;
}

function hardware(s: Map<string, string[]>): Vars {
  const mem = keyValues(s.get('meminfo') ?? [], /^(\w+):\s+(\d+)/);
  const mb = (k: string) => Math.floor(Number(mem.get(k) ?? 0) / 1024);
  const cpu = s.get('cpuinfo') ?? [];
  const vcpus = cpu.filter((l) => l.startsWith('processor')).length;
  const physical = new Set(cpu.filter((l) => l.startsWith('physical id')).map((l) => l.split(':')[1]?.trim()));
  const coresLine = cpu.find((l) => l.startsWith('cpu cores'));
  const count = Math.max(1, physical.size);
  const cores = coresLine ? Number(coresLine.split(':')[1]) : vcpus;
  const mounts = (s.get('mounts') ?? [])
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 4 && f[1].startsWith('/') && !/^(proc|sysfs|cgroup2?|devpts|mqueue|tmpfs|devtmpfs|securityfs|pstore|debugfs|tracefs|bpf|fusectl|configfs|hugetlbfs|autofs|binfmt_misc|nsfs)$/.test(f[2]))
    .map(([device, mount, fstype, options]) => ({ device, mount, fstype, options }));
  return {
    memtotal_mb: mb('MemTotal'),
    memfree_mb: mb('MemFree'),
    swaptotal_mb: mb('SwapTotal'),
    swapfree_mb: mb('SwapFree'),
    processor_vcpus: vcpus,
    processor_count: count,
    processor_cores: cores,
    processor_threads_per_core: Math.max(1, Math.floor(vcpus / Math.max(1, count * cores))),
    processor_nproc: vcpus,
    mounts,
  };
}

function netmaskOf(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((sh) => (bits >>> sh) & 255).join('.');
}

function networkOf(address: string, prefix: number): string {
  const mask = netmaskOf(prefix).split('.').map(Number);
  return address.split('.').map((o, i) => Number(o) & mask[i]).join('.');
}

function network(s: Map<string, string[]>): Vars {
  const links = new Map<string, { mac: string; mtu: number }>();
  const interfaces: string[] = [];
  for (const l of s.get('links') ?? []) {
    const [name, mac = '', mtu = ''] = l.trim().split(' ');
    if (!name) continue;
    interfaces.push(name);
    links.set(name, { mac, mtu: Number(mtu) });
  }
  const addrs: { iface: string; address: string; prefix: number; broadcast?: string }[] = [];
  for (const l of s.get('addr') ?? []) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\/(\d+)(?:\s+brd\s+([\d.]+))?/.exec(l);
    if (m) addrs.push({ iface: m[1], address: m[2], prefix: Number(m[3]), ...(m[4] ? { broadcast: m[4] } : {}) });
  }
  const route = (s.get('route') ?? []).join(' ');
  const dev = /\bdev\s+(\S+)/.exec(route)?.[1];
  const gw = /\bvia\s+(\S+)/.exec(route)?.[1];
  const src = /\bsrc\s+(\S+)/.exec(route)?.[1];
  let default_ipv4: Vars = {};
  const a = addrs.find((x) => x.iface === dev && x.address === src) ?? addrs.find((x) => x.iface === dev);
  if (dev && a) {
    const link = links.get(dev);
    default_ipv4 = {
      address: a.address, alias: dev, ...(a.broadcast ? { broadcast: a.broadcast } : {}), ...(gw ? { gateway: gw } : {}), interface: dev,
      macaddress: link?.mac ?? '', mtu: link?.mtu ?? 0, netmask: netmaskOf(a.prefix), network: networkOf(a.address, a.prefix), prefix: String(a.prefix), type: dev === 'lo' ? 'loopback' : 'ether',
    };
  }
  const perIface: Vars = {};
  for (const name of interfaces) {
    const ipv4 = addrs.find((x) => x.iface === name);
    perIface[name.replace(/[-.:]/g, '_')] = {
      device: name, macaddress: links.get(name)?.mac ?? '', mtu: links.get(name)?.mtu ?? 0,
      ...(ipv4 ? { ipv4: { address: ipv4.address, netmask: netmaskOf(ipv4.prefix), network: networkOf(ipv4.address, ipv4.prefix), prefix: String(ipv4.prefix), ...(ipv4.broadcast ? { broadcast: ipv4.broadcast } : {}) } } : {}),
    };
  }
  return { interfaces, default_ipv4, all_ipv4_addresses: addrs.filter((x) => !x.address.startsWith('127.')).map((x) => x.address), ...perIface };
}

function virtual(s: Map<string, string[]>): Vars {
  const v = (s.get('virt') ?? []).map((l) => l.trim()).filter((l) => l !== '');
  for (const kind of ['docker', 'podman', 'lxc']) if (v.includes(kind)) return { virtualization_type: kind, virtualization_role: 'guest' };
  const product = v.find((l) => !['docker', 'podman', 'lxc', 'hypervisor'].includes(l)) ?? '';
  const known: [RegExp, string][] = [[/KVM|Standard PC|Bochs/i, 'kvm'], [/VMware/i, 'VMware'], [/VirtualBox/i, 'virtualbox'], [/HVM domU/i, 'xen'], [/Virtual Machine/i, 'VirtualPC']];
  for (const [re, kind] of known) if (re.test(product)) return { virtualization_type: kind, virtualization_role: 'guest' };
  if (v.includes('hypervisor')) return { virtualization_type: 'kvm', virtualization_role: 'guest' };
  return { virtualization_type: 'NA', virtualization_role: 'NA' };
}

function lsb(s: Map<string, string[]>): Vars {
  const kv = keyValues(s.get('lsb') ?? [], /^([^:]+):\s*(.*)$/);
  if (kv.size === 0) return {};
  const release = kv.get('Release') ?? '';
  return { lsb: { codename: kv.get('Codename') ?? '', description: kv.get('Description') ?? '', id: kv.get('Distributor ID') ?? '', major_release: release.split('.')[0], release } };
}

function dateTime(s: Map<string, string[]>): Vars {
  const [Y, m, d, H, M, S, tz, off, epoch, weekday, wnum, week, nanos = '000000000'] = ((s.get('date') ?? [])[0] ?? '').split(' ');
  if (!Y) return {};
  const micro = nanos.slice(0, 6);
  return {
    date_time: {
      date: `${Y}-${m}-${d}`, day: d, epoch, epoch_int: epoch, hour: H, iso8601: `${Y}-${m}-${d}T${H}:${M}:${S}Z`,
      iso8601_basic: `${Y}${m}${d}T${H}${M}${S}${micro}`, iso8601_basic_short: `${Y}${m}${d}T${H}${M}${S}`, iso8601_micro: `${Y}-${m}-${d}T${H}:${M}:${S}.${micro}Z`,
      minute: M, month: m, second: S, time: `${H}:${M}:${S}`, tz, tz_dst: tz, tz_offset: off, weekday, weekday_number: String(Number(wnum) % 7), weeknumber: week, year: Y,
    },
  };
}

function env(s: Map<string, string[]>): Vars {
  const out: Vars = {};
  for (const l of s.get('env') ?? []) {
    const i = l.indexOf('=');
    if (i > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(l.slice(0, i))) out[l.slice(0, i)] = l.slice(i + 1);
  }
  return { env: out };
}

/** Which subset each group of facts belongs to (Ansible's names). */
const SUBSETS: [string, (s: Map<string, string[]>) => Vars][] = [
  ['distribution', distribution],
  ['platform', platform],
  ['user', user],
  ['service_mgr', (s) => ({ service_mgr: serviceMgr(s) })],
  ['pkg_mgr', (s) => ({ pkg_mgr: ((s.get('pkg_mgr') ?? [])[0] ?? 'unknown').replace('apt-get', 'apt') })],
  ['lsb', lsb],
  ['selinux', () => ({ selinux: { status: 'disabled' } })],
  ['date_time', dateTime],
  ['env', env],
  ['hardware', hardware],
  ['network', network],
  ['virtual', virtual],
];

/** The subsets that `min` means in Ansible. */
export const MIN_SUBSETS = ['distribution', 'platform', 'user', 'service_mgr', 'pkg_mgr', 'lsb', 'selinux', 'date_time', 'env'];
export const ALL_SUBSETS = SUBSETS.map(([n]) => n);

/** gather_subset (`all`, `min`, names, `!name`) → the subsets to report. `min` is always included, as in Ansible. */
export function resolveSubsets(wanted: string[]): Set<string> {
  const out = new Set<string>(MIN_SUBSETS);
  const alias: Record<string, string[]> = { all: ALL_SUBSETS, min: MIN_SUBSETS, os: ['distribution'], facter: [], ohai: [], hardware: ['hardware'], devices: ['hardware'] };
  const excluded = new Set<string>();
  for (const w of wanted) {
    const neg = w.startsWith('!');
    const names = alias[w.replace(/^!/, '')] ?? [w.replace(/^!/, '')];
    for (const n of names) {
      if (neg) excluded.add(n);
      else out.add(n);
    }
  }
  if (!wanted.some((w) => !w.startsWith('!'))) for (const n of ALL_SUBSETS) out.add(n);
  for (const n of excluded) if (!MIN_SUBSETS.includes(n) || wanted.includes('!min')) out.delete(n);
  return out;
}

/** The facts (names without `ansible_`) of the wanted subsets. */
export function parseFacts(out: string, subsets: Set<string>): Vars {
  const s = sections(out);
  const facts: Vars = {};
  for (const [name, fn] of SUBSETS) if (subsets.has(name)) Object.assign(facts, fn(s));
  return facts;
}

/** Ansible's `filter`: shell-style patterns on the prefixed names. */
export function filterFacts(facts: Vars, patterns: string[]): Vars {
  if (patterns.length === 0) return facts;
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return Object.fromEntries(Object.entries(facts).filter(([k]) => res.some((r) => r.test(`ansible_${k}`) || r.test(k))));
}
