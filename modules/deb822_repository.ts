// deb822_repository: an APT source as a deb822 `.sources` file in /etc/apt/sources.list.d, written
// whole from the arguments (Ansible's names), or removed. signed_by is a key file path or the key itself.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange } from '../runner/module.js';
import { applyContentFile, gatherContentFile, isContentFileChange, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';
import type { Change } from '../runner/types.js';
import { SOURCES_DIR } from './apt_repository.js';

const List = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));

const args = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The repository\'s name (X-Repolib-Name); the file name derives from it.' }),
    types: Type.Union([Type.String(), Type.Array(Type.String())], { default: 'deb', description: "'deb' and/or 'deb-src'." }),
    uris: List('Repository URIs.'),
    suites: List('Suites (e.g. bookworm, stable).'),
    components: List('Components (e.g. main).'),
    architectures: List('Architectures to fetch.'),
    signed_by: Type.Optional(Type.String({ description: 'A key file path on the host, or the ASCII-armored key itself (URLs: fetch the key with get_url first).' })),
    enabled: Type.Optional(Type.Boolean({ description: 'Enabled: yes/no.' })),
    trusted: Type.Optional(Type.Boolean({ description: 'Trusted: yes/no (skips signature checks; avoid).' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present writes the file; absent removes it.' }),
    mode: Type.Union([Type.String(), Type.Integer()], { default: '0644', description: 'Mode of the file.' }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export type Deb822Change = ContentFileChange | Change<'delete'>;

/** Ansible's file name: the name lower-cased, spaces as dashes, other characters outside [a-z0-9._-] dropped. */
export function deb822Filename(name: string): string {
  const f = name.toLowerCase().replace(/\s+/g, '-').replace(/[^a-z0-9._-]/g, '');
  if (f === '') throw new ModuleError(`deb822_repository: name '${name}' leaves no file name`);
  return `${SOURCES_DIR}/${f}.sources`;
}

const words = (v: string | string[] | undefined): string | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : v.split(/\s+/)).filter((w) => w !== '').join(' '));
const yesNo = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'yes' : 'no');

/** A multi-line field value: continuation lines indented, blank lines as ` .` (deb822). */
export function multiline(value: string): string {
  return value
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? l : ` ${l.trim() === '' ? '.' : l}`))
    .join('\n');
}

export function deb822Text(a: Args): string {
  if (a.uris === undefined || a.suites === undefined) throw new ModuleError('deb822_repository: uris and suites are required with state present');
  if (a.signed_by && /^https?:\/\//.test(a.signed_by)) throw new ModuleError('deb822_repository: signed_by as a URL is not supported: download the key with get_url to /etc/apt/keyrings/ and give that path');
  const fields: [string, string | undefined][] = [
    ['X-Repolib-Name', a.name],
    ['Types', words(a.types)],
    ['URIs', words(a.uris)],
    ['Suites', words(a.suites)],
    ['Components', words(a.components)],
    ['Architectures', words(a.architectures)],
    ['Enabled', yesNo(a.enabled)],
    ['Trusted', yesNo(a.trusted)],
    ['Signed-By', a.signed_by === undefined ? undefined : a.signed_by.includes('\n') ? `\n${multiline(a.signed_by).split('\n').map((l, i) => (i === 0 ? ` ${l}` : l)).join('\n')}` : a.signed_by],
  ];
  return fields
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}:${v!.startsWith('\n') ? '' : ' '}${v}`)
    .join('\n')
    .concat('\n');
}

export function planDeb822(a: Args, s: ContentFileState): Deb822Change[] {
  const path = deb822Filename(a.name);
  if (a.state === 'absent') return s.current === null ? [] : [{ action: 'delete', target: path, summary: `remove ${path}` }];
  return planContentFile(path, deb822Text(a), s, { mode: a.mode });
}

export default defineModule({
  name: 'deb822_repository',
  doc:
    'Writes an APT source as a deb822 file, /etc/apt/sources.list.d/NAME.sources (Types, URIs, Suites, Components, Architectures, Enabled, ' +
    'Trusted, Signed-By as a key path or the armored key inline), atomically; or removes it with state absent. Changed when the file ' +
    'differs. It does not run apt-get update: follow with `apt: update_cache: true` (as with Ansible\'s module).',
  example: ['- deb822_repository:', '    name: grafana', '    uris: https://apt.grafana.com', '    suites: stable', '    components: main', '    signed_by: /etc/apt/keyrings/grafana.asc'].join('\n'),
  args,
  gather: (host, a) => gatherContentFile(host, deb822Filename(a.name), { mode: a.mode }),
  plan: planDeb822,
  async apply(host, a, changes, s) {
    const path = deb822Filename(a.name);
    // Content changes are applied together below; a delete is the whole plan.
    for (const c of changes) {
      switch (c.action) {
        case 'delete':
          await host.run(['rm', '-f', '--', path]);
          return;
        case 'create':
        case 'write':
        case 'attributes':
          break;
        default:
          unknownChange(c);
      }
    }
    await applyContentFile(host, path, deb822Text(a), changes.filter(isContentFileChange), s, { mode: a.mode });
  },
  result: (a) => ({ dest: deb822Filename(a.name), state: a.state, ...(a.state === 'present' ? { repo: deb822Text(a) } : {}) }),
});
