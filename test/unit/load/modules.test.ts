// The module registry: built-ins, a modules/ folder beside the playbook, npm packages, bad modules.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../../runner/load/errors.js';
import { loadModuleRegistry } from '../../../runner/load/modules.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import { validatePlaybook } from '../../../runner/load/validate.js';
import { writeTree } from './fixture.js';

const REPO = resolve(import.meta.dirname, '../../..');
const MODULE_TS = join(REPO, 'runner/module.ts');

/** A TypeScript module file that imports defineModule and TypeBox like a real built-in. */
function tsModule(name: string, doc = 'test module'): string {
  return `import { Type } from '@sinclair/typebox';
import { defineModule } from '${MODULE_TS}';
export default defineModule({
  name: '${name}', doc: '${doc}', example: '- ${name}: {path: /x}',
  args: Type.Object({ path: Type.String() }),
  async gather() { return null; },
  plan() { return []; },
  async apply() {},
});
`;
}

const jsModule = (name: string): string => `export default [{
  name: '${name}', doc: 'js', example: '', args: { type: 'object', properties: { n: { type: 'integer' } } },
  async gather() { return null; }, plan() { return []; }, async apply() {},
}];
`;

/** A temp dir whose node_modules reaches the repo's (for @sinclair/typebox) plus linked packages. */
function treeWithNodeModules(files: Record<string, string>, packages: Record<string, string> = {}): string {
  const dir = writeTree(files);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules/@sinclair'), join(dir, 'node_modules/@sinclair'));
  for (const [name, target] of Object.entries(packages)) symlinkSync(target, join(dir, 'node_modules', name));
  return dir;
}

async function registryErrors(opts: Parameters<typeof loadModuleRegistry>[0]): Promise<string[]> {
  try {
    await loadModuleRegistry(opts);
    return [];
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    return e.diagnostics.map((d) => `${d.pos.file}: ${d.message}`);
  }
}

