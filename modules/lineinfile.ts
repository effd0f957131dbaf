// lineinfile: one line present (or absent) in a text file, found by regexp, literal string or itself.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { applyContentFile, contentFileArgs, gatherContentFile, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';
import { bare, LINE_SEP, splitLines } from '../runner/kit/lines.js';
import { pathArgs, pathOf } from '../runner/kit/path-arg.js';
import { expandTemplate, pyRegex } from '../runner/kit/pyregex.js';

const args = Type.Object(
  {
    ...pathArgs,
    line: Type.Optional(Type.String({ description: 'The line to have in the file (state present). With backrefs, \\1 and \\g<name> refer to regexp groups.' })),
    regexp: Type.Optional(Type.String({ description: 'Python regular expression finding the line to replace (present: the last match) or remove (absent: every match).' })),
    search_string: Type.Optional(Type.String({ description: 'Literal text finding the line, instead of regexp.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: the line is there; absent: no line matches.' }),
    insertafter: Type.Optional(Type.String({ description: "Where a new line goes: 'EOF' (default) or after the last line matching this regular expression (EOF when none does)." })),
    insertbefore: Type.Optional(Type.String({ description: "Where a new line goes: 'BOF' or before the last line matching this regular expression (EOF when none does)." })),
    firstmatch: Type.Boolean({ default: false, description: 'insertafter/insertbefore use the first matching line instead of the last.' }),
    backrefs: Type.Boolean({ default: false, description: 'Expand regexp groups in line; when regexp matches nothing the file is left alone.' }),
    create: Type.Boolean({ default: false, description: 'Create the file when missing (otherwise a missing file is an error for present).' }),
    ...contentFileArgs,
  },
  { additionalProperties: false },
);

export type LineInFileArgs = Static<typeof args>;

/** The new text for the file, given its current text (null when missing). Pure; throws ModuleError on bad args. */
export function editLines(a: LineInFileArgs, current: string | null): string | null {
  const path = pathOf(a, 'lineinfile');
  if (a.regexp !== undefined && a.search_string !== undefined) throw new ModuleError('lineinfile: regexp and search_string exclude each other');
  if (a.insertafter !== undefined && a.insertbefore !== undefined) throw new ModuleError('lineinfile: insertafter and insertbefore exclude each other');
  const re = a.regexp !== undefined ? pyRegex(a.regexp) : undefined;
  const matches = (l: string): RegExpExecArray | boolean => {
    if (re) return re.exec(bare(l)) ?? false;
    if (a.search_string !== undefined) return bare(l).includes(a.search_string);
    return bare(l) === a.line;
  };

  if (a.state === 'absent') {
    if (current === null) return null;
    if (!re && a.search_string === undefined && a.line === undefined) throw new ModuleError('lineinfile: state absent needs regexp, search_string or line');
    const lines = splitLines(current);
    return lines.filter((l) => !matches(l)).join('');
  }

  if (a.line === undefined) throw new ModuleError('lineinfile: state present needs line');
  if (a.backrefs && !re) throw new ModuleError('lineinfile: backrefs needs regexp');
  if (current === null && !a.create) throw new ModuleError(`lineinfile: ${path} does not exist (set create: true to create it)`);
  const lines = splitLines(current ?? '');
  const sep = LINE_SEP;

  let found = -1;
  let foundMatch: RegExpExecArray | undefined;
  lines.forEach((l, i) => {
    const m = matches(l);
    if (m) {
      found = i;
      if (typeof m !== 'boolean') foundMatch = m;
    }
  });
  if (found >= 0) {
    const newLine = (a.backrefs && foundMatch ? expandTemplate(a.line, foundMatch) : a.line) + sep;
    if (lines[found] !== newLine) lines[found] = newLine;
    return lines.join('');
  }
  if (a.backrefs) return current ?? '';
  // The regexp found nothing, but the exact line is already there: adding it again would duplicate it.
  if ((re || a.search_string !== undefined) && lines.some((l) => bare(l) === a.line)) return lines.join('');

  const newLine = a.line + sep;
  if (a.insertbefore === 'BOF' || a.insertafter === 'BOF') {
    lines.unshift(newLine);
    return lines.join('');
  }
  const anchor = a.insertafter ?? a.insertbefore;
  let at = -1;
  if (anchor !== undefined && anchor !== 'EOF') {
    const anchorRe = pyRegex(anchor);
    for (let i = 0; i < lines.length; i++) {
      if (anchorRe.test(bare(lines[i]))) {
        at = a.insertafter !== undefined ? i + 1 : i;
        if (a.firstmatch) break;
      }
    }
  }
  if (at < 0) {
    // EOF: make sure the last line is terminated before appending.
    const last = lines.length - 1;
    if (last >= 0 && !lines[last].endsWith('\n')) lines[last] += sep;
    lines.push(newLine);
  } else {
    if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += sep;
    lines.splice(at, 0, newLine);
  }
  return lines.join('');
}

export interface LineInFileState extends ContentFileState {
  path: string;
}

/** lineinfile only rewrites the file: content and attribute changes, which applyContentFile checks exhaustively. */
export type LineInFileChange = ContentFileChange;

export function planLineInFile(a: LineInFileArgs, s: LineInFileState): LineInFileChange[] {
  const current = s.current === null ? null : s.current.toString('utf8');
  const after = editLines(a, current);
  if (after === null) return [];
  if (current === null && after === '' && a.state === 'absent') return [];
  return planContentFile(s.path, after, s, a);
}

export default defineModule({
  name: 'lineinfile',
  doc:
    'Ensures one line is in a text file (replacing the last line matched by regexp or search_string, ' +
    'else inserting it after/before an anchor or at the end), or that no matching line is. Python ' +
    'regular expressions; backrefs expand groups into the line. Changed when the file text changes; ' +
    'written atomically, with validate and backup like copy.',
  example: ['- name: Route ip_forward', '  lineinfile:', '    path: /etc/sysctl.d/90-osm.conf', "    regexp: '^net.ipv4.ip_forward='", "    line: 'net.ipv4.ip_forward=1'", '    create: true'].join('\n'),
  args,
  async gather(host, a): Promise<LineInFileState> {
    const path = pathOf(a, 'lineinfile');
    return { path, ...(await gatherContentFile(host, path, a)) };
  },
  plan: planLineInFile,
  apply: (host, a, changes, s) => {
    const after = changes.find((c) => c.after !== undefined)?.after ?? editLines(a, s.current?.toString('utf8') ?? null) ?? '';
    return applyContentFile(host, s.path, after, changes, s, a);
  },
  result: (_a, s) => ({ path: s.path }),
});
