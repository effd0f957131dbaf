// btrfs_send's commands and the parsing of what they print: the ssh argv that reaches the target,
// the read-only probes (this host and the target), and the `btrfs send | ssh btrfs receive`
// pipeline as one bash script. Every variable part is an argv word quoted by shellQuote, never
// pasted into a shell string; the remote command is quoted once for ssh's remote shell and then,
// as one word of the ssh argv, again for the local shell.
import { posix } from 'node:path';
import { shellQuote } from '../../../runner/connection/quote.js';

/** How to reach the target with ssh (rsync's argument names, plus host and user). */
export interface SshTarget {
  host: string;
  ssh_port?: number;
  ssh_user?: string;
  ssh_key?: string;
  known_hosts?: string;
}

/** ssh argv up to and including the host: never asks (BatchMode), strict host keys with known_hosts. */
export function sshArgv(t: SshTarget): string[] {
  const argv = ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30'];
  if (t.ssh_port !== undefined) argv.push('-p', String(t.ssh_port));
  if (t.ssh_user !== undefined) argv.push('-l', t.ssh_user);
  if (t.ssh_key !== undefined) argv.push('-i', t.ssh_key, '-o', 'IdentitiesOnly=yes');
  if (t.known_hosts !== undefined) argv.push('-o', `UserKnownHostsFile=${t.known_hosts}`, '-o', 'StrictHostKeyChecking=yes');
  // `--`: a host can never be read as an option (the schema refuses a leading - as well).
  argv.push('--', t.host);
  return argv;
}

/**
 * ssh argv that runs `remote` on the target: ssh joins the words after the host with spaces and
 * hands them to the remote user's shell, so the remote argv goes as one word, already quoted.
 */
export function sshRunArgv(t: SshTarget, remote: string[]): string[] {
  return [...sshArgv(t), shellQuote(remote)];
}

/** `btrfs send [-p PARENT] SRC`; -q: only errors on stderr. */
export function sendArgv(src: string, parent?: string): string[] {
  return ['btrfs', '-q', 'send', ...(parent !== undefined ? ['-p', parent] : []), src];
}

/** `btrfs receive DEST_DIR` (on the target); it creates DEST_DIR/<name of the sent subvolume>. */
export function receiveArgv(destDir: string): string[] {
  return ['btrfs', '-q', 'receive', destDir];
}

export function deleteArgv(path: string): string[] {
  return ['btrfs', '-q', 'subvolume', 'delete', path];
}

/**
 * The transfer as one bash script for `bash -c`: send | ssh receive, each side's stderr kept apart
 * in a temp dir, both exit statuses printed (PIPESTATUS), and the script fails when either failed.
 */
export function pipelineScript(t: SshTarget, src: string, destDir: string, parent?: string): string {
  return [
    'set -o pipefail',
    't=$(mktemp -d) || exit 70',
    `trap 'rm -rf -- "$t"' EXIT`,
    `${shellQuote(sendArgv(src, parent))} 2>"$t/send" | ${shellQuote(sshRunArgv(t, receiveArgv(destDir)))} >"$t/receive" 2>&1`,
    'st=("${PIPESTATUS[@]}")',
    `printf 'send-rc=%s\\nreceive-rc=%s\\n' "\${st[0]}" "\${st[1]}"`,
    `printf '@@ send\\n'; cat -- "$t/send"`,
    `printf '@@ receive\\n'; cat -- "$t/receive"`,
    '[ "${st[0]}" = 0 ] && [ "${st[1]}" = 0 ]',
  ].join('\n');
}

export interface PipelineResult {
  /** null when the script did not get as far as printing it (killed, mktemp failed). */
  sendRc: number | null;
  receiveRc: number | null;
  sendStderr: string;
  /** ssh's and btrfs receive's output (stdout and stderr). */
  receiveStderr: string;
}

