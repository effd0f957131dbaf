// What killed-runs.test.ts does between its runs: the customer's argv, its data file, its final
// copies, putting the lab back, and a readable difference between two customer states.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_LIMIT, labPaths, runArgv } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, DOMAIN, LETSENCRYPT_LIVE, inContainer, play, type PlayRun } from '../playbooks/helpers.js';

export const CUSTOMER = 't7k-kill';
export const PORT = 18991;
export const CONTAINER = `${CUSTOMER}-svr`;
/** A customer's file inside the container: the final copy must still hold it. */
export const DATA_FILE = '/root/t7k-customer-data.txt';
/** Every run waits for the host lock: other helpers' runs may hold it a while. */
export const LOCK = ['--lock-timeout', '900'];

const CREATE_VARS = { customer_name: CUSTOMER, mqtt_port: String(PORT) };

/** osm-play's argv (less the CLI itself) for create-container or delete-container (purge=false). */
export function playbookArgv(name: 'create-container' | 'delete-container'): string[] {
  const vars = name === 'create-container' ? CREATE_VARS : { customer_name: CUSTOMER, purge: 'false' };
  const argv = ['-i', labPaths.inventory, join(labPaths.repo, 'playbooks', `${name}.yaml`), ...LAB_LIMIT];
  for (const [k, v] of Object.entries(vars)) argv.push('-e', `${k}=${v}`);
  return [...argv, ...LOCK];
}

export function createNormally(): Promise<PlayRun> {
  return play('create-container', CREATE_VARS, LOCK);
}

export function deleteNormally(purge = false): Promise<PlayRun> {
  return play('delete-container', { customer_name: CUSTOMER, purge: String(purge) }, LOCK);
}

/** The final copies of our container under deleted/ (names). */
export function finalCopies(): string[] {
  if (!existsSync(labPaths.deleted)) return [];
  return readdirSync(labPaths.deleted)
    .filter((n) => n.startsWith(`${CONTAINER}-`))
    .sort();
}

/** The container subvolume's btrfs uuid: its final copy is named after it. */
export async function containerUuid(): Promise<string> {
  const r = await runArgv(['btrfs', 'subvolume', 'show', join(labPaths.containers, CONTAINER)]);
  const uuid = /^\s*UUID:\s*([0-9a-f-]{36})\s*$/m.exec(r.stdout)?.[1];
  if (r.exitCode !== 0 || uuid === undefined) throw new Error(`no subvolume uuid for ${CONTAINER}: ${r.stderr}${r.stdout}`);
  return uuid;
}

/** Writes the customer's data file inside the running container and flushes it to disk. */
export async function writeCustomerData(text: string): Promise<void> {
  await inContainer(CONTAINER, ['/bin/sh', '-c', 'echo "$1" > "$2" && sync', 'sh', text, DATA_FILE]);
}

/** The data file as the final copy holds it, or null. */
export function dataInCopy(copy: string): string | null {
  const file = join(labPaths.deleted, copy, 'rootfs-layer', DATA_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** Removes a read-only final copy: it must be made writable first (as customers.ts does). */
export async function removeCopy(copy: string): Promise<void> {
  const path = join(labPaths.deleted, copy);
  await runArgv(['btrfs', 'property', 'set', '-ts', path, 'ro', 'false']);
  const r = await runArgv(['btrfs', 'subvolume', 'delete', path]);
  if (r.exitCode !== 0) throw new Error(`btrfs subvolume delete ${path}: ${r.stderr}`);
}

/** Takes the customer away entirely: delete-container purge=true when it has traces, then our copies. */
export async function removeCustomer(): Promise<string[]> {
  const problems: string[] = [];
  const traces = existsSync(join(labPaths.containers, CONTAINER)) || existsSync(join(labPaths.nginxStreamDir, `${CUSTOMER}.conf`)) ||
    readFileSync('/etc/hosts', 'utf8').includes(CONTAINER) || readFileSync(labPaths.dnsmasqConf, 'utf8').includes(CONTAINER);
  if (traces) {
    const r = await deleteNormally(true);
    if (r.code !== 0) problems.push(`delete-container purge=true failed:\n${r.output}`);
  }
  for (const c of finalCopies()) await removeCopy(c);
  problems.push(...(await removeStrays()));
  return problems;
}

/**
 * What a delete that gave up half way can leave that delete-container no longer finds (it knows a
 * customer by its container, nginx, dnsmasq, hosts and snapper traces): the credentials file and the
 * certificate. Listed as problems, then removed, so the next round starts clean.
 */
async function removeStrays(): Promise<string[]> {
  const problems: string[] = [];
  const credentials = join(CREDENTIALS_DIR, `${CUSTOMER}.txt`);
  if (existsSync(credentials)) {
    problems.push(`${credentials} was left behind`);
    rmSync(credentials);
  }
  const name = `${CUSTOMER}.${DOMAIN}`;
  const letsencrypt = join(LETSENCRYPT_LIVE, '..');
  if (existsSync(join(letsencrypt, 'renewal', `${name}.conf`)) || existsSync(join(LETSENCRYPT_LIVE, name))) {
    problems.push(`the certificate ${name} was left behind`);
    const r = await runArgv(['certbot', 'delete', '--non-interactive', '--cert-name', name, '--config-dir', letsencrypt, '--work-dir', join(letsencrypt, 'work'), '--logs-dir', join(letsencrypt, 'logs')]);
    if (r.exitCode !== 0) problems.push(`certbot delete ${name}: ${r.stderr}`);
  }
  return problems;
}

/**
 * The state with the customer's own address (its dhcp-host line's IP) written as `<address>`
 * everywhere. dnsmasq_host gives a new container the lowest free address, so a later incarnation
 * gets another one when another lab test's container took it meanwhile; everything must still agree
 * on the one address this incarnation has (a stale or second address stays visible).
 */
export function addressAsShape(state: Record<string, unknown>): Record<string, unknown> {
  const lines = state['dnsmasqConf'];
  const ip = Array.isArray(lines) && lines.length === 1 ? /^dhcp-host=[^,]+,([0-9.]+),/.exec(String(lines[0]))?.[1] : undefined;
  if (ip === undefined) return state;
  const pattern = new RegExp(`(?<![0-9.])${ip.replace(/\./g, '\\.')}(?![0-9])`, 'g');
  return JSON.parse(JSON.stringify(state).replace(pattern, '<address>')) as Record<string, unknown>;
}

/** The parts of two customer states that differ, each with both values: empty when they are equal. */
export function stateDiff(wantState: Record<string, unknown>, gotState: Record<string, unknown>): string[] {
  const want = addressAsShape(wantState);
  const got = addressAsShape(gotState);
  const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])];
  return keys
    .filter((k) => JSON.stringify(want[k]) !== JSON.stringify(got[k]))
    .map((k) => `${k}:\n  want ${JSON.stringify(want[k])}\n  got  ${JSON.stringify(got[k])}`);
}
