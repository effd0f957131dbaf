// Python `re` syntax as Ansible's regex filters and match/search tests accept it, translated to JS RegExp.
import { TemplateError } from '../errors.js';
import { pyStr, truthy } from '../python.js';
import { type FilterFn, type Kwargs } from './types.js';

/** Translates the Python-only parts: (?P<n>..), (?P=n), \A, \Z, a leading (?i)/(?m)/(?s)/(?x). */
export function pyRegex(pattern: string, flags = ''): RegExp {
  let src = pattern;
  let f = flags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const c of inline[1]) if ('ims'.includes(c) && !f.includes(c)) f += c;
  }
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  try {
    return new RegExp(src, f.includes('u') ? f : `${f}u`);
  } catch {
    try {
      return new RegExp(src, f.replace('u', ''));
    } catch (e) {
      throw new TemplateError(`invalid regular expression '${pattern}': ${(e as Error).message}`);
    }
  }
}

function flagsFrom(kw: Kwargs): string {
  return (truthy(kw.ignorecase) ? 'i' : '') + (truthy(kw.multiline) ? 'm' : '');
}

/** Python replacement syntax (\1, \g<1>, \g<name>) to JS ($1, $<name>); a literal $ stays literal. */
export function pyReplacement(repl: string): string {
  return repl
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<([A-Za-z_]\w*)>/g, '$$<$1>')
    .replace(/\\(\d{1,2})/g, '$$$1')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\\\/g, '\\');
}

/** Python's re.match anchors at the start only; re.search looks anywhere. */
export function regexTest(value: unknown, pattern: unknown, anchored: boolean, kw: Kwargs = {}): boolean {
  if (typeof value !== 'string') return false;
  const re = pyRegex(pyStr(pattern), flagsFrom(kw) + (anchored ? 'y' : ''));
  return re.test(value);
}

export const regexFilters: Record<string, FilterFn> = {
  regex_replace: (v, args, kw) => {
    const re = pyRegex(pyStr(args[0] ?? kw.regex ?? ''), `g${flagsFrom(kw)}`);
    const count = typeof kw.count === 'number' && kw.count > 0 ? kw.count : Infinity;
    let n = 0;
    const repl = pyReplacement(pyStr(args[1] ?? kw.replace ?? ''));
    return pyStr(v).replace(re, (...m: unknown[]) => {
      if (n++ >= count) return String(m[0]);
      const groups = m[m.length - 1];
      const caps = m.slice(1, typeof groups === 'object' && groups !== null ? -3 : -2);
      return repl.replace(/\$(\$|<([A-Za-z_]\w*)>|(\d{1,2}))/g, (_all, what: string, name?: string, num?: string) => {
        if (what === '$') return '$';
        if (name !== undefined) return pyStr((groups as Record<string, unknown> | undefined)?.[name] ?? '');
        return num === '0' ? String(m[0]) : pyStr(caps[Number(num) - 1] ?? '');
      });
    });
  },
  regex_search: (v, args, kw) => {
    const re = pyRegex(pyStr(args[0] ?? ''), flagsFrom(kw));
    const m = re.exec(pyStr(v));
    if (!m) return null;
    const wanted = args.slice(1).map(pyStr);
    if (wanted.length === 0) return m[0];
    return wanted.map((w) => {
      const num = /^\\(\d+)$/.exec(w);
      if (num) return m[Number(num[1])] ?? null;
      const named = /^\\g<(\w+)>$/.exec(w);
      if (named) return m.groups?.[named[1]] ?? null;
      throw new TemplateError(`regex_search: unknown group reference '${w}'`);
    });
  },
  regex_findall: (v, args, kw) => {
    const re = pyRegex(pyStr(args[0] ?? ''), `g${flagsFrom(kw)}`);
    return [...pyStr(v).matchAll(re)].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] : m.slice(1)));
  },
  regex_escape: (v) => pyStr(v).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
};