export function parsePipeline(stdout: string): PipelineResult {
  const rc = (name: string): number | null => {
    const m = new RegExp(`^${name}-rc=(\\d+)$`, 'm').exec(stdout);
    return m ? Number(m[1]) : null;
  };
  const send = /^@@ send\n([\s\S]*?)^@@ receive\n/m.exec(stdout);
  const receive = /^@@ receive\n([\s\S]*)$/m.exec(stdout);
  return { sendRc: rc('send'), receiveRc: rc('receive'), sendStderr: send?.[1] ?? '', receiveStderr: receive?.[1] ?? '' };
}

/**
 * Read-only facts about paths, one section per `LABEL PATH` pair: `@@ LABEL`, then `exists=`,
 * `fs=`, `dir=`, `inode=` and, for a btrfs subvolume, `@show` and `btrfs subvolume show`. The label
 * `list` prints `@list` and the read-only subvolumes of PATH's filesystem with their received UUIDs,
 * after `fsroot=` (the subvolume mounted there, as findmnt names it).
 */
export const INFO_SCRIPT = [
  'while [ $# -gt 1 ]; do',
  '  l=$1; p=$2; shift 2',
  '  printf "@@ %s\\n" "$l"',
  '  if [ "$l" = list ]; then',
  '    printf "fsroot=%s\\n" "$(findmnt -n -o FSROOT --target "$p")"',
  '    echo @list; btrfs subvolume list -a -R -r "$p" || exit 3',
  '    continue',
  '  fi',
  '  if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo exists=no; continue; fi',
  '  fs=$(stat -f -c %T -- "$p"); inode=$(stat -c %i -- "$p")',
  '  printf "exists=yes\\nfs=%s\\ninode=%s\\n" "$fs" "$inode"',
  '  if [ -d "$p" ] && [ ! -L "$p" ]; then echo dir=yes; else echo dir=no; fi',
  '  if [ "$fs" = btrfs ] && [ "$inode" = 256 ]; then echo @show; btrfs subvolume show "$p" || exit 3; fi',
  'done',
].join('\n');

/** argv that runs INFO_SCRIPT over the pairs (locally, or as the remote argv of sshRunArgv). */
export function infoArgv(pairs: [label: string, path: string][]): string[] {
  return ['/bin/sh', '-c', INFO_SCRIPT, 'sh', ...pairs.flat()];
}

export interface PathInfo {
  exists: boolean;
  fsType?: string;
  isDir?: boolean;
  /** A btrfs subvolume (inode 256 on btrfs): what `btrfs subvolume show` says. */
  subvolume?: SubvolumeShow;
}

export interface SubvolumeShow {
  uuid: string;
  /** null when btrfs shows `-`: not received. */
  receivedUuid: string | null;
  readonly: boolean;
}

export interface ReceivedEntry {
  receivedUuid: string;
  /** From the filesystem's top level. */
  path: string;
}

export interface InfoOutput {
  paths: Map<string, PathInfo>;
  /** From the `list` section: read-only subvolumes that were received. */
  received?: ReceivedEntry[];
  /** From the `list` section: the subvolume mounted where the listed path is, from the top level ('' for the top). */
  fsRoot?: string;
}

const noUuid = (v: string | undefined): string | null => (v === undefined || v === '-' || v === '' ? null : v);

