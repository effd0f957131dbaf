// btrfs_send: copy one read-only subvolume of this host to a directory on another machine with
// `btrfs send [-p PARENT] SRC | ssh TARGET btrfs receive DEST_DIR`. The copy is known by its Received
// UUID, so a second run does nothing, and the leftover of a killed receive is deleted and sent again.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import {
  classifyCopy,
  cleanPath,
  deleteArgv,
  findParentCopy,
  infoArgv,
  parseInfo,
  parsePipeline,
  pipelineScript,
  sshRunArgv,
  streamUuid,
  type CopyState,
  type InfoOutput,
  type PathInfo,
  type SshTarget,
  type SubvolumeShow,
} from './lib/btrfs/send.js';

const args = Type.Object(
  {
    src: Type.String({ pattern: '^/', description: 'Absolute path of the read-only subvolume on this host to copy.' }),
    dest_dir: Type.String({
      pattern: '^/',
      description: 'Absolute directory on the target (on btrfs) that receives it: the copy is `dest_dir/<basename of src>`.',
    }),
    parent: Type.Optional(
      Type.String({
        pattern: '^/',
        description:
          'A read-only subvolume on this host whose received copy the target already holds: only the difference is sent (btrfs send -p). ' +
          'Without such a copy the send is full, and the summary says why.',
      }),
    ),
    host: Type.String({
      pattern: '^[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]*$',
      description: 'The target: a host name or address that ssh reaches from this host.',
    }),
    ssh_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'ssh port of the target.' })),
    ssh_user: Type.Optional(Type.String({ minLength: 1, description: 'User on the target (it must be able to run btrfs receive: root).' })),
    ssh_key: Type.Optional(Type.String({ minLength: 1, description: 'Private key file for ssh (on the host running the send).' })),
    known_hosts: Type.Optional(Type.String({ minLength: 1, description: 'known_hosts file; host keys are then checked strictly. ssh never asks (BatchMode).' })),
    timeout: Type.Integer({ default: 3600, minimum: 1, description: 'Seconds before a command (a probe, the transfer) is stopped.' }),
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

export interface SendState {
  /** src as btrfs shows it. */
  src: SubvolumeShow;
  /** What dest_dir/<name> on the target is. */
  copy: CopyState;
  /** With parent: its path on this host and on the target, when an incremental send is possible. */
  incremental?: { parent: string; copy: string };
  /** With parent, when the send must be full: why. */
  fullBecause?: string;
}

/** The change set: delete the leftover of a killed receive, then send (full or incremental). */
export type SendChange = Change<'delete-partial'> | Change<'send', { parent?: string }>;

const target = (a: Args): SshTarget => ({ host: a.host, ssh_port: a.ssh_port, ssh_user: a.ssh_user, ssh_key: a.ssh_key, known_hosts: a.known_hosts });

/** The received copy's path on the target. */
export function copyPath(a: Pick<Args, 'src' | 'dest_dir'>): string {
  return posix.join(cleanPath(a.dest_dir), posix.basename(cleanPath(a.src)));
}

function failure(what: string, r: { exitCode: number; stdout: string; stderr: string }, argv: string[]): ModuleError {
  return new ModuleError(`${what} failed (rc ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`, { rc: r.exitCode, stdout: r.stdout, stderr: r.stderr, argv });
}

async function probeHere(host: HostContext, a: Args): Promise<InfoOutput> {
  const pairs: [string, string][] = [['src', cleanPath(a.src)]];
  if (a.parent !== undefined) pairs.push(['parent', cleanPath(a.parent)]);
  const argv = infoArgv(pairs);
  const r = await host.exec({ argv }, { timeoutMs: a.timeout * 1000 });
  if (r.exitCode !== 0) throw failure(`inspecting ${a.src}`, r, argv);
  return parseInfo(r.stdout);
}

async function probeTarget(host: HostContext, a: Args, withList: boolean): Promise<InfoOutput> {
  const pairs: [string, string][] = [
    ['dest_dir', cleanPath(a.dest_dir)],
    ['copy', copyPath(a)],
  ];
  if (withList) pairs.push(['list', cleanPath(a.dest_dir)]);
  const argv = sshRunArgv(target(a), infoArgv(pairs));
  const r = await host.exec({ argv }, { timeoutMs: a.timeout * 1000 });
  if (r.exitCode !== 0) throw failure(`inspecting ${a.host}:${a.dest_dir} over ssh`, r, argv);
  return parseInfo(r.stdout);
}

