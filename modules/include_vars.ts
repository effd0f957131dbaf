// include_vars: variables from YAML/JSON files on the controller, set on the host for the rest of the
// run (they rank with set_fact). Files are read through the playbook loader, so problems name file:line.
// Vaulted files are decrypted by that loader (readMaybeVaulted) with the run's vault passwords.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { formatDiagnostic } from '../runner/load/errors.js';
import { readVarsFile } from '../runner/load/vars-files.js';
import { defineReadOnlyModule, ModuleError, type HostContext } from '../runner/module.js';
import type { Diagnostic, Vars } from '../runner/types.js';

const args = Type.Object(
  {
    file: Type.Optional(Type.String({ description: 'The file to read; relative names are looked up in the role\'s vars/, the role, the playbook\'s vars/, then the playbook\'s directory.' })),
    dir: Type.Optional(Type.String({ description: 'Read every matching file of this directory (sorted by name), looked up like file.' })),
    name: Type.Optional(Type.String({ description: 'Put the variables under this one name instead of setting each.' })),
    depth: Type.Integer({ minimum: 0, default: 0, description: 'With dir: how deep to descend (0: no limit).' }),
    files_matching: Type.Optional(Type.String({ description: 'With dir: only files whose name matches this regular expression.' })),
    ignore_files: Type.Array(Type.String(), { default: [], description: 'With dir: file names (regular expressions) to leave out.' }),
    extensions: Type.Array(Type.String(), { default: ['yaml', 'yml', 'json'], description: 'With dir: file extensions to read.' }),
    ignore_unknown_extensions: Type.Boolean({ default: false, description: 'With dir: skip other files instead of failing.' }),
    hash_behaviour: Type.Optional(Type.Literal('replace', { description: 'Only replace (dictionaries replace each other whole) is supported.' })),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

interface State {
  vars: Vars;
  files: string[];
}

function searchDirs(host: HostContext): string[] {
  const v = host.vars;
  const dirs: string[] = [];
  if (typeof v['role_path'] === 'string') dirs.push(join(v['role_path'], 'vars'), v['role_path']);
  if (typeof v['playbook_dir'] === 'string') dirs.push(join(v['playbook_dir'], 'vars'), v['playbook_dir']);
  return dirs;
}

function locate(host: HostContext, name: string, kind: 'file' | 'dir'): string {
  if (isAbsolute(name)) return name;
  const dirs = searchDirs(host);
  const found = dirs.map((d) => resolve(d, name)).find((p) => existsSync(p) && (kind === 'dir' ? statSync(p).isDirectory() : statSync(p).isFile()));
  if (!found) throw new ModuleError(`include_vars: could not find ${kind} '${name}' (looked in: ${dirs.join(', ') || 'no directories'})`);
  return found;
}

function read(file: string): Vars {
  const diags: Diagnostic[] = [];
  const vars = readVarsFile(file, diags, { file, line: 1, col: 1 });
  if (diags.length) throw new ModuleError(`include_vars: ${diags.map(formatDiagnostic).join('; ')}`);
  return vars;
}

function filesOf(root: string, a: Args): string[] {
  const exts = a.extensions;
  const matching = a.files_matching ? new RegExp(a.files_matching) : undefined;
  const ignore = a.ignore_files.map((p) => new RegExp(p));
  const out: string[] = [];
  const walk = (dir: string, level: number) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) {
        if (a.depth === 0 || level < a.depth) walk(p, level + 1);
        continue;
      }
      if (matching && !matching.test(entry)) continue;
      if (ignore.some((r) => r.test(entry))) continue;
      if (!exts.includes(extname(entry).slice(1))) {
        if (a.ignore_unknown_extensions) continue;
        throw new ModuleError(`include_vars: ${relative(root, p)} has none of the extensions ${exts.join(', ')} (set ignore_unknown_extensions: true to skip it)`);
      }
      out.push(p);
    }
  };
  walk(root, 1);
  return out;
}

export default defineReadOnlyModule({
  name: 'include_vars',
  doc: 'Reads variables from YAML or JSON files on the controller (file, or every file of dir) and sets them on the host for the rest of the run, ranked with set_fact; with name, under that one variable. Always ok: it changes nothing on the host. Works in check mode too. Files encrypted with Ansible Vault are decrypted with the run\'s vault passwords.',
  example: ['- name: Variables for this OS', '  include_vars: "{{ item }}"', '  with_first_found:', '    - "{{ ansible_os_family }}.yml"', '    - default.yml'].join('\n'),
  args,
  freeForm: 'file',
  controllerOnly: true,
  async gather(host, a: Args): Promise<State> {
    if ((a.file === undefined) === (a.dir === undefined)) throw new ModuleError('include_vars: give either file (or a free-form file name) or dir');
    const files = a.file !== undefined ? [locate(host, a.file, 'file')] : filesOf(locate(host, a.dir!, 'dir'), a);
    const vars: Vars = {};
    for (const f of files) Object.assign(vars, read(f));
    return { vars, files };
  },
  result: (a: Args, s: State) => ({ ansible_facts: a.name ? { [a.name]: s.vars } : s.vars, ansible_included_var_files: s.files }),
});
