// Rewrites template text before nunjucks lexes it, where nunjucks' lexer differs from Jinja2's:
// - Jinja2 ends `{{ x | combine({'a': {'b': 1}}) }}` at the last `}}`; nunjucks at the first. We space
//   out `}}` that close a dict inside a tag.
// - String literals: Jinja2 decodes Python escapes (`'\w'` stays `\w`, nunjucks would make it `w`),
//   and Ansible keeps backslashes literal inside `{{ }}` of playbook strings (its escape_backslashes),
//   so `regex_replace('\s+', '-')` means what it says. We re-encode every literal so nunjucks reads
//   exactly the intended value.

/** How backslashes in string literals inside `{{ }}` are read: Python escapes, or kept literally. */
export type VarStringMode = 'python' | 'literal';

const OPENERS: Record<string, string> = { '{{': '}}', '{%': '%}' };
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/** Python's decoding of a string literal body: known escapes are decoded, unknown ones kept. */
export function pythonUnescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, n)) {
      out += SIMPLE_ESCAPES[n];
      i++;
    } else if (/[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length;
    } else if ((n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) || (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6)))) {
      const len = n === 'x' ? 2 : 4;
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 2 + len), 16));
      i += 1 + len;
    } else {
      out += c;
    }
  }
  return out;
}

/** A literal nunjucks' lexer decodes back to exactly `value`. */
function nunjucksLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/**
 * Jinja2 grammar nunjucks lacks, rewritten in the code between string literals:
 * `item.0.x` (integer attribute) is `item[0].x`; `x is not in y` / `x is in y` (the `in` test) are
 * `x not in y` / `x in y`; `for (k, v) in` unpacks like `for k, v in`.
 */
function rewriteCode(code: string): string {
  let out = code.replace(/\bis\s+not\s+in\b/g, 'not in').replace(/\bis\s+in\b/g, 'in');
  out = out.replace(/^(\s*-?\s*for\s*)\(([^()]*)\)(\s*in\b)/, '$1$2$3');
  for (let prev = ''; prev !== out; ) {
    prev = out;
    out = out.replace(/((?:^|\W)[A-Za-z_]\w*|[\])])\.(\d+)(?!\w)/g, '$1[$2]');
  }
  return out;
}

/** Scans one tag body from `i`, returning the rewritten body and the index just past the tag's end. */
function scanTag(src: string, i: number, close: string, strings: VarStringMode): [string, number] {
  let out = '';
  let code = '';
  const flush = (): void => {
    out += rewriteCode(code);
    code = '';
  };
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      const body = src.slice(i + 1, j);
      flush();
      out += nunjucksLiteral(strings === 'literal' ? body : pythonUnescape(body));
      i = j + 1;
      continue;
    }
    if (c === '{') depth++;
    else if (depth === 0 && src.startsWith(close, i)) {
      flush();
      return [out + close, i + close.length];
    } else if (depth === 0 && c === '-' && src.startsWith(close, i + 1)) {
      flush();
      return [out + '-' + close, i + 1 + close.length];
    } else if (c === '}') {
      depth--;
      if (src[i + 1] === '}') {
        code += '} ';
        i++;
        continue;
      }
    }
    code += c;
    i++;
  }
  flush();
  return [out, i];
}

/** Copies a `{% raw %}...{% endraw %}` section untouched; returns the index after it, or -1 if none here. */
function skipRaw(src: string, i: number): number {
  const raw = /^\{%-?\s*raw\s*-?%\}/.exec(src.slice(i));
  if (!raw) return -1;
  const rest = src.slice(i + raw[0].length);
  const end = /\{%-?\s*endraw\s*-?%\}/.exec(rest);
  return end ? i + raw[0].length + end.index + end[0].length : src.length;
}

/** The rewritten template text (see the top of this file). `{% %}` literals always use Python escapes. */
export function prepareSource(src: string, varStrings: VarStringMode): string {
  if (!src.includes('{{') && !src.includes('{%') && !src.includes('#}')) return src;
  let out = '';
  let i = 0;
  while (i < src.length) {
    const open = src.slice(i, i + 2);
    if (open === '{#') {
      const end = src.indexOf('#}', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop);
      i = stop;
    } else if (open in OPENERS) {
      const afterRaw = open === '{%' ? skipRaw(src, i) : -1;
      if (afterRaw >= 0) {
        out += src.slice(i, afterRaw);
        i = afterRaw;
        continue;
      }
      const [body, next] = scanTag(src, i + 2, OPENERS[open], open === '{{' ? varStrings : 'python');
      out += open + body;
      i = next;
    } else if (open === '#}') {
      // Plain text to Jinja2, a stray comment end to nunjucks' lexer.
      out += "{{ '#}' }}";
      i += 2;
    } else {
      out += src[i];
      i++;
    }
  }
  return out;
}

/** The expression when `src` is exactly one `{{ expr }}` tag (nested dict braces allowed), else undefined. */
export function singleExpression(src: string): string | undefined {
  if (!src.startsWith('{{') || !src.endsWith('}}')) return undefined;
  const [, next] = scanTag(src, 2, '}}', 'literal');
  if (next !== src.length) return undefined;
  const expr = src.slice(2, -2);
  return expr.startsWith('-') || expr.endsWith('-') ? undefined : expr;
}
