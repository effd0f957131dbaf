// Roles: roles/<name>/ beside the playbook, with tasks/, handlers/, defaults/, vars/, meta/ (dependencies),
// templates/ and files/ (looked up at run time through RoleInfo.path). A role's tasks become one block
// carrying the role and the keywords it was named with; its dependencies run first, inside that block.
import { existsSync, statSync } from 'node:fs';
import { isMap, isScalar, isSeq } from 'yaml';
import { join, resolve } from 'node:path';
import type { BlockNode, Node, RoleInfo, TaskNode, Vars } from '../types.js';
import { childContext, type LoadContext, type LoadedRole, type RoleRef } from './context.js';
import { COMMON_KEYWORDS } from './keywords.js';
import { parseCommon, parseTaskList } from './tasks.js';
import { readVarsFile } from './vars-files.js';
import { entries, items, kindOf, posOf, readYaml, type YamlSource, type YNode } from './yaml.js';
import { readString } from './values.js';

/** Keys of a `roles:` entry that are keywords; any other key is a role parameter (a variable). */
const ROLE_ENTRY_KEYWORDS = new Set<string>(['role', ...COMMON_KEYWORDS.filter((k) => k !== 'name' && k !== 'vars'), 'vars']);

/** Parses one `roles:` (or meta `dependencies:`) entry: `name` or `{ role: name, vars..., when, tags }`. */
export function parseRoleRef(src: YamlSource, node: YNode, ctx: LoadContext): RoleRef | undefined {
  const pos = posOf(src, node);
  if (isScalar(node) && typeof node.value === 'string') return { name: node.value, pos, params: {}, when: [], tags: [] };
  if (!isMap(node)) {
    ctx.diags.push({ pos, message: `a role entry must be a role name or a mapping with 'role:', got ${kindOf(node)}` });
    return undefined;
  }
  const es = entries(src, node, ctx.diags);
  const roleKey = es.find((e) => e.key === 'role') ?? es.find((e) => e.key === 'name');
  const name = roleKey ? readString(src, roleKey, ctx.diags) : undefined;
  if (name === undefined) {
    if (!roleKey) ctx.diags.push({ pos, message: "a role entry needs 'role: <name>'" });
    return undefined;
  }
  const keywordEntries = es.filter((e) => ROLE_ENTRY_KEYWORDS.has(e.key));
  const common = parseCommon(src, pos, keywordEntries, { ...ctx, role: undefined });
  const params: Vars = { ...common.vars };
  // Ansible's role parameters: any other key of the entry is a variable for the role.
  for (const e of es) {
    if (e.key === roleKey?.key || ROLE_ENTRY_KEYWORDS.has(e.key)) continue;
    params[e.key] = e.value === null ? null : e.value.toJS(src.doc);
  }
  const ref: RoleRef = { name, pos, params, when: common.when, tags: common.tags };
  if (common.become !== undefined) ref.become = common.become;
  if (common.becomeUser !== undefined) ref.becomeUser = common.becomeUser;
  if (common.becomeMethod !== undefined) ref.becomeMethod = common.becomeMethod;
  return ref;
}

function roleDir(ref: RoleRef, ctx: LoadContext): string | undefined {
  const candidates = ref.name.includes('/')
    ? [resolve(ctx.playbookDir, ref.name)]
    : [join(ctx.playbookDir, 'roles', ref.name), ...(ctx.rolesPath ?? []).map((d) => resolve(d, ref.name)), join(ctx.playbookDir, ref.name)];
  const found = candidates.find((d) => existsSync(d) && statSync(d).isDirectory());
  if (!found) ctx.diags.push({ pos: ref.pos, message: `role '${ref.name}' not found (looked in ${candidates.join(', ')})` });
  return found;
}

/** `dir/main.yml`, `main.yaml` or `main.json` (or `<base>.yml`... for tasks_from and the like), whichever exists. */
function mainFile(dir: string, base = 'main'): string | undefined {
  const names = /\.(ya?ml|json)$/.test(base) ? [base] : [`${base}.yml`, `${base}.yaml`, `${base}.json`];
  return names.map((f) => join(dir, f)).find((f) => existsSync(f));
}

