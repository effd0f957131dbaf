// loadPlaybook: a playbook file (and every file it names) → Playbook, or a LoadError listing every problem.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Diagnostic, Node, Play, Playbook, RoleInfo, SourcePos, TaskNode } from '../types.js';
import { childContext, type LoadContext, type RoleRef } from './context.js';
import { LoadError, sortDiagnostics } from './errors.js';
import { IMPORT_PLAYBOOK_KEYWORDS, PLAY_KEYWORDS } from './keywords.js';
import { packageSearchDirs, resolvePackage } from './modules.js';
import { readParams } from './param-specs.js';
import { expandRoles, handlersOnly, parseRoleRef } from './roles.js';
import { canonicalKeywordActions, checkKeys, parseTaskList } from './tasks.js';
import { isTemplated, readBool, readEnvironment, readString, readStringList, readVars } from './values.js';
import { readVarsFile } from './vars-files.js';
import { entries, items, kindOf, posOf, readYaml, type Entry, type YamlSource, type YNode } from './yaml.js';

export interface LoadOptions {
  /** More directories to find roles in (ansible.cfg roles_path, ANSIBLE_ROLES_PATH). */
  rolesPath?: string[];
}

/** Loads a playbook. Throws LoadError carrying every problem of every file, in file order. */
export async function loadPlaybook(file: string, opts: LoadOptions = {}): Promise<Playbook> {
  const path = resolve(file);
  const diags: Diagnostic[] = [];
  const packages: string[] = [];
  const plays = readPlaybookFile(path, diags, [], packages, { file: path, line: 1, col: 1 }, opts);
  const playbook: Playbook = { file: path, plays, modulePackages: packages };
  if (diags.length > 0) throw new LoadError(sortDiagnostics(diags), { playbook });
  return playbook;
}

function readPlaybookFile(file: string, diags: Diagnostic[], chain: string[], packages: string[], from: SourcePos, opts: LoadOptions): Play[] {
  if (chain.includes(file)) {
    diags.push({ pos: from, message: `import_playbook cycle: ${[...chain, file].join(' -> ')}` });
    return [];
  }
  const src = readYaml(file, diags, from);
  if (!src) return [];
  const root = src.doc.contents;
  if (!isSeq(root)) {
    if (diags.every((d) => d.pos.file !== file)) {
      diags.push({ pos: posOf(src, root), message: `a playbook must be a list of plays, got ${kindOf(root)}` });
    }
    return [];
  }
  const ctx: LoadContext = {
    diags, playbookDir: dirname(file), baseDir: dirname(file), chain: [...chain, file], roleCache: new Map(), rolesPath: opts.rolesPath,
  };
  const plays: Play[] = [];
  for (const node of items(src, root)) {
    const es = canonicalKeywordActions(entries(src, node, diags));
    const include = es.find((e) => e.key === 'include');
    if (include) diags.push({ pos: include.pos, message: "'include' of a playbook is not valid (ansible-core 2.14 refuses it too); use import_playbook" });
    else if (es.some((e) => e.key === 'import_playbook')) plays.push(...importPlaybook(src, es, ctx, packages, opts));
    else {
      const play = parsePlay(src, node, ctx, packages);
      if (play) plays.push(play);
    }
  }
  if (plays.length === 0 && items(src, root).length === 0) diags.push({ pos: posOf(src, root), message: 'the playbook has no plays' });
  return plays;
}

