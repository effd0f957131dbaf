// Small text parsers shared by the inventory forms: shell-like splitting of INI host lines, Python
// literals (what Ansible's INI values become), host ranges `web[01:10]` and `host:port`.

/** POSIX shlex.split with comments: quotes group words, `#` outside quotes starts a comment. */
export function shlexSplit(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === '#' && !inWord) {
      break;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error('no closing quotation');
  if (inWord) out.push(cur);
  return out;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): unknown {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) throw new Error('trailing text');
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '[' || c === '(') return this.seq(c === '[' ? ']' : ')');
    if (c === '{') return this.dict();
    if (c === "'" || c === '"') return this.str();
    const m = /^(True|False|None|[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?))(?![\w.])/.exec(this.s.slice(this.i));
    if (!m) throw new Error('not a literal');
    this.i += m[1].length;
    const tok = m[1];
    if (tok === 'True') return true;
    if (tok === 'False') return false;
    if (tok === 'None') return null;
    const t = tok.replace(/_/g, '');
    if (/^[-+]?0[xob]/i.test(t)) {
      const sign = t.startsWith('-') ? -1 : 1;
      const body = t.replace(/^[-+]/, '');
      return sign * Number(body);
    }
    // Python rejects decimal integers with leading zeros (`010`); Ansible then keeps the string.
    if (/^[-+]?0\d/.test(t) && !/[.eE]/.test(t)) throw new Error('leading zeros');
    return Number(t);
  }

  private str(): string {
    const q = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      const c = this.s[this.i++];
      if (c === '\\') {
        const e = this.s[this.i++];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
      } else out += c;
    }
    if (this.s[this.i] !== q) throw new Error('unterminated string');
    this.i++;
    return out;
  }

  private seq(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    while (this.s[this.i] !== close) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new Error('expected ,');
      this.ws();
      if (this.i >= this.s.length) throw new Error('unterminated');
    }
    this.i++;
    return out;
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    while (this.s[this.i] !== '}') {
      const k = this.value();
      this.ws();
      if (this.s[this.i++] !== ':') throw new Error('expected :');
      out[String(k)] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new Error('expected ,');
      this.ws();
      if (this.i >= this.s.length) throw new Error('unterminated');
    }
    this.i++;
    return out;
  }
}

/** Ansible's INI value rule: a Python literal (1, 2.5, True, None, [..], {..}, 'quoted') or else the string. */
export function parseIniValue(v: string): unknown {
  try {
    return new LiteralParser(v).parse();
  } catch {
    return v;
  }
}

/** Expands `web[01:03]` → web01..web03, `[a:c]` letters, `[1:9:2]` strides; several ranges multiply. */
export function expandHostRange(pattern: string): string[] {
  const m = /^(.*?)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, head, range, tail] = m;
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) throw new Error(`invalid range [${range}] in host pattern '${pattern}'`);
  const [start, end, strideText] = parts;
  const stride = strideText === undefined || strideText === '' ? 1 : Number(strideText);
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`invalid stride in host range [${range}]`);
  const items: string[] = [];
  if (/^[a-zA-Z]$/.test(start) && /^[a-zA-Z]$/.test(end)) {
    for (let c = start.charCodeAt(0); c <= end.charCodeAt(0); c += stride) items.push(String.fromCharCode(c));
  } else if (/^\d*$/.test(start) && /^\d+$/.test(end)) {
    const from = start === '' ? 0 : Number(start);
    const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
    for (let n = from; n <= Number(end); n += stride) items.push(String(n).padStart(width, '0'));
  } else {
    throw new Error(`invalid range [${range}] in host pattern '${pattern}'`);
  }
  if (items.length === 0) throw new Error(`empty range [${range}] in host pattern '${pattern}'`);
  return items.flatMap((x) => expandHostRange(`${head}${x}${tail}`));
}

/** `host:2222` → name and port; IPv6 addresses without brackets keep their colons. */
export function splitHostPort(token: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(token);
  if (bracketed) return { name: bracketed[1], port: Number(bracketed[2]) };
  const m = /^(.*):(\d+)$/.exec(token);
  if (!m) return { name: token };
  // A colon inside a range (`web[1:3]`) or a second colon (IPv6) means there is no port.
  const outsideBrackets = m[1].replace(/\[[^\]]*\]/g, '');
  if (outsideBrackets.includes(':') || outsideBrackets.includes('[') || outsideBrackets.includes(']')) return { name: token };
  return { name: m[1], port: Number(m[2]) };
}
