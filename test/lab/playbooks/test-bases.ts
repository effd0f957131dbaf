// OS bases for the rebase and prune tests, made cheaply from the lab's real base A (built by
// build-os-base.yaml): a writable btrfs snapshot of A, one observable difference, sealed read-only
// as build-os-base seals. What is tested is moving customers between bases, not building them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths, runArgv } from '../../helpers/lab.js';
import { ok } from './helpers.js';

/** Test bases sort before any dated real base, so create-container's "newest" stays the real one. */
export const TEST_BASE_PREFIX = '20000101-0000';

/** Makes base `name` from `from`; `change` is a sh script run with the new root as $1. */
export async function makeTestBase(from: string, name: string, change: string): Promise<string> {
  const partial = join(labPaths.osBases, `.partial-${name}`);
  await ok(['btrfs', 'subvolume', 'snapshot', join(labPaths.osBases, from), partial]);
  await ok(['/bin/sh', '-c', `set -e\n${change}`, 'sh', partial]);
  await ok(['btrfs', 'property', 'set', '-ts', partial, 'ro', 'true']);
  await ok(['mv', '-T', partial, join(labPaths.osBases, name)]);
  return name;
}

/** Deletes the test bases (and half-made ones) that are there. */
export async function removeTestBases(): Promise<void> {
  for (const n of readdirSync(labPaths.osBases).filter((x) => x.replace(/^\.partial-/, '').startsWith(TEST_BASE_PREFIX))) {
    const path = join(labPaths.osBases, n);
    if (existsSync(path)) await runArgv(['btrfs', 'subvolume', 'delete', '-c', path]);
  }
}
