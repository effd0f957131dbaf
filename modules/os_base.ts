// os_base: a Debian OS base for OSM containers, built with debootstrap into a dated, read-only btrfs
// subvolume under os-bases/. A base is never changed once built: a new build is a new subvolume.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { OnlyChange } from '../runner/types.js';
import {
  baseKey,
  baseName,
  cacheTarball,
  CORE_PACKAGES,
  extraPackages,
  LOCAL_REPO_DIR,
  LOCAL_REPO_LIST,
  MANIFEST_PATH,
  RECIPE_VERSION,
  repoSources,
  sourcesList,
  type BaseInputs,
  type BaseManifest,
  type LocalDeb,
} from './lib/osbase/inputs.js';
import { CHROOT_APT_SCRIPT, CLEAR_PARTIALS_SCRIPT, FINISH_SCRIPT, INVENTORY_SCRIPT, LOCAL_REPO_SCRIPT, PACK_SCRIPT, SEAL_SCRIPT, UNPACK_SCRIPT } from './lib/osbase/scripts.js';
import { parseBaseInventory, type BaseInventory } from './lib/osbase/inventory.js';
import { BASE_FILES } from './lib/osbase/files.js';

const NAME = '^[a-z0-9][a-z0-9.-]{0,63}$';

const AptRepoArg = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,63}$', description: 'File name of the repository under /etc/apt (sources.list.d/NAME.sources, keyrings/NAME.asc).' }),
    uris: Type.Array(Type.String({ pattern: '^(https?|file)://' }), { minItems: 1, description: 'Repository URIs.' }),
    suites: Type.Array(Type.String(), { minItems: 1, description: 'Suites, e.g. [stable].' }),
    components: Type.Array(Type.String(), { default: ['main'], description: 'Components.' }),
    key: Type.String({ pattern: '-----BEGIN PGP PUBLIC KEY BLOCK-----', description: 'The ASCII-armored signing key (e.g. from lookup(\'file\', ...)); the only key the repository is trusted with.' }),
  },
  { additionalProperties: false },
);

