// The two customers the lifecycle test makes, and the lab state it must leave as it found it.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths, runArgv } from '../../helpers/lab.js';
import { BACKUP_DIR, BACKUP_LOG, DOMAIN, play, type PlayRun } from './helpers.js';

export interface Customer {
  name: string;
  container: string;
  port: number;
  /** The customer's MQTT name, which its certificate carries. */
  mqttName: string;
  webName: string;
}

export function customer(name: string, port: number): Customer {
  return { name, container: `${name}-svr`, port, mqttName: `${name}-mqtt.${DOMAIN}`, webName: `${name}.${DOMAIN}` };
}

export const acme = customer('acme', 18883);
export const globex = customer('globex', 18884);
export const customers = [acme, globex];

export function createArgs(c: Customer): Record<string, string> {
  return { customer_name: c.name, mqtt_port: String(c.port) };
}

export function exists(c: Customer): boolean {
  return existsSync(join(labPaths.containers, c.container));
}

/** delete-container with purge=true, for cleanup; a customer that is not there is left alone. */
export async function purge(c: Customer): Promise<PlayRun | undefined> {
  if (!exists(c) && !existsSync(join(labPaths.nginxStreamDir, `${c.name}.conf`))) return undefined;
  return play('delete-container', { customer_name: c.name, purge: 'true' });
}

/** Final copies under deleted/ for these customers. */
export function finalCopies(list: Customer[]): string[] {
  if (!existsSync(labPaths.deleted)) return [];
  return readdirSync(labPaths.deleted).filter((n) => list.some((c) => n.startsWith(`${c.container}-`)));
}

async function btrfsDelete(path: string): Promise<void> {
  // A read-only snapshot must be made writable before its (nested) contents can go.
  await runArgv(['btrfs', 'property', 'set', '-ts', path, 'ro', 'false']);
  const r = await runArgv(['btrfs', 'subvolume', 'delete', path]);
  if (r.exitCode !== 0) rmSync(path, { recursive: true, force: true });
}

/** Numbers of the backup host's snapshots (snapper config osm-backups), or none when it has no config. */
async function backupSnapshots(): Promise<number[]> {
  const r = await runArgv(['snapper', '--no-dbus', '-c', 'osm-backups', '--csvout', 'list', '--columns', 'number']);
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').slice(1).map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/** What backup.yaml and delete-container add outside the customers' own traces. */
export interface BackupState {
  finalCopies: string[];
  backupDirs: string[];
  backupSnapshots: number[];
  log: string | null;
}

export async function backupState(list: Customer[]): Promise<BackupState> {
  return {
    finalCopies: finalCopies(list),
    backupDirs: existsSync(BACKUP_DIR) ? readdirSync(BACKUP_DIR) : [],
    backupSnapshots: await backupSnapshots(),
    log: existsSync(BACKUP_LOG) ? readFileSync(BACKUP_LOG, 'utf8') : null,
  };
}

/** Puts back the state before the test: final copies, backup copies and snapshots, the backup log. */
export async function restoreBackupState(list: Customer[], before: BackupState): Promise<void> {
  for (const n of finalCopies(list).filter((x) => !before.finalCopies.includes(x))) await btrfsDelete(join(labPaths.deleted, n));
  if (existsSync(BACKUP_DIR)) {
    // .snapshots holds snapper's read-only snapshots: those go through snapper below, never rm.
    const added = readdirSync(BACKUP_DIR).filter((x) => !before.backupDirs.includes(x) && x !== '.snapshots');
    for (const n of added) rmSync(join(BACKUP_DIR, n), { recursive: true, force: true });
  }
  const made = (await backupSnapshots()).filter((n) => !before.backupSnapshots.includes(n));
  if (made.length > 0) await runArgv(['snapper', '--no-dbus', '-c', 'osm-backups', 'delete', ...made.map(String)]);
  if (before.log === null) rmSync(BACKUP_LOG, { force: true });
  else writeFileSync(BACKUP_LOG, before.log);
}