/** src must be a read-only subvolume: anything else is refused, naming the path. */
export function checkSrc(path: string, info: PathInfo | undefined): SubvolumeShow {
  if (!info?.exists) throw new ModuleError(`src ${path} does not exist`);
  if (info.fsType !== 'btrfs') throw new ModuleError(`src ${path} is on ${info.fsType ?? 'an unknown filesystem'}, not btrfs`);
  if (!info.subvolume) throw new ModuleError(`src ${path} is not a btrfs subvolume (a plain ${info.isDir ? 'directory' : 'file'})`);
  if (!info.subvolume.readonly) {
    throw new ModuleError(`src ${path} is not read-only: btrfs send needs a read-only snapshot (btrfs subvolume snapshot -r ${path} ...)`);
  }
  return info.subvolume;
}

/** The parent on this host, when it can be used: a read-only subvolume. Else why not. */
export function parentHere(path: string, info: PathInfo | undefined): { uuid: string } | { why: string } {
  if (!info?.exists) return { why: `parent ${path} does not exist here` };
  if (!info.subvolume) return { why: `parent ${path} is not a btrfs subvolume` };
  if (!info.subvolume.readonly) return { why: `parent ${path} is not read-only` };
  return { uuid: streamUuid(info.subvolume) };
}

async function gatherSend(host: HostContext, a: Args): Promise<SendState> {
  const here = await probeHere(host, a);
  const src = checkSrc(cleanPath(a.src), here.paths.get('src'));
  const parent = a.parent === undefined ? undefined : parentHere(cleanPath(a.parent), here.paths.get('parent'));
  const there = await probeTarget(host, a, parent !== undefined && 'uuid' in parent);
  const dest = there.paths.get('dest_dir');
  if (!dest?.exists || !dest.isDir) throw new ModuleError(`dest_dir ${a.dest_dir} on ${a.host} ${dest?.exists ? 'is not a directory' : 'does not exist'}`);
  if (dest.fsType !== 'btrfs') throw new ModuleError(`dest_dir ${a.dest_dir} on ${a.host} is on ${dest.fsType ?? 'an unknown filesystem'}, not btrfs`);
  const copy = classifyCopy(there.paths.get('copy'), streamUuid(src));
  if (copy.kind === 'foreign') {
    throw new ModuleError(`${copyPath(a)} on ${a.host} is ${copy.why}: refusing to replace what this module did not receive`);
  }
  const state: SendState = { src, copy };
  if (parent === undefined) return state;
  if ('why' in parent) return { ...state, fullBecause: parent.why };
  const found = findParentCopy(there.received ?? [], there.fsRoot ?? '', parent.uuid);
  if ('why' in found) return { ...state, fullBecause: `parent ${cleanPath(a.parent ?? '')}: ${found.why}` };
  return { ...state, incremental: { parent: cleanPath(a.parent ?? ''), copy: found.path } };
}

/** Pure: [] when the complete copy is there; else delete a partial one first, then send. */
export function planSend(a: Args, s: SendState): SendChange[] {
  if (s.copy.kind === 'complete') return [];
  const dest = copyPath(a);
  const where = `${a.host}:${dest}`;
  const changes: SendChange[] = [];
  if (s.copy.kind === 'partial') {
    changes.push({ action: 'delete-partial', target: where, summary: `delete ${where}, left by an interrupted receive (writable, no received UUID)` });
  }
  const src = cleanPath(a.src);
  const how = s.incremental
    ? `incremental send of ${src} from parent ${s.incremental.parent} (the target's copy: ${s.incremental.copy})`
    : `full send of ${src}${s.fullBecause ? ` (not incremental: ${s.fullBecause})` : ''}`;
  changes.push({
    action: 'send',
    target: where,
    summary: `${how} to ${where}`,
    before: s.copy.kind === 'partial' ? `${where}: partial receive\n` : `${where}: absent\n`,
    after: `${where}: read-only copy of ${src}, received UUID ${streamUuid(s.src)}\n`,
    data: s.incremental ? { parent: s.incremental.parent } : {},
  });
  return changes;
}

/** Runs argv on the target (through this host's ssh); throws with its output when it fails. */
async function runRemote(host: HostContext, a: Args, remote: string[], what: string): Promise<void> {
  const argv = sshRunArgv(target(a), remote);
  const r = await host.exec({ argv }, { timeoutMs: a.timeout * 1000 });
  if (r.exitCode !== 0) throw failure(`${what} on ${a.host}`, r, argv);
}

