// Task lists: each item becomes a TaskNode, a BlockNode (block:, import_tasks:) or an IncludeNode.
import { isMap, isScalar, isSeq, type YAMLMap as YMap } from 'yaml';
import type { BlockNode, Diagnostic, Node, NodeCommon, SourcePos, TaskNode, Vars } from '../types.js';
import type { LoadContext } from './context.js';
import { parseFreeForm } from './freeform.js';
import { parseImport, parseInclude, parseLegacyInclude } from './includes.js';
import { parseRoleInclude } from './role-includes.js';
import {
  BLOCK_KEYWORDS, canonicalModuleName, COMMON_KEYWORDS, KEYWORD_ACTIONS, META_ACTIONS, suggest, TASK_KEYWORDS, UNSUPPORTED_KEYWORDS,
} from './keywords.js';
import { readLoop, readLoopControl } from './loops.js';
import {
  isVarName, readBool, readBoolish, readConditions, readEnvironment, readNumberish, readString, readStringList, readVars,
} from './values.js';
import { entries, items, kindOf, plain, posOf, type Entry, type YamlSource, type YNode } from './yaml.js';

/** Position of a task's key (`notify`, `$module`), falling back to the task's own position. */
export function keyPos(task: TaskNode, key: string): SourcePos {
  return task.keyPos[key] ?? task.pos;
}

/** Parses a list of tasks (`tasks:`, `block:`, a task file). `owner` names the list in messages. */
export function parseTaskList(src: YamlSource, node: YNode | null, ctx: LoadContext, owner: string, ownerPos: SourcePos): Node[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    ctx.diags.push({ pos: node ? posOf(src, node) : ownerPos, message: `${owner} must be a list of tasks, got ${kindOf(node)}` });
    return [];
  }
  const out: Node[] = [];
  for (const item of items(src, node)) {
    const n = parseTaskItem(src, item, ctx);
    if (n) out.push(n);
  }
  return out;
}

export function parseTaskItem(src: YamlSource, node: YNode, ctx: LoadContext): Node | undefined {
  const pos = posOf(src, node);
  if (!isMap(node)) {
    ctx.diags.push({ pos, message: `a task must be a mapping (name:, module: ...), got ${kindOf(node)}` });
    return undefined;
  }
  const written = entries(src, node, ctx.diags);
  const es = canonicalKeywordActions(written);
  const keys = new Set(es.map((e) => e.key));
  const n = parseTaskKind(src, pos, es, keys, ctx);
  if (n?.kind === 'include_tasks') {
    const action = written.find((e) => ['include_tasks', 'include_role', 'include'].includes(canonicalModuleName(e.key)));
    if (action) n.action = action.key;
  }
  return n;
}

function parseTaskKind(src: YamlSource, pos: SourcePos, es: Entry[], keys: Set<string>, ctx: LoadContext): Node | undefined {
  if (keys.has('block')) return parseBlock(src, pos, es, ctx);
  if (keys.has('include_tasks')) return parseInclude(src, pos, es, ctx);
  if (keys.has('import_tasks')) return parseImport(src, pos, es, ctx);
  if (keys.has('include')) return parseLegacyInclude(src, pos, es, ctx);
  if (keys.has('include_role')) return parseRoleInclude(src, pos, es, ctx, true);
  if (keys.has('import_role')) return parseRoleInclude(src, pos, es, ctx, false);
  return parseTask(src, pos, es, ctx);
}

/** `ansible.builtin.include_tasks:` and the like are the keywords themselves. */
export function canonicalKeywordActions(es: Entry[]): Entry[] {
  return es.map((e) => {
    const key = canonicalModuleName(e.key);
    return key !== e.key && (KEYWORD_ACTIONS as readonly string[]).includes(key) ? { ...e, key } : e;
  });
}

/** Reports keys not in `allowed`, naming the construct (`a block`, `include_tasks`). */
export function checkKeys(es: Entry[], allowed: readonly string[], what: string, diags: Diagnostic[]): void {
  const ok = new Set(allowed);
  for (const e of es) {
    if (ok.has(e.key)) continue;
    diags.push({ pos: e.pos, message: unknownKeyMessage(e.key, what, allowed) });
  }
}

function unknownKeyMessage(key: string, what: string, allowed: readonly string[]): string {
  const why = UNSUPPORTED_KEYWORDS[key];
  if (why !== undefined && !allowed.includes(key)) return `'${key}' is not supported on ${what}: ${why}`;
  if ((TASK_KEYWORDS as readonly string[]).includes(key)) return `'${key}' is not allowed on ${what}`;
  return `unknown keyword '${key}' on ${what}${suggest(key, allowed)}`;
}

