// `-e` in every form ansible-playbook accepts: `k=v k2='a b'`, `@vars.yml` / `@vars.json`, and inline
// JSON or YAML (`{"a": 1}`, `a: 1`). Later -e wins (top-level keys). k=v values stay strings: typing
// them is the job of the play's `params:` (see params.ts).
import { resolve } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { readMaybeVaulted } from '../vault/index.js';
import { pyyamlTags } from './yaml.js';
import type { Diagnostic, SourcePos, Vars } from '../types.js';
import { LoadError } from './errors.js';

const CLI: SourcePos = { file: '<command line>', line: 1, col: 1 };
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits `a=1 b='x y' c="q \"r\""` into words, removing quotes like a shell would. */
function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

function parseKv(arg: string, diags: Diagnostic[]): Vars {
  let words: string[];
  try {
    words = splitWords(arg);
  } catch (e) {
    diags.push({ pos: CLI, message: `-e '${arg}': ${(e as Error).message}` });
    return {};
  }
  const out: Vars = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = eq > 0 ? w.slice(0, eq) : '';
    if (!KEY.test(key)) {
      diags.push({ pos: CLI, message: `-e '${arg}': expected key=value, got '${w}'` });
      continue;
    }
    out[key] = w.slice(eq + 1);
  }
  return out;
}

function parseYamlMapping(text: string, file: string, what: string, diags: Diagnostic[]): Vars {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, version: '1.1', merge: true, customTags: pyyamlTags });
  if (doc.errors.length) {
    for (const err of doc.errors) {
      const p = file === CLI.file ? { line: 1, col: 1 } : lc.linePos(err.pos[0]);
      diags.push({ pos: { file, line: p.line, col: p.col }, message: `${what}: ${err.message.split('\n')[0]}` });
    }
    return {};
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) {
    const hint = file === CLI.file ? 'expected key=value, @file or a JSON/YAML mapping' : 'extra vars must be a mapping of names to values';
    diags.push({ pos: { file, line: 1, col: 1 }, message: `${what}: ${hint}` });
    return {};
  }
  return doc.toJS() as Vars;
}

/** Whether `arg` is `key=value` words rather than inline YAML: its first word has a name then `=`. */
function isKv(arg: string): boolean {
  return /^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(arg);
}

function parseOne(arg: string, cwd: string, diags: Diagnostic[]): Vars {
  if (arg.startsWith('@')) {
    const file = resolve(cwd, arg.slice(1));
    let text: string;
    try {
      text = readMaybeVaulted(file);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
      diags.push({ pos: CLI, message: `-e ${arg}: cannot read ${file}: ${reason}` });
      return {};
    }
    return parseYamlMapping(text, file, `-e ${arg}`, diags);
  }
  if (arg.trim() === '') return {};
  if (isKv(arg)) return parseKv(arg, diags);
  if (/^[./]/.test(arg)) {
    diags.push({ pos: CLI, message: `-e '${arg}': to read a vars file, write -e @${arg}` });
    return {};
  }
  return parseYamlMapping(arg, CLI.file, `-e '${arg}'`, diags);
}

/** Merges every -e argument in order (later wins). Throws LoadError naming the bad argument or file. */
export function parseExtraVars(args: string[], cwd: string): Vars {
  const diags: Diagnostic[] = [];
  const out: Vars = {};
  for (const arg of args) Object.assign(out, parseOne(arg, cwd, diags));
  if (diags.length) throw new LoadError(diags);
  return out;
}