/** After a failed transfer: the partial copy it left, deleted so that a re-run starts clean. Returns what was done. */
async function cleanUpAfterFailure(host: HostContext, a: Args, uuid: string): Promise<string> {
  try {
    const there = await probeTarget(host, a, false);
    const copy = classifyCopy(there.paths.get('copy'), uuid);
    if (copy.kind === 'complete') return `${copyPath(a)} on ${a.host} is complete nevertheless`;
    if (copy.kind !== 'partial') return `nothing to clean up at ${copyPath(a)} on ${a.host}`;
    await runRemote(host, a, deleteArgv(copyPath(a)), `deleting the partial ${copyPath(a)}`);
    return `deleted the partial ${copyPath(a)} on ${a.host}`;
  } catch (e) {
    return `the partial ${copyPath(a)} on ${a.host} may be left (a re-run deletes it): ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function transfer(host: HostContext, a: Args, s: SendState, parent: string | undefined): Promise<void> {
  const script = pipelineScript(target(a), cleanPath(a.src), cleanPath(a.dest_dir), parent);
  const argv = ['bash', '-c', script];
  let stdout = '';
  let stderr = '';
  let rc: number | null = null;
  try {
    const r = await host.exec({ argv }, { timeoutMs: a.timeout * 1000 });
    if (r.exitCode === 0) return;
    ({ stdout, stderr } = r);
    rc = r.exitCode;
  } catch (e) {
    stderr = e instanceof Error ? e.message : String(e);
  }
  const p = parsePipeline(stdout);
  const cleanup = await cleanUpAfterFailure(host, a, streamUuid(s.src));
  const sides = [
    `btrfs send ${p.sendRc === null ? 'did not finish' : `rc ${p.sendRc}${p.sendRc === 141 ? ' (SIGPIPE: the receiving side stopped reading)' : ''}`}${p.sendStderr.trim() ? `: ${p.sendStderr.trim()}` : ''}`,
    `ssh/btrfs receive ${p.receiveRc === null ? 'did not finish' : `rc ${p.receiveRc}`}${p.receiveStderr.trim() ? `: ${p.receiveStderr.trim()}` : ''}`,
  ];
  if (stderr.trim()) sides.push(stderr.trim());
  throw new ModuleError(`sending ${cleanPath(a.src)} to ${a.host}:${cleanPath(a.dest_dir)} failed: ${sides.join('; ')}; ${cleanup}`, {
    rc: rc ?? undefined,
    stdout,
    stderr: [`send: ${p.sendStderr}`, `receive: ${p.receiveStderr}`, stderr].join('\n'),
    argv,
  });
}

export default defineModule({
  name: 'btrfs_send',
  doc:
    'Copies a read-only btrfs subvolume of this host to dest_dir on another machine: `btrfs send [-p parent] src | ' +
    'ssh host btrfs receive dest_dir` (ssh with ssh_port, ssh_user, ssh_key, a strict known_hosts, never asking). ' +
    'The copy is `dest_dir/<basename of src>`; it is there (ok, nothing sent) when it is read-only and its Received UUID ' +
    "is src's (src's own Received UUID when src was itself received). A writable subvolume without a Received UUID " +
    'at that path is what a killed receive leaves: it is deleted and the send starts again. Anything else there is ' +
    'refused, never replaced. With parent (read-only here, its received copy on the target) only the difference is ' +
    'sent; otherwise the send is full and the summary says why. A failed send or receive fails the task with both ' +
    "sides' errors, and the partial copy is deleted. src must be read-only, dest_dir must exist on btrfs.",
  example: [
    '- name: Copy the customer to the new host (full, while it runs)',
    '  btrfs_send:',
    '    src: /srv/osm-lxc/lxc/containers/.move/acme-svr-1',
    '    dest_dir: /srv/osm-lxc/lxc/containers/.move',
    '    host: osm2.example.net',
    '    ssh_user: root',
    '    ssh_key: /root/.ssh/osm-move',
    '    known_hosts: /root/.ssh/known_hosts',
    '- name: Then only what changed since',
    '  btrfs_send:',
    '    src: /srv/osm-lxc/lxc/containers/.move/acme-svr-2',
    '    parent: /srv/osm-lxc/lxc/containers/.move/acme-svr-1',
    '    dest_dir: /srv/osm-lxc/lxc/containers/.move',
    '    host: osm2.example.net',
    '    ssh_user: root',
    '    ssh_key: /root/.ssh/osm-move',
    '    known_hosts: /root/.ssh/known_hosts',
  ].join('\n'),
  args,
  gather: (host, a) => gatherSend(host, a),
  plan: (a, s) => planSend(a, s),
  async apply(host, a, changes, s) {
    for (const c of changes) {
      switch (c.action) {
        case 'delete-partial':
          await runRemote(host, a, deleteArgv(copyPath(a)), `deleting the partial ${copyPath(a)}`);
          break;
        case 'send':
          await transfer(host, a, s, c.data?.parent);
          break;
        default:
          unknownChange(c);
      }
    }
  },
  result: (a, s, changes) => {
    const send = changes.find((c) => c.action === 'send');
    return {
      src: cleanPath(a.src),
      dest: copyPath(a),
      host: a.host,
      received_uuid: streamUuid(s.src),
      sent: send === undefined ? 'none' : send.data?.parent !== undefined ? 'incremental' : 'full',
    };
  },
});

