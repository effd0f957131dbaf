// rsync: copy a tree locally or to `host:path` over ssh; rsync's own itemized output decides changed.
import { Type, type Static } from '@sinclair/typebox';
import { shellQuote } from '../runner/connection/quote.js';
import { argvSummary } from '../runner/kit/argv.js';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { OnlyChange } from '../runner/types.js';
import { parseItemize, type ItemizedChange } from './lib/rsync/itemize.js';

const args = Type.Object({
  src: Type.String({ minLength: 1, description: 'Source path on the host (a trailing / copies the contents, as rsync does).' }),
  dest: Type.String({ minLength: 1, description: 'Destination: a path on the host, or `[user@]host:path` reached over ssh.' }),
  archive: Type.Boolean({ default: true, description: 'rsync -a: recurse and keep permissions, times, owners, links.' }),
  delete: Type.Boolean({ default: false, description: 'Delete files in dest that are not in src (--delete).' }),
  checksum: Type.Boolean({ default: false, description: 'Compare by checksum, not size and time (--checksum).' }),
  excludes: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Patterns passed as --exclude=PATTERN.' }),
  ssh_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'ssh port for a remote dest.' })),
  ssh_key: Type.Optional(Type.String({ description: 'Private key file for ssh (on the host running rsync).' })),
  known_hosts: Type.Optional(Type.String({ description: 'known_hosts file; host keys are then checked strictly.' })),
  timeout: Type.Integer({ default: 3600, minimum: 1, description: 'Seconds before the transfer is stopped.' }),
});

type RsyncArgs = Static<typeof args>;

/** The ssh command rsync runs (-e): one string, which rsync splits honouring quotes; non-interactive. */
export function sshCommand(a: RsyncArgs): string | null {
  if (a.ssh_port === undefined && a.ssh_key === undefined && a.known_hosts === undefined) return null;
  const argv = ['ssh', '-o', 'BatchMode=yes'];
  if (a.ssh_port !== undefined) argv.push('-p', String(a.ssh_port));
  if (a.ssh_key !== undefined) argv.push('-i', a.ssh_key, '-o', 'IdentitiesOnly=yes');
  if (a.known_hosts !== undefined) argv.push('-o', `UserKnownHostsFile=${a.known_hosts}`, '-o', 'StrictHostKeyChecking=yes');
  return shellQuote(argv);
}

/** rsync argv; `--` keeps a src or dest that starts with - from being read as an option. */
export function rsyncArgv(a: RsyncArgs, dryRun: boolean): string[] {
  const argv = ['rsync', '--itemize-changes'];
  if (dryRun) argv.push('--dry-run');
  if (a.archive) argv.push('--archive');
  if (a.delete) argv.push('--delete');
  if (a.checksum) argv.push('--checksum');
  for (const e of a.excludes) argv.push(`--exclude=${e}`);
  const ssh = sshCommand(a);
  if (ssh !== null) argv.push('--rsh', ssh);
  argv.push('--', a.src, a.dest);
  return argv;
}

export interface RsyncState {
  /** What a dry run says would change. */
  items: ItemizedChange[];
  itemized: string;
}

function describe(items: ItemizedChange[]): string {
  const deleted = items.filter((i) => i.kind === 'delete').length;
  const copied = items.length - deleted;
  return `${copied} item(s) to copy or update${deleted > 0 ? `, ${deleted} to delete` : ''}`;
}

/** The one change: the sync, run again for real by apply. */
export type RsyncChange = OnlyChange<'sync'>;

/** Pure: one change listing the itemized lines (the diff shows them), or [] when rsync would do nothing. */
export function planRsync(a: RsyncArgs, s: RsyncState): RsyncChange[] {
  if (s.items.length === 0) return [];
  const lines = s.itemized
    .split('\n')
    .filter((l) => parseItemize(l).length > 0)
    .join('\n');
  return [{ action: 'sync', target: a.dest, summary: `would run: ${argvSummary(rsyncArgv(a, false))} (${describe(s.items)})`, before: '', after: `${lines}\n` }];
}

async function runRsync(host: HostContext, a: RsyncArgs, dryRun: boolean): Promise<RsyncState> {
  const argv = rsyncArgv(a, dryRun);
  const r = await host.exec({ argv }, { timeoutMs: a.timeout * 1000 });
  if (r.exitCode !== 0) {
    const why = r.stderr.split('\n').filter((l) => l.trim() !== '').slice(-3).join('; ');
    throw new ModuleError(`rsync exited with rc ${r.exitCode}: ${why}`, { rc: r.exitCode, stdout: r.stdout, stderr: r.stderr, argv });
  }
  return { items: parseItemize(r.stdout), itemized: r.stdout };
}

export default defineModule({
  name: 'rsync',
  doc:
    'Copies src to dest with rsync on the host (dest may be `host:path`, reached with ssh using ssh_port, ssh_key ' +
    'and a strict known_hosts). Gather runs `rsync --dry-run --itemize-changes` with the same options, so check mode ' +
    "shows exactly what would be copied or deleted. Apply runs it for real with --itemize-changes; it changed " +
    'something only when rsync itemized at least one item.',
  example: `- name: copy the latest snapshot to the backup host
  rsync:
    src: "/srv/osm-lxc/lxc/containers/{{ name }}/.snapshots/{{ snap }}/snapshot/"
    dest: "osmbackup:/srv/backups/lxc/{{ name }}/"
    delete: true
    ssh_key: /root/.ssh/osm-backup
    known_hosts: /root/.ssh/known_hosts`,
  args,
  async gather(host, a) {
    return runRsync(host, a, true);
  },
  plan(a, s) {
    return planRsync(a, s);
  },
  async apply(host, a, changes) {
    for (const c of changes) {
      switch (c.action) {
        case 'sync':
          break; // the run below is the sync
        default:
          unknownChange(c);
      }
    }
    const done = await runRsync(host, a, false);
    return {
      changed: done.items.length > 0,
      data: { itemized: done.items.map((i) => `${i.kind} ${i.path}`), changed_items: done.items.length },
    };
  },
});
