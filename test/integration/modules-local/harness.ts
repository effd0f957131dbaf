// A real local host in a temp dir: LocalConnection + makeHostContext + runModule, as the executor uses them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../runner/connection/local.js';
import { makeHostContext } from '../../../runner/execute/host-context.js';
import { runModule, type ModuleRun } from '../../../runner/execute/run-module.js';
import type { AnyModule, HostContext } from '../../../runner/module.js';
import { createTemplater } from '../../../runner/template/index.js';
import type { Vars } from '../../../runner/types.js';

export interface LocalLab {
  dir: string;
  host: HostContext;
  run(mod: AnyModule, args: Vars, opts?: { check?: boolean; diff?: boolean }): Promise<ModuleRun>;
  cleanup(): void;
}

export function localLab(vars: Vars = {}): LocalLab {
  const dir = mkdtempSync(join(tmpdir(), 'osm-play-modules-'));
  mkdirSync(join(dir, 'files'));
  mkdirSync(join(dir, 'templates'));
  const host = makeHostContext({
    name: 'localhost',
    conn: new LocalConnection(),
    vars: { dir, ...vars },
    templater: createTemplater(),
    searchDirs: { files: [join(dir, 'files')], templates: [join(dir, 'templates')] },
  });
  return {
    dir,
    host,
    run: (mod, args, opts = {}) => runModule(mod, host, args, { check: opts.check ?? false, diff: opts.diff ?? true }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
