// Runs the real CLI: the compiled one when `npm test` has just built it (OSM_PLAY_TEST_DIST=1, starts
// in about a second), else from the TypeScript sources with tsx (no build needed, several seconds).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = join(REPO, 'test/fixtures/playbooks');

export interface CliRun {
  code: number;
  stdout: string;
  /** stderr without the host-lock wait warnings (see LOCK_WAIT). */
  stderr: string;
  /** How many times the run waited for another run's host lock. */
  lockWaits?: number;
}

// Integration test files run in parallel, many against `localhost`, whose host lock they share (as
// every osm-play run on one machine does). A run that waited for another test's run says so on
// stderr; that is the lock working, not what the test asserts about, so it is taken out of stderr
// and counted instead.
const LOCK_WAIT = /^\[WARNING\]: \[[^\]]+\] another run holds the host lock \(.*\); waiting up to \d+s\n/gm;

/** node's arguments that start the CLI, before the CLI's own. */
export function cliEntry(): string[] {
  return process.env['OSM_PLAY_TEST_DIST'] === '1' ? [join(REPO, 'bin/osm-play.js')] : ['--import', 'tsx', join(REPO, 'runner/cli-main.ts')];
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, CI: 'true', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lockWaits = stderr.match(LOCK_WAIT)?.length ?? 0;
      resolvePromise({ code: code ?? -1, stdout, stderr: stderr.replace(LOCK_WAIT, ''), lockWaits });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A digest of a directory tree: paths, types, modes, contents and link targets. */
export function treeDigest(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      h.update(`${rel}\0${st.mode.toString(8)}\0`);
      if (st.isSymbolicLink()) h.update(`-> ${readlinkSync(p)}\0`);
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

/** Relative path → "mode:content" for every file and directory under root, for side-by-side comparisons. */
export function treeListing(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out[`${rel}/`] = mode;
        walk(p);
      } else out[rel] = `${mode}:${readFileSync(p, 'utf8')}`;
    }
  };
  walk(root);
  return out;
}
