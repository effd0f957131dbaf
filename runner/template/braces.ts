// Jinja2's lexer knows that `{{ x | combine({'a': {'b': 1}}) }}` ends at the last `}}`; nunjucks' lexer
// ends the tag at the first `}}`. We space out `}}` that close a dict inside a tag, before lexing.

const OPENERS: Record<string, string> = { '{{': '}}', '{%': '%}' };

/** Scans one tag body from `i`, returning the rewritten body and the index just past the tag's end. */
function scanTag(src: string, i: number, close: string): [string, number] {
  let out = '';
  let depth = 0;
  let quote: string | null = null;
  while (i < src.length) {
    const c = src[i];
    if (quote) {
      out += c;
      if (c === '\\' && i + 1 < src.length) out += src[++i];
      else if (c === quote) quote = null;
      i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '{') depth++;
    else if (depth === 0 && src.startsWith(close, i)) return [out + close, i + close.length];
    else if (depth === 0 && c === '-' && src.startsWith(close, i + 1)) return [out + '-' + close, i + 1 + close.length];
    else if (c === '}') {
      depth--;
      if (src[i + 1] === '}') {
        out += '} ';
        i++;
        continue;
      }
    }
    out += c;
    i++;
  }
  return [out, i];
}

export function spaceNestedBraces(src: string): string {
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
      const raw = /^\{%-?\s*raw\s*-?%\}/.exec(src.slice(i));
      if (raw) {
        const end = src.slice(i).search(/\{%-?\s*endraw\s*-?%\}/);
        const stop = end < 0 ? src.length : i + end;
        out += src.slice(i, stop);
        i = stop;
        if (end >= 0) {
          const endTag = /^\{%-?\s*endraw\s*-?%\}/.exec(src.slice(i));
          out += endTag ? endTag[0] : '';
          i += endTag ? endTag[0].length : 0;
        }
        continue;
      }
      const [body, next] = scanTag(src, i + 2, OPENERS[open]);
      out += open + body;
      i = next;
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
  const [, next] = scanTag(src, 2, '}}');
  if (next !== src.length) return undefined;
  const expr = src.slice(2, -2);
  return expr.startsWith('-') || expr.endsWith('-') ? undefined : expr;
}
