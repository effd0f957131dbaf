// Playbooks carry Python regular expressions and Python replacement templates (lineinfile, replace).
// Translate the Python-only syntax to JavaScript and expand \1, \g<1>, \g<name> as Python's re does.
import { ModuleError } from '../module.js';

/** A JS RegExp for a Python pattern: (?P<n>...) -> (?<n>...), (?P=n) -> \k<n>, \A, \Z. */
export function pyRegex(pattern: string, flags = ''): RegExp {
  const js = pattern
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\Z/g, '$1$(?![\\s\\S])');
  try {
    // 'u' would reject some Python-valid escapes (\_); keep the classic dialect.
    return new RegExp(js, flags);
  } catch (err) {
    throw new ModuleError(`invalid regular expression ${JSON.stringify(pattern)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python's Match.expand: \1..\99, \g<1>, \g<name>, and \n \t \\ escapes; unmatched groups are ''. */
export function expandTemplate(template: string, match: RegExpExecArray | RegExpMatchArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '\\' || i + 1 >= template.length) {
      out += ch;
      continue;
    }
    const next = template[i + 1];
    const named = /^g<([^>]+)>/.exec(template.slice(i + 1));
    if (named) {
      out += groupValue(match, named[1]);
      i += named[0].length;
    } else if (/\d/.test(next)) {
      const digits = /^\d{1,2}/.exec(template.slice(i + 1))?.[0] ?? next;
      out += groupValue(match, digits);
      i += digits.length;
    } else if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
    } else {
      // Python keeps unknown escapes of ASCII letters as errors; keep them literally, which is kinder.
      out += ch + next;
      i += 1;
    }
  }
  return out;
}

function groupValue(match: RegExpExecArray | RegExpMatchArray, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (n >= match.length) throw new ModuleError(`invalid group reference \\${ref}`);
    return match[n] ?? '';
  }
  const groups = match.groups ?? {};
  if (!(ref in groups)) throw new ModuleError(`unknown group name '${ref}'`);
  return groups[ref] ?? '';
}