function loadRole(ref: RoleRef, ctx: LoadContext): LoadedRole | undefined {
  const dir = roleDir(ref, ctx);
  if (!dir) return undefined;
  const from = ref.from ?? {};
  const cacheKey = ref.from ? `${dir}\0${JSON.stringify(from)}` : dir;
  const cached = ctx.roleCache.get(cacheKey);
  if (cached) return cached;
  const name = ref.name.split('/').pop() ?? ref.name;
  const fileOf = (sub: string, base: string | undefined): string | undefined => {
    const f = mainFile(join(dir, sub), base);
    if (!f && base !== undefined) ctx.diags.push({ pos: ref.pos, message: `role '${ref.name}': no ${sub}/${base}(.yml|.yaml|.json)` });
    return f;
  };
  const varsOf = (sub: string, base?: string): Vars => {
    const f = fileOf(sub, base);
    return f ? readVarsFile(f, ctx.diags, ref.pos) : {};
  };
  const info: RoleInfo = { name, path: dir, defaults: varsOf('defaults', from.defaults), vars: varsOf('vars', from.vars) };
  const roleCtx = childContext(ctx, { role: info, chain: [] });
  const role: LoadedRole = { info, tasks: [], handlers: [], dependencies: [] };
  ctx.roleCache.set(cacheKey, role);
  const taskFile = fileOf('tasks', from.tasks);
  if (taskFile) role.tasks = readList(taskFile, childContext(roleCtx, { baseDir: join(dir, 'tasks') }), ref);
  const handlerFile = fileOf('handlers', from.handlers);
  if (handlerFile) role.handlers = handlersOnly(readList(handlerFile, childContext(roleCtx, { baseDir: join(dir, 'handlers') }), ref), roleCtx);
  const metaFile = mainFile(join(dir, 'meta'));
  if (metaFile) role.dependencies = readDependencies(metaFile, ctx, ref);
  return role;
}

function readList(file: string, ctx: LoadContext, ref: RoleRef): Node[] {
  const src = readYaml(file, ctx.diags, ref.pos);
  if (!src) return [];
  return parseTaskList(src, src.doc.contents, { ...ctx, chain: [file] }, `task file ${file}`, { file, line: 1, col: 1 });
}

function readDependencies(file: string, ctx: LoadContext, ref: RoleRef): RoleRef[] {
  const src = readYaml(file, ctx.diags, ref.pos);
  if (!src) return [];
  const deps = entries(src, src.doc.contents, ctx.diags).find((e) => e.key === 'dependencies');
  if (!deps || deps.value === null || (isScalar(deps.value) && deps.value.value === null)) return [];
  if (!isSeq(deps.value)) {
    ctx.diags.push({ pos: deps.valuePos, message: `'dependencies' must be a list of roles, got ${kindOf(deps.value)}` });
    return [];
  }
  return items(src, deps.value).map((n) => parseRoleRef(src, n, ctx)).filter((r): r is RoleRef => r !== undefined);
}

/** Handlers must be plain tasks; import_tasks blocks are flattened with their keywords pushed down. */
export function handlersOnly(nodes: Node[], ctx: LoadContext): TaskNode[] {
  const out: TaskNode[] = [];
  for (const n of nodes) {
    if (n.kind === 'task') out.push(n);
    else if (n.kind === 'block' && n.imported) {
      for (const t of handlersOnly(n.block, ctx)) {
        out.push({ ...t, when: [...n.when, ...t.when], tags: [...n.tags, ...t.tags], vars: { ...n.vars, ...t.vars } });
      }
    } else {
      ctx.diags.push({ pos: n.pos, message: `handlers must be plain tasks, not ${n.kind === 'block' ? 'a block' : 'include_tasks'}` });
    }
  }
  return out;
}

export interface ExpandedRoles {
  roles: RoleInfo[];
  tasks: BlockNode[];
  handlers: TaskNode[];
}

/** Loads the roles a play names, dependencies first; a role named twice with the same parameters runs once. */
export function expandRoles(refs: RoleRef[], ctx: LoadContext): ExpandedRoles {
  const out: ExpandedRoles = { roles: [], tasks: [], handlers: [] };
  const applied = new Set<string>();
  const visit = (ref: RoleRef, stack: string[]): BlockNode | undefined => {
    const role = loadRole(ref, ctx);
    if (!role) return undefined;
    if (stack.includes(role.info.path)) {
      ctx.diags.push({ pos: ref.pos, message: `role dependency cycle: ${[...stack, role.info.path].join(' -> ')}` });
      return undefined;
    }
    const key = `${role.info.path}\0${JSON.stringify(ref.params)}`;
    if (applied.has(key)) return undefined;
    applied.add(key);
    const deps = role.dependencies.map((d) => visit(d, [...stack, role.info.path])).filter((b): b is BlockNode => b !== undefined);
    for (const d of deps) d.roleDependency = true;
    if (!out.roles.includes(role.info)) {
      out.roles.push(role.info);
      out.handlers.push(...role.handlers);
    }
    const block: BlockNode = {
      kind: 'block', pos: ref.pos, role: role.info, when: ref.when, tags: ref.tags, vars: ref.params,
      block: [...deps, ...role.tasks], rescue: [], always: [],
    };
    if (ref.become !== undefined) block.become = ref.become;
    if (ref.becomeUser !== undefined) block.becomeUser = ref.becomeUser;
    if (ref.becomeMethod !== undefined) block.becomeMethod = ref.becomeMethod;
    return block;
  };
  for (const ref of refs) {
    const b = visit(ref, []);
    if (b) out.tasks.push(b);
  }
  return out;
}