/** Keywords every node shares. Reads only the keys it knows; callers check the rest. */
export function parseCommon(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext): NodeCommon {
  const n: NodeCommon = { pos, when: [], tags: [], vars: {} };
  if (ctx.role) n.role = ctx.role;
  const d = ctx.diags;
  for (const e of es) {
    switch (e.key as (typeof COMMON_KEYWORDS)[number]) {
      case 'name': n.name = readString(src, e, d); break;
      case 'when': n.when = readConditions(src, e, d); break;
      case 'tags': n.tags = readStringList(src, e, d, true); break;
      case 'vars': n.vars = readVars(src, e, d); break;
      case 'become': n.become = readBool(src, e, d); break;
      case 'become_user': n.becomeUser = readString(src, e, d); break;
      case 'become_method': n.becomeMethod = readString(src, e, d); break;
      case 'ignore_errors': n.ignoreErrors = readBoolish(src, e, d); break;
      case 'no_log': n.noLog = readBoolish(src, e, d); break;
      case 'environment': n.environment = readEnvironment(src, e, d); break;
      case 'check_mode': n.checkMode = readBoolish(src, e, d); break;
    }
  }
  return stripUndefined(n);
}

function parseBlock(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext): BlockNode {
  checkKeys(es, BLOCK_KEYWORDS, 'a block', ctx.diags);
  const get = (k: string): Entry | undefined => es.find((e) => e.key === k);
  const list = (k: string): Node[] => {
    const e = get(k);
    return e ? parseTaskList(src, e.value, ctx, `'${k}'`, e.pos) : [];
  };
  const block: BlockNode = { ...parseCommon(src, pos, es, ctx), kind: 'block', block: list('block'), rescue: list('rescue'), always: list('always') };
  const notify = get('notify');
  if (notify) block.notify = readStringList(src, notify, ctx.diags);
  const delegate = get('delegate_to');
  if (delegate) block.delegateTo = readString(src, delegate, ctx.diags);
  return block;
}

function parseTask(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext): TaskNode | undefined {
  const d = ctx.diags;
  const keywords = new Set<string>(TASK_KEYWORDS);
  const candidates: Entry[] = [];
  let reported = false;
  for (const e of es) {
    if (keywords.has(e.key)) continue;
    const why = UNSUPPORTED_KEYWORDS[e.key];
    if (why !== undefined) d.push({ pos: e.pos, message: `'${e.key}' is not supported on a task: ${why}` });
    else if (e.key === 'rescue' || e.key === 'always') d.push({ pos: e.pos, message: `'${e.key}' needs a 'block' in the same task` });
    else candidates.push(e);
    reported ||= why !== undefined || e.key === 'rescue' || e.key === 'always';
  }
  if (candidates.length === 0) {
    // One message per mistake: "not supported" already says what is wrong with this task.
    if (reported) return undefined;
    const named = es.find((e) => e.key === 'name');
    const label = named && isScalar(named.value) ? ` '${String(named.value.value)}'` : '';
    d.push({ pos, message: `task${label} names no module (it has only ${es.map((e) => e.key).join(', ') || 'no keys'})` });
    return undefined;
  }
  if (candidates.length > 1) {
    const names = candidates.map((e) => `'${e.key}'`).join(', ');
    for (const extra of candidates.slice(1)) {
      const hint = suggest(extra.key, TASK_KEYWORDS);
      d.push({ pos: extra.pos, message: `task has more than one module key (${names}): '${extra.key}' is an unknown keyword or a second module${hint}` });
    }
    return undefined;
  }
  let modEntry = candidates[0];
  // `action:` / `local_action:` name the module inside their value.
  const isAction = modEntry.key === 'action' || modEntry.key === 'local_action';
  const action = isAction ? splitAction(src, modEntry, d) : undefined;
  if (isAction && !action) return undefined;
  if (action) modEntry = action.entry;
  const module = canonicalModuleName(action?.module ?? modEntry.key);
  const task: TaskNode = {
    ...parseCommon(src, pos, es, ctx), kind: 'task', module, args: {}, argPos: {}, keyPos: { $module: modEntry.pos }, notify: [], listen: [],
  };
  // `args:` first: arguments written on the module key win, as in Ansible.
  const argsEntry = es.find((e) => e.key === 'args');
  if (argsEntry) readArgMap(src, argsEntry, task, ctx.diags);
  if (action?.freeForm !== undefined) readFreeForm(action.freeForm, modEntry, task);
  else readModuleArgs(src, modEntry, task, ctx.diags);
  if (candidates[0].key === 'local_action') task.delegateTo = 'localhost';
  if (module === 'meta') checkMeta(task, modEntry, d);
  for (const e of es) readTaskKeyword(src, e, task, ctx);
  readAsync(src, es, task, d);
  const loop = readLoop(src, es, d);
  if (loop !== undefined) {
    task.loop = loop.loop;
    if (loop.kind) task.loopKind = loop.kind;
  }
  for (const e of es) task.keyPos[e.key] = e.pos;
  return stripUndefined(task);
}

