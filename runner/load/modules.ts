// The module registry: built-ins from modules/, a `modules/` folder beside each playbook, and npm
// packages the playbook names. Later sources may replace a built-in; each replacement is logged.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILTIN_MODULES } from '../../modules/builtins.js';
import type { AnyModule, ModuleShape } from '../module.js';
import type { Node, Playbook } from '../types.js';
import { LoadError } from './errors.js';
import { canonicalModuleName } from './keywords.js';
import { usePrecompiled } from './args-check.js';
import { checkModuleExport } from './module-check.js';
import { PRECOMPILED_VALIDATORS } from './precompiled.js';
import { walkTasks } from './walk.js';

/** Loads a module file lazily; its default export is one module (or an array). */
export type ModuleLoader = () => Promise<{ default: unknown }>;

export class ModuleRegistry {
  private readonly mods = new Map<string, { mod: AnyModule; source: string }>();
  // Built-ins not imported yet: name -> loader. load() moves them into `mods`.
  private readonly lazy = new Map<string, ModuleLoader>();
  // Built-ins known by their shape only (generated at build time): enough to check tasks.
  private readonly shapes = new Map<string, ModuleShape>();

  constructor(modules: AnyModule[] = [], source = 'built-in') {
    for (const m of modules) this.mods.set(m.name, { mod: m, source });
  }

  /** The module for a task key; `ansible.builtin.copy` finds `copy`. Only loaded modules: see load(). */
  get(name: string): AnyModule | undefined {
    return this.mods.get(canonicalModuleName(name))?.mod;
  }

  /** What checking a task needs of its module: the module when loaded, else its shape (loadShapes()). */
  shape(name: string): ModuleShape | undefined {
    const key = canonicalModuleName(name);
    return this.mods.get(key)?.mod ?? this.shapes.get(key);
  }

  /** Where a module came from: `built-in`, a file path or `npm:package`. */
  source(name: string): string | undefined {
    const key = canonicalModuleName(name);
    return this.mods.get(key)?.source ?? (this.lazy.has(key) ? 'built-in' : undefined);
  }

  /** Every module name, loaded or not. */
  names(): string[] {
    return [...new Set([...this.mods.keys(), ...this.lazy.keys()])].sort();
  }

  /** Adds a module; returns the source it replaced, if any. */
  add(mod: AnyModule, source: string): string | undefined {
    const old = this.source(mod.name);
    this.lazy.delete(mod.name);
    this.mods.set(mod.name, { mod, source });
    return old;
  }

  /** Adds a built-in that is imported only when a playbook names it. */
  addLazy(name: string, load: ModuleLoader): void {
    if (!this.mods.has(name)) this.lazy.set(name, load);
  }

  /** Imports the named built-ins not loaded yet; unknown names are left to validation to report. */
  async load(names: Iterable<string>): Promise<void> {
    const wanted = [...new Set([...names].map(canonicalModuleName))].filter((n) => this.lazy.has(n));
    await Promise.all(wanted.map(async (name) => this.add(await importBuiltin(name, this.lazy.get(name)!), 'built-in')));
  }

  /** Imports every built-in (doc, schema). */
  async loadAll(): Promise<void> {
    await this.load([...this.lazy.keys()]);
  }

  /** Loads the modules that tasks among `nodes` name (blocks and static includes included). */
  async loadFor(nodes: Node[]): Promise<void> {
    await this.load(moduleNamesOf(nodes));
  }

  /**
   * For checking only (a syntax check, a listing): the shapes of the built-ins that tasks among
   * `nodes` name, from the build's generated validators, without importing the modules' code. A
   * built-in without a generated shape (source runs) is loaded whole.
   */
  async loadShapesFor(nodes: Node[]): Promise<void> {
    const wanted = [...moduleNamesOf(nodes)].map(canonicalModuleName).filter((n) => this.lazy.has(n) && !this.shapes.has(n));
    const found = await Promise.all(wanted.map(async (name) => ({ name, precompiled: await PRECOMPILED_VALIDATORS[name]?.() })));
    for (const { name, precompiled } of found) {
      if (!precompiled?.shape) continue;
      usePrecompiled(precompiled.shape.args, precompiled);
      this.shapes.set(name, precompiled.shape);
    }
    await this.load(found.filter((f) => !f.precompiled?.shape).map((f) => f.name));
  }
}

