// apt: Debian packages present, latest or absent (purged), a .deb file, cache updates, upgrades and
// autoremove. Gathers with dpkg-query / apt-cache policy / `apt-get -s` (simulations change nothing),
// installs with apt-get (--no-upgrade for present: packages already there are never upgraded as a side effect).
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { wouldRun } from '../runner/kit/index.js';
import type { Change } from '../runner/types.js';

const PACKAGE = '^[a-z0-9][a-z0-9+.:-]+(=[A-Za-z0-9.+:~-]+)?$';
const Names = Type.Union([Type.String({ pattern: PACKAGE }), Type.Array(Type.String({ pattern: PACKAGE }))], { description: 'Package name or list of names (`name=version` pins a version).' });

const args = Type.Object(
  {
    name: Type.Optional(Names),
    pkg: Type.Optional(Type.Union([Type.String({ pattern: PACKAGE }), Type.Array(Type.String({ pattern: PACKAGE }))], { description: 'Alias of name.' })),
    state: Type.Union(
      [Type.Literal('present'), Type.Literal('installed'), Type.Literal('latest'), Type.Literal('absent'), Type.Literal('removed'), Type.Literal('fixed'), Type.Literal('build-dep')],
      { default: 'present', description: 'present/installed installs what is missing; latest also upgrades what has a newer candidate; absent/removed removes; fixed is present with --fix-broken. build-dep is refused.' },
    ),
    update_cache: Type.Boolean({ default: false, description: 'Run apt-get update first. Alone, it is the whole task (changed when it ran); with packages it runs only when something is to be installed.' }),
    cache_valid_time: Type.Integer({ minimum: 0, default: 0, description: 'Skip the update when the cache is younger than this many seconds (0: always update).' }),
    install_recommends: Type.Boolean({ default: false, description: 'Install recommended packages too.' }),
    purge: Type.Boolean({ default: false, description: 'With absent: remove configuration files too (also of packages already removed).' }),
    autoremove: Type.Boolean({ default: false, description: 'Remove packages no longer needed (apt-get autoremove); changed when there were any.' }),
    deb: Type.Optional(Type.String({ minLength: 1, description: 'A .deb file on the host, or an http(s) URL fetched with curl on the host; installed unless that version is installed.' })),
    upgrade: Type.Union([Type.Boolean(), Type.Literal('no'), Type.Literal('yes'), Type.Literal('safe'), Type.Literal('full'), Type.Literal('dist')], {
      default: false,
      description: 'yes/safe: apt-get upgrade --with-new-pkgs; full/dist: apt-get dist-upgrade. Changed when the simulation installs anything.',
    }),
    dpkg_options: Type.String({ default: 'force-confdef,force-confold', description: 'dpkg options passed as -o Dpkg::Options::=--OPT.' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface PkgInfo {
  /** dpkg status: installed, config-files, not-installed... */
  status: string;
  installed: string | null;
  candidate: string | null;
}

export interface AptState {
  pkgs: Map<string, PkgInfo>;
  /** Seconds since the last apt-get update, null when unknown. */
  cacheAge: number | null;
  /** Package count that an upgrade / autoremove simulation acts on. */
  upgradeCount: number;
  autoremoveCount: number;
  /** For deb: its package, version, and whether that version is installed. */
  deb?: { pkg: string; version: string; installed: boolean };
}

export function namesOf(a: Args): string[] {
  if (a.name !== undefined && a.pkg !== undefined) throw new ModuleError('apt: name and pkg are the same; give one');
  const n = a.name ?? a.pkg ?? [];
  return Array.isArray(n) ? n : [n];
}

const bare = (n: string) => n.split('=')[0];

/** `dpkg-query -W -f '${Package} ${db:Status-Status} ${Version}\n'` → status per package. */
export function parseDpkgQuery(text: string): Map<string, PkgInfo> {
  const out = new Map<string, PkgInfo>();
  for (const line of text.split('\n')) {
    const [pkg, status, version] = line.trim().split(/\s+/);
    if (!pkg || !status) continue;
    out.set(pkg.split(':')[0], { status, installed: status === 'installed' ? (version ?? null) : null, candidate: null });
  }
  return out;
}

/** Installed packages only (kept for callers that only need names). */
export function parseInstalled(text: string): Set<string> {
  return new Set([...parseDpkgQuery(text)].filter(([, p]) => p.status === 'installed').map(([n]) => n));
}

/** `apt-cache policy A B` → candidate version per package. */
export function parseCandidates(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) current = head[1].split(':')[0];
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && current && cand[1] !== '(none)') out.set(current, cand[1]);
  }
  return out;
}

/** Lines of an `apt-get -s` simulation that install (Inst) or remove (Remv) something. */
export function countSimulated(text: string, verb: 'Inst' | 'Remv'): number {
  return text.split('\n').filter((l) => l.startsWith(`${verb} `)).length;
}

function dpkgOpts(a: Args): string[] {
  return a.dpkg_options.split(',').filter((o) => o !== '').map((o) => `-o=Dpkg::Options::=--${o}`);
}

export function installArgv(a: Args, pkgs: string[], opts: { upgrade?: boolean } = {}): string[] {
  return [
    'apt-get', 'install', '-y', '-q', ...dpkgOpts(a),
    ...(opts.upgrade ? [] : ['--no-upgrade']),
    ...(a.state === 'fixed' ? ['--fix-broken'] : []),
    ...(a.install_recommends ? [] : ['--no-install-recommends']),
    '--', ...pkgs,
  ];
}

function upgradeVerb(a: Args): string[] | null {
  const u = a.upgrade;
  if (u === false || u === 'no') return null;
  return u === 'full' || u === 'dist' ? ['dist-upgrade'] : ['upgrade', '--with-new-pkgs'];
}

type AptRunAction = 'update-cache' | 'remove' | 'install' | 'upgrade' | 'autoremove';

/** What apt plans: each change carries the apt-get argv that makes it; install-deb runs a script instead. */
export type AptChange = Change<AptRunAction, string[]> | Change<'install-deb'>;

const run = (action: AptRunAction, target: string, argv: string[]): AptChange => ({ action, target, summary: wouldRun(argv), data: argv });

function isStale(a: Args, s: AptState): boolean {
  return a.cache_valid_time === 0 || s.cacheAge === null || s.cacheAge > a.cache_valid_time;
}

export function planApt(a: Args, s: AptState): AptChange[] {
  if (a.state === 'build-dep') throw new ModuleError('apt: state build-dep is not supported (not idempotent to check); use `command: apt-get build-dep -y NAME`');
  const names = namesOf(a);
  const out: AptChange[] = [];
  const info = (n: string) => s.pkgs.get(bare(n));
  const removing = a.state === 'absent' || a.state === 'removed';
  if (names.length > 0) {
    if (removing) {
      const todo = names.filter((n) => info(n)?.status === 'installed' || (a.purge && info(n)?.status === 'config-files'));
      if (todo.length > 0) out.push(run('remove', todo.join(' '), ['apt-get', a.purge ? 'purge' : 'remove', '-y', '-q', '--', ...todo]));
    } else {
      const missing = names.filter((n) => {
        const p = info(n);
        if (!p || p.installed === null) return true;
        if (n.includes('=')) return p.installed !== n.split('=')[1];
        return a.state === 'latest' && p.candidate !== null && p.candidate !== p.installed;
      });
      if (missing.length > 0) out.push(run('install', missing.join(' '), installArgv(a, missing, { upgrade: a.state === 'latest' })));
    }
  }
  if (a.deb !== undefined && s.deb && !s.deb.installed) out.push({ action: 'install-deb', target: s.deb.pkg, summary: `install ${a.deb} (${s.deb.pkg} ${s.deb.version})` });
  const verb = upgradeVerb(a);
  if (verb && s.upgradeCount > 0) out.push(run('upgrade', `${s.upgradeCount} packages`, ['apt-get', ...verb, '-y', '-q', ...dpkgOpts(a)]));
  if (a.autoremove && s.autoremoveCount > 0) out.push(run('autoremove', `${s.autoremoveCount} packages`, ['apt-get', 'autoremove', '-y', '-q', ...(a.purge ? ['--purge'] : [])]));
  const onlyCache = names.length === 0 && a.deb === undefined && !verb && !a.autoremove;
  if (a.update_cache && isStale(a, s) && (onlyCache || out.some((c) => c.action === 'install' || c.action === 'upgrade'))) {
    out.unshift(run('update-cache', 'apt cache', ['apt-get', 'update', '-q']));
  }
  if (onlyCache && !a.update_cache) throw new ModuleError('apt: give name (or pkg), deb, upgrade, autoremove or update_cache');
  return out;
}

// Age of the cache: the stamp apt's periodic job and apt-get update (with apt's hook) touch, else the lists directory.
const CACHE_AGE = 'now=$(date +%s); for f in /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists; do [ -e "$f" ] && { echo $((now - $(stat -c %Y "$f"))); exit 0; }; done; echo unknown';
// Fetches a .deb URL to a temp file, prints its Package and Version, and removes it.
const DEB_FIELDS = 'f="$1"; case "$f" in http://*|https://*) t=$(mktemp); curl -fsSL -o "$t" -- "$f" || { rm -f "$t"; exit 2; }; dpkg-deb -f "$t" Package Version; rc=$?; rm -f "$t"; exit $rc;; *) exec dpkg-deb -f "$f" Package Version;; esac';
const DEB_INSTALL = 'f="$1"; shift; case "$f" in http://*|https://*) t=$(mktemp --suffix=.deb); curl -fsSL -o "$t" -- "$f" || { rm -f "$t"; exit 2; }; chmod 644 "$t"; apt-get install -y -q "$@" "$t"; rc=$?; rm -f "$t"; exit $rc;; *) exec apt-get install -y -q "$@" "$(realpath "$f")";; esac';

async function gatherApt(host: HostContext, a: Args): Promise<AptState> {
  const names = namesOf(a).map(bare);
  const s: AptState = { pkgs: new Map(), cacheAge: null, upgradeCount: 0, autoremoveCount: 0 };
  if (names.length > 0) {
    const r = await host.exec({ argv: ['dpkg-query', '-W', '-f', '${Package} ${db:Status-Status} ${Version}\\n', '--', ...names] });
    s.pkgs = parseDpkgQuery(r.stdout);
    if (a.state === 'latest') {
      const cands = parseCandidates((await host.exec({ argv: ['apt-cache', 'policy', '--', ...names] })).stdout);
      for (const [n, v] of cands) {
        const p = s.pkgs.get(n);
        if (p) p.candidate = v;
      }
    }
  }
  if (a.update_cache && a.cache_valid_time > 0) {
    const age = (await host.run(['sh', '-c', CACHE_AGE])).trim();
    s.cacheAge = /^\d+$/.test(age) ? Number(age) : null;
  }
  const verb = upgradeVerb(a);
  if (verb) s.upgradeCount = countSimulated(await host.run(['apt-get', '-s', ...verb]), 'Inst');
  if (a.autoremove) s.autoremoveCount = countSimulated(await host.run(['apt-get', '-s', 'autoremove']), 'Remv');
  if (a.deb !== undefined) {
    const r = await host.exec({ argv: ['sh', '-c', DEB_FIELDS, 'deb', a.deb] });
    if (r.exitCode !== 0) throw new ModuleError(`apt: cannot read the package ${a.deb}: ${r.stderr.trim()}`);
    const fields = new Map(r.stdout.split('\n').map((l) => l.split(': ')).filter((kv) => kv.length === 2).map(([k, v]) => [k, v.trim()]));
    const pkg = fields.get('Package') ?? '';
    const version = fields.get('Version') ?? '';
    const q = parseDpkgQuery((await host.exec({ argv: ['dpkg-query', '-W', '-f', '${Package} ${db:Status-Status} ${Version}\\n', '--', pkg] })).stdout);
    s.deb = { pkg, version, installed: q.get(pkg)?.installed === version };
  }
  return s;
}

export default defineModule({
  name: 'apt',
  doc:
    'Keeps Debian packages installed (present/installed, latest), removed (absent/removed, with purge), installs a .deb, updates the cache ' +
    '(honouring cache_valid_time), upgrades and autoremoves. Gathers with dpkg-query, apt-cache policy and `apt-get -s` simulations; ' +
    'present installs only the missing packages with `apt-get install --no-upgrade`, so packages already installed are never upgraded ' +
    'as a side effect. Changed when anything was installed, removed or upgraded, or when update_cache alone ran.',
  example: ['- apt:', '    name: [nginx, libnginx-mod-stream]', '    state: present', '    update_cache: true', '    cache_valid_time: 3600'].join('\n'),
  args,
  gather: gatherApt,
  plan: planApt,
  async apply(host, a, changes) {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    for (const c of changes) {
      switch (c.action) {
        case 'install-deb':
          await host.run(['sh', '-c', DEB_INSTALL, 'deb', a.deb ?? '', ...dpkgOpts(a)], { env, timeoutMs: 1_800_000 });
          break;
        case 'update-cache':
        case 'remove':
        case 'install':
        case 'upgrade':
        case 'autoremove':
          if (c.data) await host.run(c.data, { env, timeoutMs: 1_800_000 });
          break;
        default:
          unknownChange(c);
      }
    }
    return { data: { cache_updated: changes.some((c) => c.action === 'update-cache') } };
  },
  result: (a, s) => ({ installed: [...s.pkgs].filter(([, p]) => p.status === 'installed').map(([n]) => n).sort() }),
});
