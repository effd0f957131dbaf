// apt_repository: a one-line `deb ...` source present in /etc/apt/sources.list.d/FILENAME.list (or
// absent from every sources file), then `apt-get update` when something changed. Ansible's default
// file name is derived from the repository's URL the same way.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { writeValidated } from '../runner/kit/index.js';
import type { Change } from '../runner/types.js';

const args = Type.Object(
  {
    repo: Type.String({ minLength: 1, description: "A sources.list line: 'deb [options] URI suite [components]' (PPAs are refused: give their deb line)." }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present adds the line; absent removes it from every sources file.' }),
    filename: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'File name in sources.list.d without .list (default: derived from the URI, as Ansible does).' })),
    // No schema default: a filled-in true would hide the alias; unset means true (below).
    update_cache: Type.Optional(Type.Boolean({ description: 'Run apt-get update after a change (default true). Alias: update-cache.' })),
    'update-cache': Type.Optional(Type.Boolean({ description: 'Alias of update_cache.' })),
    mode: Type.Union([Type.String(), Type.Integer()], { default: '0644', description: 'Mode of a new sources file.' }),
    install_python_apt: Type.Optional(Type.Boolean({ description: 'Accepted and ignored: osm-play does not need python-apt on the host.' })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_DIR = '/etc/apt/sources.list.d';

/** Each sources file's text, by path. */
export type SourcesState = Map<string, string>;

export type RepoChange = Change<'create' | 'write', string> | Change<'delete'> | Change<'update-cache', string[]>;

/** A line as compared: comments dropped, whitespace collapsed; '' for a comment or blank line. */
export function normaliseSourceLine(line: string): string {
  return line.replace(/#.*$/, '').trim().split(/\s+/).join(' ');
}

/** Ansible's default file name: the URI's host and path (scheme, options and credentials dropped), non-alphanumerics as `_`. */
export function suggestedFilename(repo: string): string {
  const line = repo.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p !== '' && p !== 'deb' && p !== 'deb-src');
  if (parts.length === 0) throw new ModuleError(`apt_repository: no URI in '${repo}'`);
  const uri = parts[0].includes('@') ? parts[0].slice(parts[0].indexOf('@') + 1) : parts[0];
  return uri.replace(/[^a-zA-Z0-9]/g, ' ').trim().split(/\s+/).join('_');
}

export function sourcesFile(a: Args): string {
  return posix.join(SOURCES_DIR, `${a.filename ?? suggestedFilename(a.repo)}.list`);
}

/** `==> PATH` headers followed by each file's text, as GATHER prints them. */
export function parseSourcesDump(out: string): SourcesState {
  const files: SourcesState = new Map();
  let current: string | null = null;
  for (const line of out.split('\n')) {
    const m = /^==> (.+)$/.exec(line);
    if (m) {
      current = m[1];
      files.set(current, '');
    } else if (current !== null) files.set(current, `${files.get(current)}${line}\n`);
  }
  for (const [k, v] of files) files.set(k, v.replace(/\n\n$/, '\n'));
  return files;
}

const GATHER = `for f in ${SOURCES_LIST} ${SOURCES_DIR}/*.list; do [ -f "$f" ] && { printf '==> %s\\n' "$f"; cat "$f"; printf '\\n'; }; done; true`;

export function planAptRepository(a: Args, files: SourcesState): RepoChange[] {
  if (/^\s*ppa:/.test(a.repo)) throw new ModuleError(`apt_repository: PPAs (${a.repo.trim()}) are not supported: give the PPA's 'deb [signed-by=KEY] URI suite main' line and install its key with get_url`);
  if (!/^\s*(deb|deb-src)\s/.test(a.repo)) throw new ModuleError(`apt_repository: repo must be a one-line source starting with deb or deb-src, got '${a.repo}' (deb822 .sources files: deb822_repository is not built yet)`);
  const want = normaliseSourceLine(a.repo);
  const has = (text: string) => text.split('\n').some((l) => normaliseSourceLine(l) === want);
  const changes: RepoChange[] = [];
  if (a.state === 'present') {
    if ([...files.values()].some(has)) return [];
    const path = sourcesFile(a);
    const before = files.get(path) ?? null;
    const after = `${before ?? ''}${before && !before.endsWith('\n') ? '\n' : ''}${want}\n`;
    changes.push({ action: before === null ? 'create' : 'write', target: path, summary: `${before === null ? 'create' : 'update'} ${path}: add ${want}`, before: before ?? '', after, data: after });
  } else {
    for (const [path, text] of files) {
      if (!has(text)) continue;
      const after = text.split('\n').filter((l) => normaliseSourceLine(l) !== want).join('\n');
      if (path !== SOURCES_LIST && after.split('\n').every((l) => normaliseSourceLine(l) === '')) changes.push({ action: 'delete', target: path, summary: `remove ${path} (only that line in it)`, before: text, after: '' });
      else changes.push({ action: 'write', target: path, summary: `update ${path}: remove ${want}`, before: text, after, data: after });
    }
  }
  if (changes.length && (a.update_cache ?? a['update-cache'] ?? true)) changes.push({ action: 'update-cache', target: 'apt', summary: 'run apt-get update', data: ['apt-get', 'update', '-q'] });
  return changes;
}

async function gatherSources(host: HostContext): Promise<SourcesState> {
  return parseSourcesDump(await host.run(['sh', '-c', GATHER]));
}

export default defineModule({
  name: 'apt_repository',
  doc:
    "Keeps a one-line APT source (`deb [options] URI suite components`) present in /etc/apt/sources.list.d/FILENAME.list (FILENAME derived " +
    'from the URI as Ansible does, or given), or absent from every sources file (a file left empty is removed). Lines compare with ' +
    'whitespace collapsed. Runs apt-get update after a change unless update_cache is false. PPAs are refused (give their deb line).',
  example: ['- apt_repository:', "    repo: 'deb [signed-by=/etc/apt/keyrings/grafana.asc] https://apt.grafana.com stable main'", '    filename: grafana'].join('\n'),
  args,
  gather: (host) => gatherSources(host),
  plan: planAptRepository,
  async apply(host, a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'create':
        case 'write':
          await writeValidated(host, c.target, c.data ?? '', { mode: c.action === 'create' ? (typeof a.mode === 'number' ? a.mode : parseInt(a.mode, 8)) : undefined });
          break;
        case 'delete':
          await host.run(['rm', '-f', '--', c.target]);
          break;
        case 'update-cache':
          if (c.data) await host.run(c.data, { env: { DEBIAN_FRONTEND: 'noninteractive' } });
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a) => ({ repo: normaliseSourceLine(a.repo), state: a.state, sources_file: sourcesFile(a) }),
});
