// include_role and import_role. Both read the role with the playbook, so its problems are reported
// before any host is contacted. import_role is static: a block whose keywords its tasks inherit, the
// role's vars visible to the play. include_role is dynamic as in Ansible: its when, tags and loop
// decide whether (and how often) the role runs, and its tasks do not inherit them (use `apply:`).
import { isMap, isScalar } from 'yaml';
import type { BlockNode, IncludeNode, Node, SourcePos } from '../types.js';
import type { LoadContext, RoleRef } from './context.js';
import { checkKeysPlain } from './keys.js';
import { COMMON_KEYWORDS, IMPORT_ROLE_KEYWORDS, INCLUDE_ROLE_KEYWORDS, ROLE_INCLUDE_OPTIONS } from './keywords.js';
import { readIncludeLoop } from './loops.js';
import { expandRoles } from './roles.js';
import { checkKeys, parseCommon, stripUndefined } from './tasks.js';
import { isTemplated, readBool, readString } from './values.js';
import { entries, kindOf, type Entry, type YamlSource } from './yaml.js';
import { parseFreeForm } from './freeform.js';

const FROM_KEYS = { tasks_from: 'tasks', vars_from: 'vars', defaults_from: 'defaults', handlers_from: 'handlers' } as const;

/** The options mapping: `include_role: { name: x }` or the k=v form `include_role: name=x tasks_from=y`. */
function optionEntries(src: YamlSource, e: Entry, ctx: LoadContext): Entry[] | undefined {
  if (isMap(e.value)) return entries(src, e.value, ctx.diags);
  if (isScalar(e.value) && typeof e.value.value === 'string') {
    const parsed = parseFreeForm(e.key, e.value.value);
    if (typeof parsed['_raw_params'] === 'string' && parsed['_raw_params'] !== '') {
      ctx.diags.push({ pos: e.valuePos, message: `'${e.key}' takes name=ROLE (and tasks_from=..., ...), got '${e.value.value}'` });
      return undefined;
    }
    return Object.entries(parsed).map(([key, value]) => ({ key, value: src.doc.createNode(value), pos: e.valuePos, valuePos: e.valuePos }));
  }
  ctx.diags.push({ pos: e.valuePos, message: `'${e.key}' must be a mapping with name: ROLE, got ${kindOf(e.value)}` });
  return undefined;
}

export function parseRoleInclude(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext, dynamic: boolean): Node | undefined {
  const key = dynamic ? 'include_role' : 'import_role';
  checkKeys(es, dynamic ? INCLUDE_ROLE_KEYWORDS : IMPORT_ROLE_KEYWORDS, key, ctx.diags);
  const e = es.find((x) => x.key === key);
  if (!e) return undefined;
  const opts = optionEntries(src, e, ctx);
  if (!opts) return undefined;
  checkKeysPlain(opts, ROLE_INCLUDE_OPTIONS, key, ctx.diags);
  const opt = (k: string): Entry | undefined => opts.find((o) => o.key === k);
  const nameEntry = opt('name');
  const name = nameEntry ? readString(src, nameEntry, ctx.diags) : undefined;
  if (name === undefined) {
    if (!nameEntry) ctx.diags.push({ pos: e.valuePos, message: `'${key}' needs name: ROLE` });
    return undefined;
  }
  if (isTemplated(name)) {
    ctx.diags.push({ pos: nameEntry!.valuePos, message: `${key}: a templated role name ('${name}') is not supported; name the role, and choose with when:` });
    return undefined;
  }
  const ref: RoleRef = { name, pos: nameEntry!.valuePos, params: {}, when: [], tags: [] };
  for (const [optKey, sub] of Object.entries(FROM_KEYS)) {
    const o = opt(optKey);
    const file = o ? readString(src, o, ctx.diags) : undefined;
    if (file === undefined) continue;
    if (isTemplated(file)) ctx.diags.push({ pos: o!.valuePos, message: `${key}: a templated ${optKey} ('${file}') is not supported; name the file` });
    else ref.from = { ...ref.from, [sub]: file };
  }
  const publicEntry = opt('public');
  const isPublic = !dynamic || (publicEntry ? readBool(src, publicEntry, ctx.diags) === true : false);

  const expanded = expandRoles([ref], ctx);
  const roleBlock = expanded.tasks[0];
  if (!roleBlock) return undefined;
  if (ctx.playRoles) {
    ctx.playRoles.handlers.push(...expanded.handlers.filter((h) => !ctx.playRoles!.handlers.includes(h)));
    if (isPublic) for (const r of expanded.roles) if (!ctx.playRoles.roles.includes(r)) ctx.playRoles.roles.push(r);
  }
  const common = parseCommon(src, pos, es, ctx);
  if (!dynamic) {
    const block: BlockNode = { ...common, kind: 'block', block: [roleBlock], rescue: [], always: [] };
    return block;
  }
  const applied = applyBlock(src, opt('apply'), roleBlock, ctx);
  const node: IncludeNode = { ...common, kind: 'include_tasks', file: `role ${name}`, baseDir: ctx.baseDir, roleBlock: applied };
  readIncludeLoop(src, es, node, ctx.diags);
  return stripUndefined(node);
}

/** `apply:` keywords (tags, when, become...) given to every task of an included role. */
function applyBlock(src: YamlSource, e: Entry | undefined, roleBlock: BlockNode, ctx: LoadContext): BlockNode {
  if (!e) return roleBlock;
  if (!isMap(e.value)) {
    ctx.diags.push({ pos: e.valuePos, message: `'apply' must be a mapping of keywords, got ${kindOf(e.value)}` });
    return roleBlock;
  }
  const es = entries(src, e.value, ctx.diags);
  checkKeys(es, COMMON_KEYWORDS, "include_role's apply", ctx.diags);
  return { ...parseCommon(src, e.valuePos, es, ctx), kind: 'block', block: [roleBlock], rescue: [], always: [] };
}
