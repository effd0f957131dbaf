// nginx configuration reading, pure: a tokenizer, the `nginx -T` dump splitter, and a walk that
// follows `include` through the dump to find the stream `listen` ports and the pid file.
import { posix } from 'node:path';

export interface Directive {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: Directive[];
}

interface Token {
  text: string;
  line: number;
  /** `;`, `{`, `}` as syntax (not inside quotes). */
  punct: boolean;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      out.push({ text: c, line, punct: true });
      i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let s = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          s += text[i + 1];
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        s += text[i];
        i++;
      }
      i++;
      out.push({ text: s, line: start, punct: false });
    } else {
      let s = '';
      while (i < text.length && !/[\s;{}#]/.test(text[i] ?? '')) s += text[i++];
      out.push({ text: s, line, punct: false });
    }
  }
  return out;
}

/** Parses one file into directives; unbalanced braces end the block quietly (nginx -t reports them). */
export function parseNginxConf(text: string, file: string): Directive[] {
  const toks = tokenize(text);
  let pos = 0;
  const block = (): Directive[] => {
    const list: Directive[] = [];
    let cur: Directive | null = null;
    while (pos < toks.length) {
      const t = toks[pos++];
      if (!t) break;
      if (t.punct && t.text === '}') return list;
      if (t.punct && t.text === ';') {
        if (cur) list.push(cur);
        cur = null;
      } else if (t.punct && t.text === '{') {
        const d: Directive = cur ?? { name: '', args: [], file, line: t.line };
        d.block = block();
        list.push(d);
        cur = null;
      } else if (cur) cur.args.push(t.text);
      else cur = { name: t.text, args: [], file, line: t.line };
    }
    if (cur) list.push(cur);
    return list;
  };
  return block();
}

/** Splits `nginx -T` stdout into file → content, in the order nginx read them. */
export function splitNginxDump(dump: string): Map<string, string> {
  const files = new Map<string, string>();
  let current: string | null = null;
  let buf: string[] = [];
  const flush = (): void => {
    if (current !== null) files.set(current, buf.join('\n').replace(/\n$/, ''));
  };
  for (const line of dump.split('\n')) {
    const m = /^# configuration file (.+):$/.exec(line);
    if (m) {
      flush();
      current = m[1] ?? '';
      buf = [];
    } else if (current !== null) buf.push(line);
  }
  flush();
  return files;
}

/** Shell glob (as nginx's include uses) to a RegExp over whole paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Port of a `listen` argument: "8883", "127.0.0.1:8883", "[::]:8883"; null for unix sockets. */
export function listenPort(arg: string): number | null {
  if (arg.startsWith('unix:')) return null;
  const m = /^(?:.*:)?(\d+)$/.exec(arg);
  return m ? Number(m[1]) : null;
}

export interface StreamListen {
  file: string;
  line: number;
  port: number;
  udp: boolean;
}

export interface NginxTree {
  /** Stream-context `listen`s across every file nginx reads. */
  streamListens: StreamListen[];
  /** Include patterns (absolute) that appear inside `stream {}` and inside `http {}`. */
  includes: { stream: string[]; http: string[] };
  /** The `pid` directive of the main file, resolved against the prefix; undefined when absent. */
  pid?: string;
}

/**
 * Walks the dump from the main file, following includes (relative to the main file's directory, as
 * nginx does), and records what happens inside `stream {}`.
 */
export function walkNginxTree(files: Map<string, string>, mainConf: string, prefix?: string): NginxTree {
  const confDir = posix.dirname(mainConf);
  const tree: NginxTree = { streamListens: [], includes: { stream: [], http: [] } };
  const visit = (dirs: Directive[], ctx: string[], depth: number): void => {
    if (depth > 20) return;
    for (const d of dirs) {
      if (d.name === 'include' && d.args[0]) {
        const pattern = posix.resolve(confDir, d.args[0]);
        const top = ctx[0];
        if (top === 'stream' || top === 'http') tree.includes[top].push(pattern);
        const re = globToRegExp(pattern);
        const matched = [...files.keys()].filter((f) => re.test(f)).sort();
        for (const f of matched) visit(parseNginxConf(files.get(f) ?? '', f), ctx, depth + 1);
      } else if (d.name === 'listen' && ctx[0] === 'stream' && ctx.includes('server') && d.args[0]) {
        const port = listenPort(d.args[0]);
        if (port !== null) tree.streamListens.push({ file: d.file, line: d.line, port, udp: d.args.includes('udp') });
      } else if (d.name === 'pid' && ctx.length === 0 && d.args[0] && d.file === mainConf) {
        tree.pid = posix.resolve(prefix ?? confDir, d.args[0]);
      }
      if (d.block) visit(d.block, [...ctx, d.name], depth + 1);
    }
  };
  visit(parseNginxConf(files.get(mainConf) ?? '', mainConf), [], 0);
  return tree;
}

/** Stream listen ports of one file on its own (the content about to be written). */
export function streamListensOf(content: string, file: string): StreamListen[] {
  const files = new Map([[file, `stream {\n${content}\n}`]]);
  return walkNginxTree(files, file).streamListens.map((l) => ({ ...l, line: l.line - 1 }));
}

/** `--pid-path=` from `nginx -V` (printed on stderr). */
export function compiledPidPath(versionOutput: string): string | undefined {
  return /--pid-path=(\S+)/.exec(versionOutput)?.[1];
}
