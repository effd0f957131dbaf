// The module registry: built-ins from modules/, a `modules/` folder beside each playbook, and npm
// packages the playbook names. Later sources may replace a built-in; each replacement is logged.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyModule } from '../module.js';
import { LoadError } from './errors.js';
import { canonicalModuleName } from './keywords.js';
import { checkModuleExport } from './module-check.js';

export class ModuleRegistry {
  private readonly mods = new Map<string, { mod: AnyModule; source: string }>();

  constructor(modules: AnyModule[] = [], source = 'built-in') {
    for (const m of modules) this.mods.set(m.name, { mod: m, source });
  }

  /** The module for a task key; `ansible.builtin.copy` finds `copy`. */
  get(name: string): AnyModule | undefined {
    return this.mods.get(canonicalModuleName(name))?.mod;
  }

  /** Where a module came from: `built-in`, a file path or `npm:package`. */
  source(name: string): string | undefined {
    return this.mods.get(canonicalModuleName(name))?.source;
  }

  names(): string[] {
    return [...this.mods.keys()].sort();
  }

  /** Adds a module; returns the source it replaced, if any. */
  add(mod: AnyModule, source: string): string | undefined {
    const old = this.mods.get(mod.name);
    this.mods.set(mod.name, { mod, source });
    return old?.source;
  }
}

export interface RegistryOptions {
  /** Directories of the playbooks: their `modules/` folders are loaded and packages resolve from there. */
  playbookDirs: string[];
  /** npm package names (Playbook.modulePackages). */
  packages: string[];
  /** Where override notices go; default stderr. */
  log?: (msg: string) => void;
  /** Directory of built-in modules; default the repo's modules/ (dist/modules/ when compiled). */
  builtinDir?: string;
}

// Under vitest/tsx this file is .ts and the built-ins are .ts; compiled, both are .js under dist/.
const SELF = fileURLToPath(import.meta.url);
const RUNNING_TS = SELF.endsWith('.ts');
const DEFAULT_BUILTIN_DIR = resolve(dirname(SELF), '../../modules');

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

  const builtinDir = opts.builtinDir ?? DEFAULT_BUILTIN_DIR;
  for (const file of moduleFiles(builtinDir, RUNNING_TS ? ['.ts'] : ['.js'])) {
    const loaded = await importModuleFile(file, errors, true);
    add(loaded, 'built-in');
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