function importPlaybook(src: YamlSource, es: Entry[], ctx: LoadContext, packages: string[], opts: LoadOptions): Play[] {
  checkKeys(es, IMPORT_PLAYBOOK_KEYWORDS, 'import_playbook', ctx.diags);
  const e = es.find((x) => x.key === 'import_playbook');
  if (!e) return [];
  const name = readString(src, e, ctx.diags);
  if (name === undefined) return [];
  if (isTemplated(name)) {
    ctx.diags.push({ pos: e.valuePos, message: `import_playbook cannot use a templated file name ('${name}')` });
    return [];
  }
  const plays = readPlaybookFile(resolve(ctx.baseDir, name), ctx.diags, ctx.chain, packages, e.valuePos, opts);
  const varsEntry = es.find((x) => x.key === 'vars');
  const tagsEntry = es.find((x) => x.key === 'tags');
  const vars = varsEntry ? readVars(src, varsEntry, ctx.diags) : {};
  const tags = tagsEntry ? readStringList(src, tagsEntry, ctx.diags, true) : [];
  // Ansible sets the import's vars on each imported play, over the play's own.
  return plays.map((p) => ({ ...p, vars: { ...p.vars, ...vars }, tags: [...tags, ...p.tags] }));
}

function parsePlay(src: YamlSource, node: YNode, outer: LoadContext, packages: string[]): Play | undefined {
  let ctx = outer;
  const pos = posOf(src, node);
  const d = ctx.diags;
  if (!isMap(node)) {
    d.push({ pos, message: `a play must be a mapping (hosts:, tasks: ...), got ${kindOf(node)}` });
    return undefined;
  }
  const es = entries(src, node, d);
  checkKeys(es, PLAY_KEYWORDS, 'a play', d);
  const playRoles = { roles: [] as RoleInfo[], handlers: [] as TaskNode[] };
  ctx = childContext(ctx, { playRoles });
  const play: Play = {
    name: '', pos, file: src.file, baseDir: ctx.baseDir, hosts: '', vars: {}, varsFiles: [], params: {}, roles: [],
    preTasks: [], tasks: [], postTasks: [], handlers: [], tags: [],
  };
  const hostsEntry = es.find((e) => e.key === 'hosts');
  if (!hostsEntry) d.push({ pos, message: "a play needs 'hosts:' (a host pattern such as all or a group name)" });
  let roleRefs: RoleRef[] = [];
  let tasks: Node[] = [];
  let handlers: TaskNode[] = [];
  const list = (e: Entry): Node[] => parseTaskList(src, e.value, ctx, `'${e.key}'`, e.pos);
  for (const e of es) {
    switch (e.key) {
      case 'name': play.name = readString(src, e, d) ?? ''; break;
      case 'hosts': play.hosts = readHosts(src, e, ctx); break;
      case 'connection': play.connection = readString(src, e, d); break;
      case 'remote_user': play.remoteUser = readString(src, e, d); break;
      case 'environment': play.environment = readEnvironment(src, e, d); break;
      case 'strategy': checkStrategy(src, e, d); break;
      case 'vars': play.vars = readVars(src, e, d); break;
      case 'vars_files': play.varsFiles = readVarsFiles(src, e, ctx); break;
      case 'roles': roleRefs = items(src, e.value).map((n) => parseRoleRef(src, n, ctx)).filter((r): r is RoleRef => r !== undefined); checkList(src, e, ctx); break;
      case 'pre_tasks': play.preTasks = list(e); break;
      case 'tasks': tasks = list(e); break;
      case 'post_tasks': play.postTasks = list(e); break;
      case 'handlers': handlers = handlersOnly(list(e), ctx); break;
      case 'tags': play.tags = readStringList(src, e, d, true); break;
      case 'become': play.become = readBool(src, e, d); break;
      case 'become_user': play.becomeUser = readString(src, e, d); break;
      case 'become_method': play.becomeMethod = readString(src, e, d); break;
      case 'gather_facts': play.gatherFacts = readBool(src, e, d); break;
      case 'serial': play.serial = readSerial(src, e, ctx); break;
      case 'any_errors_fatal': play.anyErrorsFatal = readBool(src, e, d); break;
      case 'params': play.params = readParams(src, e, d); break;
      case 'modules': readModulePackages(src, e, ctx, packages); break;
    }
  }
  const roles = expandRoles(roleRefs, ctx);
  play.roles = [...roles.roles, ...playRoles.roles.filter((r) => !roles.roles.includes(r))];
  play.tasks = [...roles.tasks, ...tasks];
  play.handlers = [...roles.handlers, ...playRoles.handlers.filter((h) => !roles.handlers.includes(h)), ...handlers];
  if (!play.name) play.name = play.hosts;
  for (const k of Object.keys(play) as (keyof Play)[]) if (play[k] === undefined) delete play[k];
  return play;
}