describe('loadModuleRegistry', () => {
  it('loads the repo built-ins by default', async () => {
    const reg = await loadModuleRegistry({ playbookDirs: [], packages: [] });
    expect(reg.names().length).toBeGreaterThan(0);
    for (const n of reg.names()) expect(reg.source(n)).toBe('built-in');
  });

  it('loads built-ins from a directory, skipping helpers without a default export and subfolders', async () => {
    const dir = treeWithNodeModules({
      'mods/alpha.ts': tsModule('alpha'),
      'mods/helper.ts': 'export const x = 1;\n',
      'mods/lib/beta.ts': tsModule('beta'),
    });
    const reg = await loadModuleRegistry({ playbookDirs: [], packages: [], builtinDir: join(dir, 'mods') });
    expect(reg.names()).toEqual(['alpha']);
    expect(reg.get('ansible.builtin.alpha')?.name).toBe('alpha');
  });

  it('loads a modules/ folder beside the playbook (.ts and .mjs) and logs overrides of built-ins', async () => {
    const dir = treeWithNodeModules({
      'builtins/alpha.ts': tsModule('alpha', 'built-in alpha'),
      'play/modules/alpha.ts': tsModule('alpha', 'local alpha'),
      'play/modules/gamma.mjs': jsModule('gamma'),
    });
    const logs: string[] = [];
    const reg = await loadModuleRegistry({ playbookDirs: [join(dir, 'play')], packages: [], builtinDir: join(dir, 'builtins'), log: (m) => logs.push(m) });
    expect(reg.names()).toEqual(['alpha', 'gamma']);
    expect(reg.get('alpha')?.doc).toBe('local alpha');
    expect(reg.source('gamma')).toBe(join(dir, 'play/modules/gamma.mjs'));
    expect(logs).toEqual([`module 'alpha' from ${join(dir, 'play/modules/alpha.ts')} replaces the one from built-in`]);
  });

  it('names the file or package of every bad module', async () => {
    const dir = treeWithNodeModules({
      'play/modules/noapply.mjs': "export default { name: 'x', doc: 'd', args: { type: 'object' }, gather() {}, plan() {} };\n",
      'play/modules/nodefault.mjs': 'export const y = 1;\n',
      'play/modules/badname.mjs': "export default { name: 'Bad-Name', doc: 'd', args: { type: 'object' }, gather() {}, plan() {}, apply() {} };\n",
      'play/modules/badschema.mjs': "export default { name: 'bs', doc: 'd', args: { type: 'objekt' }, gather() {}, plan() {}, apply() {} };\n",
      'play/modules/throws.mjs': "throw new Error('boom');\n",
    });
    const errors = await registryErrors({ playbookDirs: [join(dir, 'play')], packages: ['no-such-osm-module'], builtinDir: join(dir, 'none') });
    const m = join(dir, 'play/modules');
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${m}/noapply.mjs: .*'apply' must be a function`)),
      expect.stringMatching(new RegExp(`^${m}/nodefault.mjs: .*has no default export`)),
      expect.stringMatching(new RegExp(`^${m}/badname.mjs: .*'name' must be a lower_snake_case string`)),
      expect.stringMatching(new RegExp(`^${m}/badschema.mjs: .*'args' is not a valid JSON Schema`)),
      expect.stringMatching(new RegExp(`^${m}/throws.mjs: cannot load .*boom`)),
      expect.stringMatching(/^no-such-osm-module: module package 'no-such-osm-module' not found/),
    ]));
    expect(errors).toHaveLength(6);
  });

  it('hands back the modules that did load with the error', async () => {
    const dir = treeWithNodeModules({ 'play/modules/good.mjs': jsModule('good'), 'play/modules/bad.mjs': 'export default 1;\n' });
    const err = await loadModuleRegistry({ playbookDirs: [join(dir, 'play')], packages: [], builtinDir: join(dir, 'none') }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).registry?.names()).toEqual(['good']);
  });
});

describe('a third-party module package (examples/osm-play-module-hello)', () => {
  const helloPkg = join(REPO, 'examples/osm-play-module-hello');

  it('is loaded when a playbook names it under modules:, and its arguments are validated', async () => {
    const dir = treeWithNodeModules({
      'site.yml': `- hosts: localhost
  modules: [osm-play-module-hello]
  tasks:
    - hello_file: {path: /tmp/hello.txt, name: world}
    - hello_file:
        path: /tmp/hello.txt
        nmae: world
`,
    }, { 'osm-play-module-hello': helloPkg });
    const pb = await loadPlaybook(join(dir, 'site.yml'));
    expect(pb.modulePackages).toEqual(['osm-play-module-hello']);
    const reg = await loadModuleRegistry({ playbookDirs: [dir], packages: pb.modulePackages, builtinDir: join(dir, 'none') });
    const hello = reg.get('hello_file');
    expect(hello).toBeDefined();
    expect(reg.source('hello_file')).toBe('npm:osm-play-module-hello');
    const diags = validatePlaybook(pb, reg).map((d) => `${d.pos.line}:${d.pos.col}: ${d.message}`);
    expect(diags).toEqual([
      "5:7: hello_file: missing required argument 'name'",
      "7:9: hello_file: unknown argument 'nmae' for hello_file (did you mean 'name'?)",
    ]);
  });

  it('plans like any module: a change when the file differs, none when it matches', async () => {
    const dir = treeWithNodeModules({}, { 'osm-play-module-hello': helloPkg });
    const reg = await loadModuleRegistry({ playbookDirs: [dir], packages: ['osm-play-module-hello'], builtinDir: join(dir, 'none') });
    const hello = reg.get('hello_file');
    if (!hello) throw new Error('hello_file not loaded');
    const a = { path: '/tmp/h', name: 'osm' };
    expect(hello.plan(a, { content: null })).toMatchObject([{ action: 'create', target: '/tmp/h', after: 'Hello, osm!\n' }]);
    expect(hello.plan(a, { content: 'Hello, osm!\n' })).toEqual([]);
  });
});
