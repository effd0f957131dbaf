// import_tasks (static: inlined now as a block carrying the import's keywords) and include_tasks
// (dynamic: an IncludeNode the executor resolves with loadTaskFile when it reaches it).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import type { BlockNode, IncludeNode, Node, RoleInfo, SourcePos } from '../types.js';
import { childContext, type LoadContext } from './context.js';
import { LoadError, sortDiagnostics } from './errors.js';
import { IMPORT_KEYWORDS, INCLUDE_KEYWORDS } from './keywords.js';
import { readIncludeLoop } from './loops.js';
import { checkKeys, parseCommon, parseTaskList, stripUndefined } from './tasks.js';
import { isTemplated } from './values.js';
import { entries, kindOf, readYaml, type Entry, type YamlSource } from './yaml.js';

/** Where a task file name points: the including file's directory, then the role's tasks/, then the playbook's directory. */
export function resolveTaskFile(name: string, baseDir: string, role?: RoleInfo, playbookDir?: string): string {
  if (isAbsolute(name)) return name;
  const dirs = [baseDir, role ? join(role.path, 'tasks') : undefined, playbookDir].filter((d): d is string => d !== undefined);
  for (const d of dirs) {
    const p = resolve(d, name);
    if (existsSync(p)) return p;
  }
  return resolve(baseDir, name);
}

/**
 * Reads a task file for include_tasks at run time. `path` is absolute or relative to the working
 * directory (use resolveTaskFile(name, node.baseDir, node.role) first). Throws LoadError.
 */
export async function loadTaskFile(path: string, role?: RoleInfo, playbookDir?: string): Promise<Node[]> {
  const file = resolve(path);
  // Roles the file names are looked up from the playbook's folder, as for the playbook's own tasks.
  const ctx: LoadContext = {
    diags: [], playbookDir: playbookDir ?? dirname(file), baseDir: dirname(file), chain: [], roleCache: new Map(),
    ...(role ? { role } : {}),
  };
  const nodes = readTaskFile(file, ctx, { file, line: 1, col: 1 });
  if (ctx.diags.length > 0) throw new LoadError(sortDiagnostics(ctx.diags));
  return nodes;
}

/** Parses a task file within a load; problems go to ctx.diags. */
export function readTaskFile(file: string, ctx: LoadContext, from: SourcePos): Node[] {
  if (ctx.chain.includes(file)) {
    ctx.diags.push({ pos: from, message: `import cycle: ${[...ctx.chain, file].join(' -> ')}` });
    return [];
  }
  const src = readYaml(file, ctx.diags, from);
  if (!src) return [];
  const inner = childContext(ctx, { baseDir: dirname(file), chain: [...ctx.chain, file] });
  return parseTaskList(src, src.doc.contents, inner, `task file ${file}`, { file, line: 1, col: 1 });
}

/** The file name of include_tasks/import_tasks: a string, or `{ file: name }`. */
function fileName(src: YamlSource, e: Entry, ctx: LoadContext): string | undefined {
  if (isScalar(e.value) && typeof e.value.value === 'string') return e.value.value;
  if (isMap(e.value)) {
    const es = entries(src, e.value, ctx.diags);
    checkKeys(es, ['file'], e.key, ctx.diags);
    const f = es.find((x) => x.key === 'file');
    if (f && isScalar(f.value) && typeof f.value.value === 'string') return f.value.value;
  }
  ctx.diags.push({ pos: e.valuePos, message: `'${e.key}' must name a task file, got ${kindOf(e.value)}` });
  return undefined;
}

export function parseImport(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext): BlockNode | undefined {
  checkKeys(es, IMPORT_KEYWORDS, 'import_tasks', ctx.diags);
  const e = es.find((x) => x.key === 'import_tasks');
  if (!e) return undefined;
  const name = fileName(src, e, ctx);
  if (name === undefined) return undefined;
  if (isTemplated(name)) {
    ctx.diags.push({ pos: e.valuePos, message: `import_tasks is static and cannot use a templated file name ('${name}'); use include_tasks` });
    return undefined;
  }
  const file = resolveTaskFile(name, ctx.baseDir, ctx.role, ctx.playbookDir);
  const block = readTaskFile(file, ctx, e.valuePos);
  return { ...parseCommon(src, pos, es, ctx), kind: 'block', block, rescue: [], always: [], imported: true };
}

export function parseInclude(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext): IncludeNode | undefined {
  checkKeys(es, INCLUDE_KEYWORDS, 'include_tasks', ctx.diags);
  const e = es.find((x) => x.key === 'include_tasks');
  if (!e) return undefined;
  const name = fileName(src, e, ctx);
  if (name === undefined) return undefined;
  const node: IncludeNode = { ...parseCommon(src, pos, es, ctx), kind: 'include_tasks', file: name, baseDir: ctx.baseDir };
  readIncludeLoop(src, es, node, ctx.diags);
  if (!isTemplated(name)) {
    const file = resolveTaskFile(name, ctx.baseDir, ctx.role, ctx.playbookDir);
    // A file including itself (recursion ended by a when:) is legal; read it once.
    if (!ctx.chain.includes(file)) node.preloaded = readTaskFile(file, ctx, e.valuePos);
  }
  return stripUndefined(node);
}

/**
 * `include:` (deprecated in Ansible 2.14, still valid): static like import_tasks when the file name is
 * plain and there is no loop, else dynamic like include_tasks — the choice ansible-core makes.
 */
export function parseLegacyInclude(src: YamlSource, pos: SourcePos, es: Entry[], ctx: LoadContext): Node | undefined {
  const e = es.find((x) => x.key === 'include');
  if (!e) return undefined;
  const name = isScalar(e.value) && typeof e.value.value === 'string' ? e.value.value : undefined;
  const looped = es.some((x) => x.key === 'loop' || x.key.startsWith('with_'));
  const dynamic = name === undefined || isTemplated(name) || looped;
  const key = dynamic ? 'include_tasks' : 'import_tasks';
  const renamed = es.map((x) => (x === e ? { ...x, key } : x));
  return dynamic ? parseInclude(src, pos, renamed, ctx) : parseImport(src, pos, renamed, ctx);
}