/** `modules:` names npm packages; each must be installed where the playbook is. */
function readModulePackages(src: YamlSource, e: Entry, ctx: LoadContext, packages: string[]): void {
  const names = readStringList(src, e, ctx.diags);
  const nodes = isSeq(e.value) ? items(src, e.value) : [e.value];
  names.forEach((name, i) => {
    if (!packages.includes(name)) packages.push(name);
    if (!resolvePackage(name, packageSearchDirs([ctx.playbookDir]))) {
      const pos = nodes[i] ? posOf(src, nodes[i]) : e.valuePos;
      ctx.diags.push({ pos, message: `module package '${name}' is not installed (no node_modules/${name} from ${ctx.playbookDir})` });
    }
  });
}

function checkList(src: YamlSource, e: Entry, ctx: LoadContext): void {
  if (!isSeq(e.value) && !(isScalar(e.value) && e.value.value === null)) {
    ctx.diags.push({ pos: e.valuePos, message: `'${e.key}' must be a list, got ${kindOf(e.value)}` });
  }
}

/** `hosts: web` or a list of patterns, joined with ':' (Ansible's union). */
function readHosts(src: YamlSource, e: Entry, ctx: LoadContext): string {
  const patterns = readStringList(src, e, ctx.diags);
  if (patterns.length === 0 || patterns.some((p) => p.trim() === '')) {
    ctx.diags.push({ pos: e.valuePos, message: "'hosts' must name at least one host pattern" });
  }
  return patterns.join(':');
}

function readSerial(src: YamlSource, e: Entry, ctx: LoadContext): number | undefined {
  const v = isScalar(e.value) ? e.value.value : undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  ctx.diags.push({ pos: e.valuePos, message: "'serial' must be a positive whole number of hosts (percentages and lists are not supported)" });
  return undefined;
}

function readVarsFiles(src: YamlSource, e: Entry, ctx: LoadContext): Play['varsFiles'] {
  checkList(src, e, ctx);
  const out: Play['varsFiles'] = [];
  for (const n of items(src, e.value)) {
    const pos = posOf(src, n);
    // A list inside the list: the first of its files that exists (Ansible's first-found form).
    const names = isSeq(n) ? items(src, n).map((x) => (isScalar(x) && typeof x.value === 'string' ? x.value : undefined)) : [isScalar(n) && typeof n.value === 'string' ? n.value : undefined];
    if (names.length === 0 || names.some((x) => x === undefined)) {
      ctx.diags.push({ pos, message: `a vars_files entry must be a file name or a list of file names (the first that exists is read), got ${kindOf(n)}` });
      continue;
    }
    const templated = (names as string[]).find((x) => isTemplated(x));
    if (templated !== undefined) {
      ctx.diags.push({ pos, message: `vars_files names cannot be templated ('${templated}'): files are read before any host is contacted; use include_vars with with_first_found, or -e @file` });
      continue;
    }
    const paths = (names as string[]).map((x) => resolve(ctx.baseDir, x));
    const found = paths.length === 1 ? paths[0] : paths.find((p) => existsSync(p));
    if (found === undefined) ctx.diags.push({ pos, message: `none of the vars_files in this list exists: ${names.join(', ')}` });
    else out.push(readVarsFile(found, ctx.diags, pos));
  }
  return out;
}

/** Only Ansible's default strategy (linear) is how osm-play runs; the others are refused. */
function checkStrategy(src: YamlSource, e: Entry, d: Diagnostic[]): void {
  const v = readString(src, e, d);
  if (v === undefined || v === 'linear' || v === 'ansible.builtin.linear') return;
  d.push({ pos: e.valuePos, message: `strategy '${v}' is not supported: osm-play runs each task on every host before the next (linear, Ansible's default); remove the strategy line` });
}
