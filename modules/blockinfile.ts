// blockinfile: a block of lines between two marker lines, inserted, updated or removed.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { applyContentFile, contentFileArgs, gatherContentFile, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';
import { bare, LINE_SEP, splitLines } from '../runner/kit/lines.js';
import { pathArgs, pathOf } from '../runner/kit/path-arg.js';
import { pyRegex } from '../runner/kit/pyregex.js';

const args = Type.Object(
  {
    ...pathArgs,
    block: Type.String({ default: '', description: 'The lines between the markers. Empty means the same as state absent.' }),
    marker: Type.String({ default: '# {mark} ANSIBLE MANAGED BLOCK', description: '{mark} becomes marker_begin / marker_end. Use a distinct marker per block in one file.' }),
    marker_begin: Type.String({ default: 'BEGIN', description: 'Replaces {mark} in the opening marker.' }),
    marker_end: Type.String({ default: 'END', description: 'Replaces {mark} in the closing marker.' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: the block is there, as given; absent: the block and its markers are gone.' }),
    insertafter: Type.Optional(Type.String({ description: "For a new block: 'EOF' (default) or after the last line matching this regular expression." })),
    insertbefore: Type.Optional(Type.String({ description: "For a new block: 'BOF' or before the last line matching this regular expression." })),
    create: Type.Boolean({ default: false, description: 'Create the file when missing.' }),
    ...contentFileArgs,
  },
  { additionalProperties: false },
);

export type BlockInFileArgs = Static<typeof args>;

/** The new text; null when the file is missing and stays so. Follows Ansible's blockinfile placement. */
export function editBlock(a: BlockInFileArgs, current: string | null): string | null {
  const path = pathOf(a, 'blockinfile');
  const begin = a.marker.replace('{mark}', a.marker_begin);
  const end = a.marker.replace('{mark}', a.marker_end);
  if (a.insertafter !== undefined && a.insertbefore !== undefined) throw new ModuleError('blockinfile: insertafter and insertbefore exclude each other');
  const present = a.state === 'present' && a.block !== '';
  if (current === null) {
    if (a.state === 'absent') return null;
    if (!a.create) throw new ModuleError(`blockinfile: ${path} does not exist (set create: true to create it)`);
  }
  const lines = splitLines(current ?? '');
  const sep = LINE_SEP;
  const blockLines = present ? [begin, ...a.block.replace(/\r?\n$/, '').split(/\r?\n/), end].map((l) => l + sep) : [];

  let n0 = -1;
  let n1 = -1;
  lines.forEach((l, i) => {
    if (bare(l) === begin) n0 = i;
    if (bare(l) === end) n1 = i;
  });
  let at: number;
  if (n0 < 0 || n1 < 0) {
    if (a.insertbefore === 'BOF') at = 0;
    else if (a.insertafter === undefined && a.insertbefore === undefined) at = lines.length;
    else if (a.insertafter === 'EOF') at = lines.length;
    else {
      const anchor = pyRegex((a.insertafter ?? a.insertbefore) as string);
      let last = -1;
      lines.forEach((l, i) => {
        if (anchor.test(bare(l))) last = i;
      });
      at = last < 0 ? lines.length : a.insertafter !== undefined ? last + 1 : last;
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  } else {
    lines.splice(n1, n0 - n1 + 1);
    at = n1;
  }
  if (blockLines.length > 0 && at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += sep;
  lines.splice(at, 0, ...blockLines);
  return lines.join('');
}

export interface BlockInFileState extends ContentFileState {
  path: string;
}

/** blockinfile only rewrites the file: content and attribute changes, which applyContentFile checks exhaustively. */
export type BlockInFileChange = ContentFileChange;

export function planBlockInFile(a: BlockInFileArgs, s: BlockInFileState): BlockInFileChange[] {
  const after = editBlock(a, s.current === null ? null : s.current.toString('utf8'));
  if (after === null) return [];
  return planContentFile(s.path, after, s, a);
}

export default defineModule({
  name: 'blockinfile',
  doc:
    'Keeps a block of lines between "# BEGIN ..." and "# END ..." markers in a text file: inserted at ' +
    'the end (or after/before an anchor) when missing, replaced when different, removed with state ' +
    'absent or an empty block. Changed when the file text changes; written atomically, with validate ' +
    'and backup like copy.',
  example: ['- name: Lab hosts', '  blockinfile:', '    path: /etc/hosts', '    marker: "# {mark} OSM LAB"', '    block: |', '      10.0.3.10 acme-svr'].join('\n'),
  args,
  async gather(host, a): Promise<BlockInFileState> {
    const path = pathOf(a, 'blockinfile');
    return { path, ...(await gatherContentFile(host, path, a)) };
  },
  plan: planBlockInFile,
  apply: (host, a, changes, s) => applyContentFile(host, s.path, editBlock(a, s.current?.toString('utf8') ?? null) ?? '', changes, s, a),
  result: (_a, s) => ({ path: s.path }),
});
