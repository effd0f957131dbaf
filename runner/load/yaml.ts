// YAML with source positions. Every value the loader looks at keeps the node it came from, so a
// diagnostic can say `file:line:col`. Parsed as YAML 1.1 like ansible-playbook (PyYAML): `yes`/`no`
// are booleans and `0755` is octal, so playbooks written for Ansible mean the same thing here.
import { readMaybeVaulted, vaultTag } from '../vault/index.js';
import {
  isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YNode, type ScalarTag, type Tags,
} from 'yaml';
import type { Diagnostic, SourcePos } from '../types.js';

export type { YNode };

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lc: LineCounter;
}

/** One `key: value` of a mapping, with the key's position. */
export interface Entry {
  key: string;
  value: YNode | null;
  pos: SourcePos;
  /** Position of the value (the key's position when the value is empty). */
  valuePos: SourcePos;
}

// PyYAML's booleans: YAML 1.1 as the `yaml` package reads it also takes y/Y/n/N, which Ansible keeps as strings.
const PYYAML_BOOL = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const boolTag: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: PYYAML_BOOL,
  resolve: (s) => /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/.test(s),
};

// PyYAML reads `2001-12-14` as a date and templates show it as str(date), `2001-12-14`; a time makes
// it a datetime, shown as `2001-12-14 21:59:43.100000-05:00`. Kept as that text (JavaScript has no
// date type that prints like Python's).
const PYYAML_TIMESTAMP =
  /^(?:(\d{4})-(\d\d)-(\d\d)|(\d{4})-(\d\d?)-(\d\d?)(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)$/;
const two = (s: string | undefined): string => (s ?? '0').padStart(2, '0');

export function pythonTimestamp(text: string): string {
  const m = PYYAML_TIMESTAMP.exec(text);
  if (!m) return text;
  if (m[1]) return `${m[1]}-${m[2]}-${m[3]}`;
  const frac = (m[10] ?? '').slice(0, 6).padEnd(6, '0');
  let out = `${m[4]}-${two(m[5])}-${two(m[6])} ${two(m[7])}:${m[8]}:${m[9]}${/[1-9]/.test(frac) ? `.${frac}` : ''}`;
  if (m[11] === 'Z') out += '+00:00';
  else if (m[12]) out += `${m[12]}${two(m[13])}:${two(m[14])}`;
  return out;
}

const timestampTag: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:timestamp',
  test: PYYAML_TIMESTAMP,
  resolve: pythonTimestamp,
};

/** YAML 1.1 tags as PyYAML (Ansible) reads them, plus Ansible's `!vault`. */
export function pyyamlTags(tags: Tags): Tags {
  const replaced = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:timestamp']);
  return [boolTag, timestampTag, vaultTag, ...tags.filter((t) => typeof t === 'string' || !replaced.has(t.tag))];
}


/** Parses YAML text; syntax problems go to `diags`, and `broken` says the document is only partial. */
export function parseYaml(file: string, text: string, diags: Diagnostic[]): YamlSource & { broken: boolean } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, version: '1.1', merge: true, uniqueKeys: true, customTags: pyyamlTags });
  const src: YamlSource = { file, doc, lc };
  const tabLines = reportTabIndents(file, text, diags);
  for (const err of [...doc.errors, ...doc.warnings]) {
    const pos = atContent(text, offsetPos(src, err.pos[0]));
    // A tab in the indentation makes the parser emit confusing follow-up errors on that line.
    if (tabLines.has(pos.line)) continue;
    const message = err.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, pos) : yamlMessage(err.code, err.message);
    diags.push({ pos, message });
  }
  return { ...src, broken: doc.errors.length > 0 || tabLines.size > 0 };
}

/**
 * Reads and parses a YAML (or JSON) file. A missing or unreadable file is reported at `from`.
 * A file with syntax errors gives undefined: its partial tree would only add follow-on noise.
 */
