// apt: Debian packages present or absent. Gathers with dpkg-query, installs with apt-get
// (--no-upgrade: packages already there are never upgraded as a side effect).
import { Type, type Static } from '@sinclair/typebox';
import { defineModule } from '../runner/module.js';
import { wouldRun } from '../runner/kit/index.js';
import type { Change } from '../runner/types.js';

const PACKAGE = '^[a-z0-9][a-z0-9+.-]+$';

const args = Type.Object(
  {
    name: Type.Union([Type.String({ pattern: PACKAGE }), Type.Array(Type.String({ pattern: PACKAGE }), { minItems: 1 })], {
      description: 'Package name or list of names.',
    }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present installs what is missing; absent removes what is installed.' }),
    update_cache: Type.Boolean({ default: false, description: 'Run apt-get update before installing (only when something is missing).' }),
    install_recommends: Type.Boolean({ default: false, description: 'Install recommended packages too.' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

/** `dpkg-query -W -f '${Package} ${db:Status-Status}\n'` → the packages that are installed. */
export function parseInstalled(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const [pkg, status] = line.trim().split(/\s+/);
    if (pkg && status === 'installed') out.add(pkg.split(':')[0] ?? pkg);
  }
  return out;
}

export function installArgv(a: Args, pkgs: string[]): string[] {
  return ['apt-get', 'install', '-y', '-q', '--no-upgrade', ...(a.install_recommends ? [] : ['--no-install-recommends']), '--', ...pkgs];
}

export function planApt(a: Args, installed: Set<string>): Change[] {
  const names = Array.isArray(a.name) ? a.name : [a.name];
  const todo = a.state === 'present' ? names.filter((n) => !installed.has(n)) : names.filter((n) => installed.has(n));
  if (todo.length === 0) return [];
  const argv = a.state === 'present' ? installArgv(a, todo) : ['apt-get', 'remove', '-y', '-q', '--', ...todo];
  return [{ action: a.state === 'present' ? 'install' : 'remove', target: todo.join(' '), summary: wouldRun(argv), data: argv }];
}

export default defineModule({
  name: 'apt',
  doc:
    'Keeps Debian packages installed (present) or removed (absent). Gathers with dpkg-query; installs only the ' +
    'missing ones with `apt-get install --no-upgrade`, so packages already installed are never upgraded as a ' +
    'side effect. Changed when a package was installed or removed.',
  example: ['- apt:', '    name: [nginx, libnginx-mod-stream]', '    state: present'].join('\n'),
  args,
  async gather(host, a) {
    const names = Array.isArray(a.name) ? a.name : [a.name];
    const r = await host.exec({ argv: ['dpkg-query', '-W', '-f', '${Package} ${db:Status-Status}\\n', '--', ...names] });
    return parseInstalled(r.stdout);
  },
  plan: (a, installed) => planApt(a, installed),
  async apply(host, a, changes) {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (a.update_cache && a.state === 'present') await host.run(['apt-get', 'update', '-q'], { env, timeoutMs: 600_000 });
    for (const c of changes) if (Array.isArray(c.data)) await host.run(c.data.map(String), { env, timeoutMs: 1_800_000 });
  },
  result: (a, installed) => ({ installed: [...installed].sort() }),
});