const args = Type.Object(
  {
    bases_dir: Type.String({ pattern: '^/', description: 'The os-bases directory on a btrfs filesystem (e.g. /srv/osm-lxc/lxc/os-bases).' }),
    suite: Type.String({ pattern: '^[a-z]+$', default: 'bookworm', description: 'Debian release to debootstrap.' }),
    mirror: Type.String({ pattern: '^(https?|file)://', default: 'http://deb.debian.org/debian', description: 'Debian mirror for debootstrap and the base\'s own apt sources.' }),
    security_mirror: Type.String({ default: 'http://deb.debian.org/debian-security', description: 'Security updates mirror; empty for none.' }),
    packages: Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9+.-]+$' }), {
      default: [],
      description: `Packages beyond those every base has (${CORE_PACKAGES.join(', ')}).`,
    }),
    apt_repos: Type.Array(AptRepoArg, { default: [], description: 'Vendor apt repositories with their signing keys, added before the packages are installed.' }),
    name: Type.Optional(Type.String({ pattern: NAME, description: 'Name of a new base (default <UTC date>-<time>-<suite>, so the newest sorts last).' })),
    new: Type.Boolean({
      default: false,
      description: 'Build a new base even when one with the same inputs exists, without the cache (to take in package updates).',
    }),
    cache_dir: Type.String({ default: '', description: 'Keep a tarball of each build here, keyed by its inputs, and unpack it instead of building again. Empty: no cache.' }),
    local_debs: Type.String({
      default: '',
      description:
        'A folder on the host of .deb files served to the build as a local apt repository, trusted as the operator put them there ' +
        '(vendor packages where their repository cannot be reached); `packages` names what to install from them. ' +
        'Their names and SHA-256 are part of the key; the repository is gone from the finished base. Empty: none.',
    }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

function inputsOf(a: Args, localDebs: LocalDeb[] = []): BaseInputs {
  return {
    suite: a.suite,
    mirror: a.mirror,
    securityMirror: a.security_mirror,
    packages: a.packages,
    aptRepos: a.apt_repos,
    ...(localDebs.length ? { localDebs } : {}),
  };
}

interface BaseState extends BaseInventory {
  key: string;
  tarball: string | null;
  localDebs: LocalDeb[];
}

/** The .deb files of local_debs with their SHA-256; a folder given but without any is an error, not "none". */
async function readLocalDebs(host: HostContext, dir: string): Promise<LocalDeb[]> {
  if (!dir) return [];
  const r = await host.exec({ argv: ['find', dir, '-maxdepth', '1', '-type', 'f', '-name', '*.deb', '-exec', 'sha256sum', '--', '{}', '+'] });
  if (r.exitCode !== 0) throw new ModuleError(`local_debs: cannot read ${dir} (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  const debs = parseSha256sums(r.stdout);
  if (debs.length === 0) throw new ModuleError(`local_debs: no .deb files in ${dir}`);
  return debs;
}

/** `sha256sum` lines (`<hex>  <path>`) as file names with their digests, sorted by name. */
export function parseSha256sums(text: string): LocalDeb[] {
  return text
    .split('\n')
    .map((l) => /^([0-9a-f]{64}) [ *](.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: (m[2] ?? '').replace(/^.*\//, ''), sha256: m[1] ?? '' }))
    .sort((x, y) => x.file.localeCompare(y.file));
}

async function gatherBases(host: HostContext, a: Args): Promise<BaseState> {
  const localDebs = await readLocalDebs(host, a.local_debs);
  const key = baseKey(inputsOf(a, localDebs));
  const tarball = a.cache_dir ? cacheTarball(a.cache_dir, a.suite, key) : null;
  const r = await host.exec({ argv: ['/bin/sh', '-c', INVENTORY_SCRIPT, 'sh', a.bases_dir, tarball ?? ''] });
  if (r.exitCode !== 0) throw new ModuleError(`reading ${a.bases_dir} failed (rc ${r.exitCode}): ${r.stderr.trim()}`, { rc: r.exitCode, stderr: r.stderr });
  return { ...parseBaseInventory(r.stdout), key, tarball, localDebs };
}

/** The existing base built from these inputs, if any (the newest). */
export function matchingBase(s: BaseInventory & { key: string }): string | undefined {
  return s.bases.filter((b) => b.manifest?.key === s.key).map((b) => b.name).sort().pop();
}

export interface BuildData {
  name: string;
  fromCache: boolean;
}

export type OsBaseChange = OnlyChange<'build', BuildData>;

export function planBase(a: Args, s: BaseState): OsBaseChange[] {
  if (!a.new && matchingBase(s)) return [];
  const name = a.name ?? baseName(s.stamp, a.suite);
  if (s.bases.some((b) => b.name === name)) {
    throw new ModuleError(`name: ${a.bases_dir}/${name} exists and was built from other inputs; a base is never changed (pick another name)`);
  }
  const fromCache = !a.new && s.cacheHit && s.tarball !== null;
  const extras = extraPackages(inputsOf(a));
  const local = s.localDebs.length ? ` (local .debs: ${s.localDebs.map((d) => d.file).join(', ')})` : '';
  const how = fromCache
    ? `unpack ${s.tarball}`
    : `debootstrap ${a.suite} from ${a.mirror}${extras.length ? ` + ${extras.join(' ')}` : ''}${a.apt_repos.length ? ` (repos: ${a.apt_repos.map((r) => r.name).join(', ')})` : ''}${local}${s.tarball ? `, cached as ${s.tarball}` : ''}`;
  const data: BuildData = { name, fromCache };
  return [{ action: 'build', target: `${a.bases_dir}/${name}`, summary: `build OS base ${name} (key ${s.key}): ${how}`, data }];
}

async function runScript(host: HostContext, what: string, script: string, params: string[], prefix: string[] = []): Promise<void> {
  const r = await host.exec({ argv: [...prefix, '/bin/sh', '-c', script, 'sh', ...params] });
  if (r.exitCode !== 0) {
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new ModuleError(`${what} failed (rc ${r.exitCode}):\n${tail}`, { rc: r.exitCode, stderr: r.stderr });
  }
}

/** debootstrap, the base's files, apt (updates, extra packages, vendor repos), then no identity of its own. */
async function buildRootfs(host: HostContext, a: Args, root: string, localDebs: LocalDeb[]): Promise<void> {
  const inputs = inputsOf(a, localDebs);
  const cacheDebs = a.cache_dir ? [`--cache-dir=${a.cache_dir.replace(/\/+$/, '')}/debs`] : [];
  if (cacheDebs.length) await host.run(['mkdir', '-p', '--', `${a.cache_dir.replace(/\/+$/, '')}/debs`]);
  const r = await host.exec({
    argv: ['debootstrap', '--variant=minbase', `--include=${CORE_PACKAGES.join(',')}`, ...cacheDebs, a.suite, root, a.mirror],
  });
  if (r.exitCode !== 0) {
    throw new ModuleError(`debootstrap ${a.suite} from ${a.mirror} failed (rc ${r.exitCode}):\n${(r.stderr + r.stdout).trim().split('\n').slice(-15).join('\n')}`, {
      rc: r.exitCode,
      stderr: r.stderr,
    });
  }
  // Direct writes: root is the .partial subvolume, sealed (renamed) into place only once complete.
  await host.writeFile(`${root}/etc/apt/sources.list`, sourcesList(inputs), { mode: 0o644 });
  for (const repo of inputs.aptRepos) {
    await host.run(['mkdir', '-p', '--', `${root}/etc/apt/keyrings`]);
    await host.writeFile(`${root}/etc/apt/keyrings/${repo.name}.asc`, repo.key.endsWith('\n') ? repo.key : `${repo.key}\n`, { mode: 0o644 });
    await host.writeFile(`${root}/etc/apt/sources.list.d/${repo.name}.sources`, repoSources(repo), { mode: 0o644 });
  }
  for (const f of BASE_FILES) {
    await host.run(['mkdir', '-p', '--', `${root}/${f.path.replace(/\/[^/]+$/, '')}`]);
    await host.writeFile(`${root}/${f.path}`, f.content, { mode: f.mode });
  }
  if (localDebs.length) {
    await host.run(['mkdir', '-p', '--', `${root}/${LOCAL_REPO_DIR}`]);
    await host.run(['cp', '--', ...localDebs.map((d) => `${a.local_debs.replace(/\/+$/, '')}/${d.file}`), `${root}/${LOCAL_REPO_DIR}/`]);
    await runScript(host, `indexing the .debs of ${a.local_debs}`, LOCAL_REPO_SCRIPT, [root, LOCAL_REPO_DIR]);
    await host.writeFile(`${root}/etc/apt/sources.list.d/osm-local-debs.list`, LOCAL_REPO_LIST, { mode: 0o644 });
  }
  // A private mount namespace: the chroot's /proc, /sys and /dev go with it, even when apt fails.
  await runScript(host, 'apt in the new base', CHROOT_APT_SCRIPT, [root, ...extraPackages(inputs)], ['unshare', '--mount', '--propagation', 'private', '--fork']);
  // The local repository served the build only: the base's apt knows its real sources alone.
  if (localDebs.length) await host.run(['rm', '-rf', '--', `${root}/${LOCAL_REPO_DIR}`, `${root}/etc/apt/sources.list.d/osm-local-debs.list`]);
  await runScript(host, 'making the base anonymous', FINISH_SCRIPT, [root]);
}

/** A root's installed packages as sorted "name version" lines, from its own dpkg database. */
async function packagesOf(host: HostContext, root: string): Promise<string[]> {
  const out = await host.run(['dpkg-query', `--admindir=${root}/var/lib/dpkg`, '-W', '-f', '${Package} ${Version}\n']);
  return out.split('\n').filter((l) => l !== '').sort();
}

/** Whether two package lists (sorted "name version" lines) are the same, and not empty. */
export function samePackages(fresh: string[], existing: string[]): boolean {
  return fresh.length > 0 && fresh.length === existing.length && fresh.every((l, i) => l === existing[i]);
}

/**
 * Builds the base; returns the name of an existing base to use instead when a new=true build came
 * out with exactly the packages of the newest base from the same inputs (nothing to upgrade: the
 * fresh copy is dropped, so a second upgrade changes nothing).
 */
async function build(host: HostContext, a: Args, s: BaseState, d: BuildData): Promise<string | null> {
  const partial = `${a.bases_dir}/.partial-${d.name}`;
  await host.run(['mkdir', '-p', '--', a.bases_dir]);
  await runScript(host, 'removing an interrupted build', CLEAR_PARTIALS_SCRIPT, [a.bases_dir]);
  await host.run(['btrfs', 'subvolume', 'create', partial]);
  try {
    if (d.fromCache && s.tarball) {
      await runScript(host, `unpacking ${s.tarball}`, UNPACK_SCRIPT, [partial, s.tarball]);
    } else {
      await buildRootfs(host, a, partial, s.localDebs);
      const twin = a.new ? matchingBase(s) : undefined;
      if (twin && samePackages(await packagesOf(host, partial), await packagesOf(host, `${a.bases_dir}/${twin}`))) {
        await runScript(host, 'dropping the build', CLEAR_PARTIALS_SCRIPT, [a.bases_dir]);
        return twin;
      }
      const inputs = inputsOf(a, s.localDebs);
      const manifest: BaseManifest = { key: s.key, recipe: RECIPE_VERSION, built: s.stamp, inputs: { ...inputs, aptRepos: inputs.aptRepos.map((r) => ({ ...r, key: '(see /etc/apt/keyrings)' })) } };
      // Into the .partial subvolume, which the seal below renames into place: no live file yet.
      await host.writeFile(`${partial}/${MANIFEST_PATH}`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
      if (s.tarball) await runScript(host, `caching the base as ${s.tarball}`, PACK_SCRIPT, [partial, s.tarball]);
    }
    await runScript(host, 'sealing the base', SEAL_SCRIPT, [partial, `${a.bases_dir}/${d.name}`]);
    return null;
  } catch (e) {
    await host.exec({ argv: ['/bin/sh', '-c', CLEAR_PARTIALS_SCRIPT, 'sh', a.bases_dir] });
    throw e;
  }
}

export default defineModule({
  name: 'os_base',
  doc:
    'Makes sure an OS base built from the given inputs (suite, mirrors, packages, vendor apt repositories) exists under bases_dir: ' +
    'a read-only btrfs subvolume named <date>-<time>-<suite>, with systemd as init, an empty machine-id and no SSH host keys ' +
    '(each container makes its own at first boot). It is changed when it builds one: with debootstrap, or by unpacking a tarball ' +
    'from cache_dir whose key (a hash of the inputs) matches. An existing base is never changed; new=true builds a fresh one ' +
    '(to take in package updates) even when one with the same inputs exists; when that build has exactly the packages (names and ' +
    'versions) of the newest base from the same inputs, the build is dropped, that base is registered and the task is ok. ' +
    'Registers `name`, `path` and `key`.',
  example: [
    '- name: OS base',
    '  os_base:',
    '    bases_dir: /srv/osm-lxc/lxc/os-bases',
    '    packages: [postgresql, redis-server]',
    '    cache_dir: /var/cache/osm-play/bases',
    '  register: base',
  ].join('\n'),
  args,
  gather: gatherBases,
  plan: planBase,
  async apply(host, a, changes, s) {
    for (const c of changes) {
      switch (c.action) {
        case 'build': {
          const twin = c.data ? await build(host, a, s, c.data) : null;
          if (twin) {
            host.log(`the new build has the packages of ${twin}: kept ${twin}, dropped the build`);
            return { changed: false, data: { name: twin, path: `${a.bases_dir}/${twin}`, from_cache: false } };
          }
          break;
        }
        default:
          unknownChange(c);
      }
    }
  },
  result(a, s, changes) {
    const built = changes[0]?.data;
    const name = built?.name ?? matchingBase(s) ?? null;
    return { name, path: name ? `${a.bases_dir}/${name}` : null, key: s.key, from_cache: built?.fromCache ?? false };
  },
});
