// replace: every match of a Python regular expression in a file replaced, optionally between anchors.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { applyContentFile, contentFileArgs, gatherContentFile, planContentFile, type ContentFileChange, type ContentFileState } from '../runner/kit/content-file.js';
import { pathArgs, pathOf } from '../runner/kit/path-arg.js';
import { expandTemplate, pyRegex } from '../runner/kit/pyregex.js';

const args = Type.Object(
  {
    ...pathArgs,
    regexp: Type.String({ minLength: 1, description: 'Python regular expression, matched in MULTILINE mode (^ and $ at each line).' }),
    replace: Type.String({ default: '', description: 'Replacement; \\1 and \\g<name> insert groups (Python style).' }),
    after: Type.Optional(Type.String({ description: 'Only replace after the first match of this regular expression.' })),
    before: Type.Optional(Type.String({ description: 'Only replace before the first match of this regular expression (after `after`).' })),
    ...contentFileArgs,
  },
  { additionalProperties: false },
);

export type ReplaceArgs = Static<typeof args>;

/** The section replace works on: [start, end) indices into the text, as Ansible computes it. */
function section(a: ReplaceArgs, text: string): [number, number] {
  let pattern: string | undefined;
  if (a.after !== undefined && a.before !== undefined) pattern = `${a.after}(?P<subsection>.*?)${a.before}`;
  else if (a.after !== undefined) pattern = `${a.after}(?P<subsection>.*)`;
  else if (a.before !== undefined) pattern = `(?P<subsection>.*)${a.before}`;
  if (pattern === undefined) return [0, text.length];
  // 's': DOTALL as Ansible compiles it; 'd': group indices.
  const m = pyRegex(pattern, 'sd').exec(text);
  const span = m?.indices?.groups?.subsection;
  // Ansible: when the anchors are not found, nothing is replaced.
  return span ? [span[0], span[1]] : [0, 0];
}

/** The new text after replacing every match in the section. */
export function replaceText(a: ReplaceArgs, text: string): string {
  const [start, end] = section(a, text);
  const re = pyRegex(a.regexp, 'gm');
  const part = text.slice(start, end);
  const replaced = part.replace(re, (...m: unknown[]) => {
    // The callback gets (match, ...groups, offset, string, groups?): rebuild a match array for expandTemplate.
    const hasNamed = typeof m[m.length - 1] === 'object' && m[m.length - 1] !== null;
    const tail = hasNamed ? 3 : 2;
    const arr = m.slice(0, m.length - tail) as string[] as RegExpMatchArray;
    if (hasNamed) arr.groups = m[m.length - 1] as Record<string, string>;
    return expandTemplate(a.replace, arr);
  });
  return text.slice(0, start) + replaced + text.slice(end);
}

export interface ReplaceState extends ContentFileState {
  path: string;
}

/** replace only rewrites the file: content and attribute changes, which applyContentFile checks exhaustively. */
export type ReplaceChange = ContentFileChange;

export function planReplace(a: ReplaceArgs, s: ReplaceState): ReplaceChange[] {
  if (s.current === null) throw new ModuleError(`replace: ${s.path} does not exist`);
  return planContentFile(s.path, replaceText(a, s.current.toString('utf8')), s, a);
}

export default defineModule({
  name: 'replace',
  doc:
    'Replaces every match of a Python regular expression (MULTILINE) in a file, optionally only between ' +
    'the `after` and `before` anchors; \\1 and \\g<name> in the replacement insert groups. A missing file ' +
    'is an error. Changed when the file text changes; written atomically, with validate and backup.',
  example: ['- name: Listen on the bridge only', '  replace:', '    path: /etc/mosquitto/mosquitto.conf', "    regexp: '^listener 1883$'", "    replace: 'listener 1883 10.0.3.1'"].join('\n'),
  args,
  async gather(host, a): Promise<ReplaceState> {
    const path = pathOf(a, 'replace');
    return { path, ...(await gatherContentFile(host, path, a)) };
  },
  plan: planReplace,
  apply: (host, a, changes, s) => applyContentFile(host, s.path, replaceText(a, s.current?.toString('utf8') ?? ''), changes, s, a),
  result: (_a, s) => ({ path: s.path }),
});