function readTaskKeyword(src: YamlSource, e: Entry, t: TaskNode, ctx: LoadContext): void {
  const d = ctx.diags;
  switch (e.key) {
    case 'register': {
      const name = readString(src, e, d);
      if (name !== undefined && !isVarName(name)) d.push({ pos: e.valuePos, message: `register: '${name}' is not a valid variable name` });
      else t.register = name;
      break;
    }
    case 'notify': t.notify = readStringList(src, e, d); break;
    case 'listen': t.listen = readStringList(src, e, d); break;
    case 'failed_when': t.failedWhen = readConditions(src, e, d); break;
    case 'changed_when': t.changedWhen = readConditions(src, e, d); break;
    case 'until': t.until = readConditions(src, e, d).join(' and ') || undefined; break;
    case 'retries': t.retries = readNumberish(src, e, d); break;
    case 'delay': t.delay = readNumberish(src, e, d); break;
    case 'delegate_to': t.delegateTo = readString(src, e, d); break;
    case 'run_once': t.runOnce = readBool(src, e, d); break;
    case 'loop_control': t.loopControl = readLoopControl(src, e, d); break;
  }
}

function readArgMap(src: YamlSource, e: Entry, t: TaskNode, diags: Diagnostic[]): void {
  for (const a of entries(src, e.value, diags)) {
    t.args[a.key] = plain(src, a.value);
    t.argPos[a.key] = a.pos;
  }
  if (!isMap(e.value) && !(isScalar(e.value) && e.value.value === null)) {
    diags.push({ pos: e.valuePos, message: `'${e.key}' must be a mapping of arguments, got ${kindOf(e.value)}` });
  }
}

function readModuleArgs(src: YamlSource, e: Entry, t: TaskNode, diags: Diagnostic[]): void {
  const v = e.value;
  if (v === null || (isScalar(v) && v.value === null)) return;
  if (isMap(v)) {
    readArgMap(src, e, t, diags);
    return;
  }
  if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean')) {
    readFreeForm(String(v.value), e, t);
    return;
  }
  diags.push({ pos: e.valuePos, message: `arguments of '${e.key}' must be a mapping or a free-form string, got ${kindOf(v)}` });
}

function readFreeForm(text: string, e: Entry, t: TaskNode): void {
  const parsed: Vars = parseFreeForm(t.module, text);
  for (const [k, val] of Object.entries(parsed)) {
    t.args[k] = val;
    t.argPos[k] = e.valuePos;
  }
}

/**
 * `action: copy src=a dest=b` or `action: { module: copy, src: a }`: the module's name and an entry
 * holding its arguments (a mapping without `module`, or the free-form rest of the line).
 */
function splitAction(src: YamlSource, e: Entry, d: Diagnostic[]): { module: string; entry: Entry; freeForm?: string } | undefined {
  const v = e.value;
  if (isScalar(v) && typeof v.value === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(v.value);
    if (m) return { module: m[1], entry: e, freeForm: m[2] };
  }
  if (isMap(v)) {
    const es = entries(src, v, d);
    const modKey = es.find((x) => x.key === 'module');
    const name = modKey ? readString(src, modKey, d) : undefined;
    if (name !== undefined) {
      const rest = es.filter((x) => x.key !== 'module');
      // The free-form form of a command inside a mapping: `{ module: shell, _raw_params: ... }` is rare; keep the mapping.
      return { module: name, entry: { ...e, value: mapWithout(v, 'module') }, ...(rest.length === 0 ? { freeForm: '' } : {}) };
    }
  }
  d.push({ pos: e.valuePos, message: `'${e.key}' must name a module: 'module arg=value ...' or a mapping with 'module:'` });
  return undefined;
}

function mapWithout(v: YNode, key: string): YNode {
  const copy = (v as YMap).clone() as YMap;
  copy.items = copy.items.filter((p) => !(isScalar(p.key) && p.key.value === key));
  return copy;
}

/** `async: N` with `poll: M > 0` runs the task synchronously, failing it after N seconds. */
function readAsync(src: YamlSource, es: Entry[], t: TaskNode, d: Diagnostic[]): void {
  const asyncEntry = es.find((e) => e.key === 'async');
  const pollEntry = es.find((e) => e.key === 'poll');
  const poll = pollEntry ? readNumberish(src, pollEntry, d) : undefined;
  if (poll === 0) {
    d.push({ pos: pollEntry!.valuePos, message: "'poll: 0' (fire and forget) is not supported: tasks run while the play waits; use poll > 0 (async then bounds the task's time), or start a service or a systemd-run unit" });
    return;
  }
  if (asyncEntry) t.asyncSeconds = readNumberish(src, asyncEntry, d);
}

function checkMeta(t: TaskNode, e: Entry, diags: Diagnostic[]): void {
  const action = t.args._raw_params;
  if (typeof action !== 'string' || !(META_ACTIONS as readonly string[]).includes(action) || Object.keys(t.args).length !== 1) {
    diags.push({ pos: e.valuePos, message: `meta: unsupported action '${String(action ?? '')}'; expected one of ${META_ACTIONS.join(', ')}` });
  }
}

/** Drops keys whose value is undefined, so nodes compare and print cleanly. */
export function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
