#!/usr/bin/env node
// npm test: typecheck and build, lint, unit + integration tests, then the lab tests when root on Debian.
// Prints each phase's time and ends with "N passed, N failed"; exits non-zero on any failure.
// The lab phase leaves the lab as it found it: up stays up, down is taken down again.
// Under CI=true a lab phase that cannot run is a failure, not a skip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(repo, 'node_modules', '.bin', name);
const upMarker = '/var/lib/osm-lab/UP';
const ci = process.env.CI === 'true';
const work = mkdtempSync(join(tmpdir(), 'osm-play-test-'));

let passed = 0;
let failed = 0;
const summary = [];

function run(argv, env = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd: repo, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function phase(name, body) {
  console.log(`\n=== ${name}`);
  const t0 = Date.now();
  const result = body();
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  summary.push(`${name}: ${result} (${secs}s)`);
  console.log(`=== ${name}: ${result} in ${secs}s`);
  return result;
}

/** A step that is not a test file (typecheck, lint) counts as one test. */
function step(name, argv) {
  return phase(name, () => {
    const ok = run(argv) === 0;
    if (ok) passed++;
    else failed++;
    return ok ? 'ok' : 'FAILED';
  });
}

/** vitest with its JSON report, so the counts come from vitest itself. */
function vitest(name, args) {
  return phase(name, () => {
    const out = join(work, `${name.replace(/\W+/g, '-')}.json`);
    const status = run([bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args]);
    let p = 0;
    let f = 0;
    if (existsSync(out)) {
      const report = JSON.parse(readFileSync(out, 'utf8'));
      p = report.numPassedTests ?? 0;
      f = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTests ?? 0);
    }
    // A non-zero exit with no failed test (a file that failed to load, an unhandled error) still fails.
    if (status !== 0 && f === 0) f = 1;
    passed += p;
    failed += f;
    return status === 0 ? `ok, ${p} passed` : `FAILED, ${p} passed, ${f} failed`;
  });
}

function labUnavailableReason() {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not running as root';
  if (!existsSync('/etc/debian_version')) return 'not Debian';
  return undefined;
}

const t0 = Date.now();
const reason = labUnavailableReason();
// The integration tests need sshd, ansible-playbook, mosquitto..., the lab phase the rest: on a
// fresh machine `npm ci && npm test` installs the missing Debian packages first (never upgrading).
if (!reason) step('Debian packages', ['bash', join(repo, 'scripts', 'lab', 'install-packages')]);
// One tsc run both type-checks everything and builds dist/, which the CLI tests then run
// (OSM_PLAY_TEST_DIST=1): the compiled CLI starts in about a second, tsx takes several.
step('typecheck and build', [bin('tsc'), '-p', 'tsconfig.json']);
// bin/osm-play.js runs the esbuild bundle, so it is rebuilt from the same sources.
step('bundle', [process.execPath, join(repo, 'scripts', 'bundle.mjs')]);
process.env.OSM_PLAY_TEST_DIST = '1';
step('lint', [bin('eslint'), '.']);
// Unit tests are pure: files run in parallel. Integration tests share sshd users, the local host
// lock and ports: one file at a time.
vitest('unit tests', ['test/unit']);
vitest('integration tests', ['test/integration', '--no-file-parallelism']);

if (reason) {
  const line = `LAB TESTS NOT RUN: ${reason}. They need root on Debian (see docs/lab.md).`;
  console.log(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}`);
  summary.push(`lab tests: NOT RUN (${reason})`);
  if (ci) {
    console.log('CI=true: a lab phase that cannot run is a failure.');
    failed++;
  }
} else {
  const wasUp = existsSync(upMarker);
  console.log(`\nlab was ${wasUp ? 'up' : 'down'} before the lab tests`);
  // The cycle test takes the lab down and up; run it while nobody else needs the lab.
  if (!wasUp) vitest('lab cycle test', ['test/lab/lab-cycle.test.ts', '--no-file-parallelism']);
  phase('lab-up', () => {
    const ok = run(['bash', join(repo, 'scripts', 'lab-up')]) === 0;
    if (!ok) failed++;
    return ok ? 'ok' : 'FAILED';
  });
  vitest('lab tests', ['test/lab', '--exclude', 'test/lab/lab-cycle.test.ts', '--no-file-parallelism']);
  if (wasUp) vitest('lab cycle test', ['test/lab/lab-cycle.test.ts', '--no-file-parallelism']);
  if (!wasUp) {
    phase('lab-down', () => {
      const ok = run(['bash', join(repo, 'scripts', 'lab-down')]) === 0;
      if (!ok) failed++;
      return ok ? 'ok' : 'FAILED';
    });
  }
}

rmSync(work, { recursive: true, force: true });
console.log(`\n${summary.join('\n')}\ntotal ${((Date.now() - t0) / 1000).toFixed(1)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
