// Temp directories of playbook files for loader tests, removed after each test file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { LoadError, formatDiagnostic } from '../../../runner/load/errors.js';
import { loadPlaybook } from '../../../runner/load/playbook.js';
import type { Playbook } from '../../../runner/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes `files` (relative path → content) into a fresh temp dir and returns its path. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'osm-load-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Loads `site.yml` from a tree. */
export async function loadTree(files: Record<string, string>): Promise<Playbook> {
  const dir = writeTree(files);
  return loadPlaybook(join(dir, 'site.yml'));
}

/** The formatted diagnostics of loading a tree, with the temp dir replaced by `<dir>`; [] when it loads. */
export async function loadErrors(files: Record<string, string>): Promise<string[]> {
  const dir = writeTree(files);
  try {
    await loadPlaybook(join(dir, 'site.yml'));
    return [];
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    return e.diagnostics.map((d) => formatDiagnostic(d).split(dir + '/').join(''));
  }
}