export function parseShow(text: string): SubvolumeShow {
  const field = (name: string) => new RegExp(`^\\s*${name}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const uuid = noUuid(field('UUID'));
  if (uuid === null) throw new Error(`btrfs subvolume show: no UUID in ${JSON.stringify(text.slice(0, 200))}`);
  const flags = field('Flags') ?? '';
  return { uuid, receivedUuid: noUuid(field('Received UUID')), readonly: flags.split(/[,\s]+/).includes('readonly') };
}

/** `btrfs subvolume list -a -R -r` lines: `ID 256 gen 7 top level 5 received_uuid U path <FS_TREE>/recv/s1`. */
export function parseReceivedList(text: string): ReceivedEntry[] {
  const out: ReceivedEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /\breceived_uuid\s+(\S+)\s+path\s+(.+)$/.exec(line.trim());
    const uuid = noUuid(m?.[1]);
    if (m && uuid !== null) out.push({ receivedUuid: uuid, path: (m[2] ?? '').replace(/^<FS_TREE>\//, '') });
  }
  return out;
}

export function parseInfo(stdout: string): InfoOutput {
  const out: InfoOutput = { paths: new Map() };
  for (const section of stdout.split(/^@@ /m).slice(1)) {
    const nl = section.indexOf('\n');
    const label = section.slice(0, nl < 0 ? undefined : nl);
    const body = nl < 0 ? '' : section.slice(nl + 1);
    if (label === 'list') {
      const [head = '', list = ''] = body.split(/^@list\n/m);
      out.fsRoot = (/^fsroot=(.*)$/m.exec(head)?.[1] ?? '').replace(/^\/+/, '');
      out.received = parseReceivedList(list);
      continue;
    }
    const [head = '', show] = body.split(/^@show\n/m);
    const kv = new Map(head.split('\n').flatMap((l): [string, string][] => (l.includes('=') ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));
    if (kv.get('exists') !== 'yes') {
      out.paths.set(label, { exists: false });
      continue;
    }
    const info: PathInfo = { exists: true, fsType: kv.get('fs'), isDir: kv.get('dir') === 'yes' };
    if (show !== undefined) info.subvolume = parseShow(show);
    out.paths.set(label, info);
  }
  return out;
}

/**
 * The UUID a send stream carries for a subvolume, which `btrfs receive` records as the copy's
 * Received UUID: the subvolume's own Received UUID when it was itself received (so a copy can be
 * sent on again, and back), else its UUID.
 */
export function streamUuid(s: SubvolumeShow): string {
  return s.receivedUuid ?? s.uuid;
}

/** What is at DEST_DIR/<name> on the target, for a source whose stream UUID is `uuid`. */
export type CopyState =
  | { kind: 'missing' }
  | { kind: 'complete' }
  | { kind: 'partial' }
  | { kind: 'foreign'; why: string };

export function classifyCopy(info: PathInfo | undefined, uuid: string): CopyState {
  if (!info?.exists) return { kind: 'missing' };
  const sv = info.subvolume;
  if (!sv) return { kind: 'foreign', why: info.isDir ? 'a plain directory, not a btrfs subvolume' : 'not a btrfs subvolume' };
  if (sv.readonly && sv.receivedUuid === uuid) return { kind: 'complete' };
  // What a killed `btrfs receive` leaves: the subvolume it was filling, writable, never marked received.
  if (!sv.readonly && sv.receivedUuid === null) return { kind: 'partial' };
  if (sv.receivedUuid !== null && sv.receivedUuid !== uuid) return { kind: 'foreign', why: `a received copy of another subvolume (received UUID ${sv.receivedUuid}, not ${uuid})` };
  if (sv.readonly) return { kind: 'foreign', why: 'a read-only subvolume that was not received' };
  return { kind: 'foreign', why: `a writable subvolume with received UUID ${sv.receivedUuid ?? '-'}` };
}

/**
 * The target's copy of the parent: a read-only received subvolume whose Received UUID is the
 * parent's stream UUID, inside the subvolume mounted at DEST_DIR (btrfs receive finds it by that
 * UUID and cannot reach one outside the mount). Returns its path or why there is none.
 */
export function findParentCopy(received: ReceivedEntry[], fsRoot: string, uuid: string): { path: string } | { why: string } {
  const found = received.filter((r) => r.receivedUuid === uuid);
  if (found.length === 0) return { why: `the target holds no received copy of it (received UUID ${uuid})` };
  const reachable = found.find((r) => fsRoot === '' || r.path === fsRoot || r.path.startsWith(`${fsRoot}/`));
  if (!reachable) return { why: `its copy ${found[0]?.path} lies outside the mounted subvolume ${fsRoot}, where btrfs receive cannot reach it` };
  return { path: reachable.path };
}

/** Normalised, without a trailing slash. */
export function cleanPath(p: string): string {
  return posix.normalize(p).replace(/(.)\/+$/, '$1');
}