// Built-ins are the project's own code, checked by their tests: only the shape is checked here. The
// bundle brings each built-in's validators compiled at build time; otherwise the schema compiles
// when the module is first validated.
async function importBuiltin(name: string, load: ModuleLoader): Promise<AnyModule> {
  const [ns, precompiled] = await Promise.all([load(), PRECOMPILED_VALIDATORS[name]?.()]);
  const { modules, errors } = checkModuleExport(ns.default, `built-in module '${name}'`, { compileSchema: false });
  const mod = modules.find((m) => m.name === name);
  if (errors.length > 0 || !mod) throw new Error(errors.join('; ') || `built-in module file for '${name}' exports ${modules.map((m) => m.name).join(', ') || 'nothing'}`);
  if (precompiled) usePrecompiled(mod.args, precompiled);
  return mod;
}

/** Module names used by tasks among `nodes`, through blocks and statically loaded includes. */
export function moduleNamesOf(nodes: Node[]): Set<string> {
  const names = new Set<string>();
  walkTasks(nodes, (t) => names.add(t.module));
  return names;
}

/** Every task node of a playbook's plays, handlers included. */
export function playbookNodes(pb: Playbook): Node[] {
  return pb.plays.flatMap((p) => [...p.preTasks, ...p.tasks, ...p.postTasks, ...p.handlers]);
}

export interface RegistryOptions {
  /** Directories of the playbooks: their `modules/` folders are loaded and packages resolve from there. */
  playbookDirs: string[];
  /** npm package names (Playbook.modulePackages). */
  packages: string[];
  /** Where override notices go; default stderr. */
  log?: (msg: string) => void;
  /** Directory of built-in modules, each file imported; default modules/builtins.ts's list. */
  builtinDir?: string;
  /** Load only the built-ins these nodes name (the rest stay lazy); default all of them. */
  onlyFor?: Node[];
  /** With onlyFor: nothing will run, so the built-ins' shapes are enough (loadShapesFor). */
  shapesOnly?: boolean;
}

// Under vitest/tsx this file is .ts; compiled or bundled, it is .js.
const SELF = fileURLToPath(import.meta.url);
const RUNNING_TS = SELF.endsWith('.ts');