export function readYaml(file: string, diags: Diagnostic[], from: SourcePos): YamlSource | undefined {
  let text: string;
  try {
    text = readMaybeVaulted(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code ? String(e) : (e as Error).message;
    diags.push({ pos: from, message: `cannot read ${file}: ${reason}` });
    return undefined;
  }
  const { broken, ...src } = parseYaml(file, text, diags);
  return broken ? undefined : src;
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key in mapping (each key may appear only once)';
  if (code === 'TAG_RESOLVE_FAILED') return message.replace(/\s+at line \d+, column \d+.*$/s, '');
  const text = message.replace(/\s+at line \d+, column \d+.*$/s, '');
  if (code === 'BLOCK_AS_IMPLICIT_KEY') return `${text} (quote a value that contains ': ')`;
  if (code === 'BAD_INDENT' || /column|indent|without - indicator/i.test(text)) return `${text} (check the indentation)`;
  return text;
}

/** Names the repeated key (read from the line the error points at), so the operator sees which one. */
function duplicateKeyMessage(text: string, pos: SourcePos): string {
  const line = text.split('\n')[pos.line - 1] ?? '';
  const key = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(line.slice(pos.col - 1))?.[1];
  return `duplicate key ${key === undefined ? '' : `'${key.replace(/^["']|["']$/g, '')}' `}in mapping (each key may appear only once)`;
}

/** An error at the start of an indented line is shown where the line's content starts. */
function atContent(text: string, pos: SourcePos): SourcePos {
  if (pos.col !== 1) return pos;
  const line = text.split('\n')[pos.line - 1] ?? '';
  const indent = /^ */.exec(line)?.[0].length ?? 0;
  return indent > 0 && indent < line.length ? { ...pos, col: indent + 1 } : pos;
}

function reportTabIndents(file: string, text: string, diags: Diagnostic[]): Set<number> {
  const lines = new Set<number>();
  text.split('\n').forEach((line, i) => {
    const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
    const tab = indent.indexOf('\t');
    // Only lines with content count: a tab on a blank line is harmless.
    if (tab >= 0 && indent.length < line.length) {
      lines.add(i + 1);
      diags.push({ pos: { file, line: i + 1, col: tab + 1 }, message: 'tab character in indentation; YAML indents with spaces' });
    }
  });
  return lines;
}

export function offsetPos(src: YamlSource, offset: number): SourcePos {
  const { line, col } = src.lc.linePos(offset);
  return { file: src.file, line, col };
}

/** Start of a node; the start of the file when there is no node. */
export function posOf(src: YamlSource, node: YNode | null | undefined): SourcePos {
  const start = node?.range?.[0];
  return start === undefined ? { file: src.file, line: 1, col: 1 } : offsetPos(src, start);
}

/** The plain JavaScript value of a node (aliases and merge keys resolved). */
export function plain(src: YamlSource, node: YNode | null | undefined): unknown {
  if (!node) return null;
  return node.toJS(src.doc, { maxAliasCount: 1000 });
}

/** Follows an alias (`*name`) to the node it names. */
export function deref(src: YamlSource, node: YNode | null | undefined): YNode | null {
  if (!node) return null;
  if (isAlias(node)) return (node.resolve(src.doc) as YNode | undefined) ?? null;
  return node;
}

/**
 * Entries of a mapping node in source order; non-string keys are reported. Merge keys (`<<: *base`)
 * contribute the entries the mapping does not set itself, as YAML 1.1 says.
 */
export function entries(src: YamlSource, node: YNode | null, diags: Diagnostic[]): Entry[] {
  const map = deref(src, node);
  if (!isMap(map)) return [];
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as YNode | null;
    const pos = posOf(src, keyNode);
    const key = isScalar(keyNode) ? keyNode.value : undefined;
    const value = deref(src, pair.value as YNode | null);
    // With merge keys on, `<<` resolves to a merge marker rather than the string.
    if (key === '<<' || (isScalar(keyNode) && keyNode.source === '<<')) {
      const sources = isSeq(value) ? (value.items as YNode[]).map((n) => deref(src, n)) : [value];
      for (const m of sources) merged.push(...entries(src, m, diags));
      continue;
    }
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
      diags.push({ pos, message: 'mapping keys must be plain strings here' });
      continue;
    }
    own.push({ key: String(key), value, pos, valuePos: value ? posOf(src, value) : pos });
  }
  const ownKeys = new Set(own.map((e) => e.key));
  return [...own, ...merged.filter((e) => !ownKeys.has(e.key))];
}

/** Items of a sequence node (aliases followed). */
export function items(src: YamlSource, node: YNode | null): YNode[] {
  const seq = deref(src, node);
  return isSeq(seq) ? (seq.items as YNode[]).map((n) => deref(src, n)).filter((n): n is YNode => n !== null) : [];
}

export function kindOf(node: YNode | null): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
  }
  return 'an alias';
}
