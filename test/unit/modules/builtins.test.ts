// The one list of built-ins (modules/builtins.ts) against the modules/ folder: a module file that is
// not listed would silently not exist for playbooks, and a listed loader must give that module.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODULES, registerBuiltins } from '../../../modules/builtins.js';
import { connectionTypes } from '../../../runner/connection/index.js';
import { checkModuleExport } from '../../../runner/load/module-check.js';
import { inventorySourceNames } from '../../../runner/load/inventory-sources.js';

const MODULES_DIR = resolve(import.meta.dirname, '../../../modules');

const moduleFiles = readdirSync(MODULES_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'builtins.ts')
  .filter((f) => /^export default /m.test(readFileSync(join(MODULES_DIR, f), 'utf8')));

describe('modules/builtins.ts', () => {
  it('lists every module file of modules/', () => {
    expect(moduleFiles.length).toBeGreaterThan(0);
    expect(Object.keys(BUILTIN_MODULES).sort()).toEqual(moduleFiles.map((f) => f.replace(/\.ts$/, '')).sort());
  });

  it.each(Object.entries(BUILTIN_MODULES))('%s loads a valid module of that name', async (name, load) => {
    const { modules, errors } = checkModuleExport((await load()).default, name);
    expect(errors).toEqual([]);
    expect(modules.map((m) => m.name)).toEqual([name]);
  });

  it('registers the lxc connection and the osm_containers inventory source', () => {
    registerBuiltins();
    expect(connectionTypes()).toEqual(expect.arrayContaining(['local', 'lxc', 'ssh']));
    expect(inventorySourceNames()).toContain('osm_containers');
  });
});