/** Loads every module source. Throws LoadError listing every bad file or package. */
export async function loadModuleRegistry(opts: RegistryOptions): Promise<ModuleRegistry> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const registry = new ModuleRegistry();
  const errors: { file: string; message: string }[] = [];
  const add = (mods: AnyModule[], source: string): void => {
    for (const m of mods) {
      const replaced = registry.add(m, source);
      if (replaced !== undefined && replaced !== source) log(`module '${m.name}' from ${source} replaces the one from ${replaced}`);
      else if (replaced === source) errors.push({ file: source, message: `module '${m.name}' is defined twice` });
    }
  };

  if (opts.builtinDir !== undefined) {
    for (const file of moduleFiles(opts.builtinDir, RUNNING_TS ? ['.ts'] : ['.js'])) add(await importModuleFile(file, errors, true), 'built-in');
  } else {
    for (const [name, load] of Object.entries(BUILTIN_MODULES)) registry.addLazy(name, load);
  }
  for (const dir of unique(opts.playbookDirs.map((d) => resolve(d, 'modules')))) {
    for (const file of moduleFiles(dir, ['.js', '.mjs', '.ts'])) add(await importModuleFile(file, errors, false), file);
  }
  for (const pkg of unique(opts.packages)) {
    const entry = resolvePackage(pkg, packageSearchDirs(opts.playbookDirs));
    if (!entry) {
      errors.push({ file: pkg, message: `module package '${pkg}' not found (looked in node_modules/ from ${unique(opts.playbookDirs).join(', ') || process.cwd()})` });
      continue;
    }
    add(await importModuleFile(entry, errors, false, `package '${pkg}'`), `npm:${pkg}`);
  }
  try {
    if (opts.onlyFor && opts.shapesOnly) await registry.loadShapesFor(opts.onlyFor);
    else if (opts.onlyFor) await registry.loadFor(opts.onlyFor);
    else await registry.loadAll();
  } catch (e) {
    errors.push({ file: 'modules/builtins.ts', message: `cannot load a built-in module: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (errors.length > 0) {
    throw new LoadError(errors.map((e) => ({ pos: { file: e.file, line: 1, col: 1 }, message: e.message })), { registry });
  }
  return registry;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Module files of a directory, not descending: helpers live in subfolders such as modules/lib/. */
function moduleFiles(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && exts.includes(extname(d.name)) && !d.name.endsWith('.d.ts') && !/\.test\.[jt]s$/.test(d.name) && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => join(dir, d.name))
    .sort();
}

async function importModuleFile(file: string, errors: { file: string; message: string }[], builtin: boolean, label?: string): Promise<AnyModule[]> {
  // The diagnostic already names the file; a package is named in the message.
  const origin = label ?? 'default export';
  let ns: Record<string, unknown>;
  try {
    ns = await importFile(file);
  } catch (e) {
    errors.push({ file, message: `cannot load ${label ?? 'module file'}: ${e instanceof Error ? e.message : String(e)}` });
    return [];
  }
  if (!('default' in ns) || ns.default === undefined) {
    // A built-in file without a default export is a helper, not a module.
    if (!builtin) errors.push({ file, message: `${label ?? 'module file'} has no default export (export default defineModule({...}) or an array of modules)` });
    return [];
  }
  const { modules, errors: problems } = checkModuleExport(unwrapCommonJs(ns.default), origin);
  for (const p of problems) errors.push({ file, message: p });
  return modules;
}

/** A .ts file compiled as CommonJS (no "type": "module" nearby) arrives as `{ default: module }`. */
function unwrapCommonJs(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('name' in value) && 'default' in value) {
    return (value as { default: unknown }).default;
  }
  return value;
}

async function importFile(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (file.endsWith('.ts') && !RUNNING_TS) {
    // Compiled runner, TypeScript module beside a playbook: tsx compiles it on the fly if installed.
    let api: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
    try {
      api = (await import('tsx/esm/api')) as typeof api;
    } catch {
      throw new Error('TypeScript modules need the tsx package installed (or compile the module to .js)');
    }
    return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** Where module packages are looked for: beside the playbooks, the working directory, and osm-play's own install. */
export function packageSearchDirs(playbookDirs: string[]): string[] {
  return [...playbookDirs, process.cwd(), dirname(SELF)];
}

/** The entry file of an npm package, found by walking up node_modules/ from each directory. */
export function resolvePackage(pkg: string, fromDirs: string[]): string | undefined {
  for (const start of fromDirs) {
    let dir = resolve(start);
    for (;;) {
      const pkgDir = join(dir, 'node_modules', pkg);
      const manifest = join(pkgDir, 'package.json');
      // Real path, as Node resolves packages: a linked package finds its own dependencies.
      if (existsSync(manifest)) return join(realpathSync(pkgDir), entryOf(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** `exports` (string, `.` string, or import/default condition), then `module`, `main`, index.js. */
function entryOf(manifest: Record<string, unknown>): string {
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return pick(o['.']) ?? pick(o.import) ?? pick(o.default) ?? pick(o.node);
    }
    return undefined;
  };
  return pick(manifest.exports) ?? (typeof manifest.module === 'string' ? manifest.module : undefined) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
}
