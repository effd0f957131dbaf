// A listing of everything create-container leaves on an OSM host (files, rules and lines), to show
// that delete-container takes away exactly what create added, and that --check changes nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths, runArgv } from '../../helpers/lab.js';
import { CREDENTIALS_DIR, LETSENCRYPT_LIVE } from './helpers.js';

function names(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
}

function digest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
}

async function stdoutLines(argv: string[]): Promise<string[]> {
  const r = await runArgv(argv, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
}

/**
 * Sorted `place: entry` strings. Lease lines lose their expiry time (renewals move it); snapper
 * configs are the OSM host's container ones (the backup host's config lives on this machine too).
 */
export async function hostTraces(): Promise<string[]> {
  const out: string[] = [];
  const add = (place: string, entries: string[]): void => {
    for (const e of entries) out.push(`${place}: ${e}`);
  };
  for (const d of ['customers.http.d', 'customers.stream.d']) {
    const dir = join(labPaths.nginxPrefix, 'devtank', d);
    add(d, names(dir).map((n) => `${n} ${digest(join(dir, n))}`));
  }
  for (const f of names('/etc/lxc').filter((n) => /^dnsmasq.*\.conf$/.test(n))) add(`/etc/lxc/${f}`, lines(join('/etc/lxc', f)));
  add('leases', lines(labPaths.dnsmasqLeases).map((l) => l.split(' ').slice(1).join(' ')));
  add('/etc/hosts', lines('/etc/hosts'));
  add('ufw', (await stdoutLines(['ufw', 'show', 'added'])).filter((l) => l.startsWith('ufw ')));
  const configs = await stdoutLines(['snapper', '--no-dbus', '--csvout', 'list-configs', '--columns', 'config,subvolume']);
  add('snapper', configs.filter((l) => l.includes(`${labPaths.containers}/`)));
  add('containers', names(labPaths.containers));
  add('lxc logs', names(labPaths.lxcLogs));
  add('credentials', names(CREDENTIALS_DIR));
  add('letsencrypt live', names(LETSENCRYPT_LIVE));
  return out.sort();
}

/** Entries only in `a` (as "- x") and only in `b` (as "+ x"): empty when the listings match. */
export function tracesDiff(a: string[], b: string[]): string[] {
  const inB = new Set(b);
  const inA = new Set(a);
  return [...a.filter((x) => !inB.has(x)).map((x) => `- ${x}`), ...b.filter((x) => !inA.has(x)).map((x) => `+ ${x}`)];
}

/**
 * The customer an entry belongs to: every trace names it (`<c>-svr`, `<c>.conf`, `<c>.txt`,
 * `<c>.<domain>`, ufw's `osm customer <c>` comment). undefined for the host's own entries.
 */
export function traceOwner(entry: string): string | undefined {
  const m =
    /\b([a-z][a-z0-9-]*[a-z0-9])-svr\b/.exec(entry) ??
    /osm customer ([a-z][a-z0-9-]*[a-z0-9])'/.exec(entry) ??
    /^customers\.(?:http|stream)\.d: ([a-z][a-z0-9-]*[a-z0-9])\.conf /.exec(entry) ??
    /^credentials: ([a-z][a-z0-9-]*[a-z0-9])\.txt$/.exec(entry) ??
    /^letsencrypt live: ([a-z][a-z0-9-]*[a-z0-9])\./.exec(entry);
  return m?.[1];
}

/**
 * tracesDiff, less the entries of customers that appeared meanwhile and are none of `ours`
 * (another lab test running at the same time on a shared machine). CI runs lab files one at a time.
 */
export function tracesDiffIgnoringNewcomers(before: string[], after: string[], ours: string[]): string[] {
  const known = new Set([...before.map(traceOwner), ...ours]);
  return tracesDiff(before, after).filter((d) => {
    const owner = traceOwner(d.slice(2));
    return owner === undefined || known.has(owner);
  });
}
