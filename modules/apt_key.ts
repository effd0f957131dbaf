// apt_key: an OpenPGP key trusted by APT, or not. Ansible's apt_key runs apt-key, which newer Debian
// no longer ships; this one keeps the same arguments and results with gpg and plain files: a key is
// written (dearmored) to its own keyring in /etc/apt/trusted.gpg.d/ unless keyring names one.
// Whether a key is there is decided by its id or fingerprint, from `gpg --show-keys --with-colons`.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { moveIntoPlace, writeValidated } from '../runner/kit/index.js';
import { tempBeside } from '../runner/kit/temp-beside.js';
import type { Change } from '../runner/types.js';
import { dearmor, defaultKeyring, keyMatches, normaliseKeyId, parseColons, type KeyInfo } from './lib/apt_key/keys.js';
import { CURL_STDIN_ARGV } from './lib/http/curl.js';
import { curlRequestConfig, lastCurlError, newMarker, parseCurlResponse } from './lib/http/request.js';

const args = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, description: 'Key id (8, 16 or more hex digits, 0x allowed) or fingerprint; default: the first key of data, file or url.' })),
    data: Type.Optional(Type.String({ minLength: 1, description: 'The key, ASCII-armored.' })),
    file: Type.Optional(Type.String({ minLength: 1, description: 'A key file on the host (armored or binary).' })),
    url: Type.Optional(Type.String({ pattern: '^https?://', description: 'URL of the key, fetched with curl on the host.' })),
    keyring: Type.Optional(Type.String({ pattern: '^/', description: 'Keyring file to add the key to or remove it from. Default: present writes /etc/apt/trusted.gpg.d/KEYID.gpg; absent removes the key from /etc/apt/trusted.gpg and every trusted.gpg.d keyring.' })),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: 'present: the key is trusted; absent: it is in none of the keyrings.' }),
    validate_certs: Type.Boolean({ default: true, description: "Verify the url's TLS certificate." }),
    keyserver: Type.Optional(Type.String({ description: "Not supported: give the keyserver's HTTPS URL of the key as url (e.g. https://keyserver.ubuntu.com/pks/lookup?op=get&search=0xID)." })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface Keyring {
  path: string;
  keys: KeyInfo[];
}

export interface AptKeyState {
  /** The id asked for (normalised), or the source's first key's. */
  id: string;
  /** Keyrings looked at: the keyring argument, or trusted.gpg and trusted.gpg.d/*. */
  keyrings: Keyring[];
  /** The key data to add (from data, file or url), read only when it may be needed. */
  source: { bytes: Buffer; keys: KeyInfo[] } | null;
  /** The keyring present writes to, and its content now (null: missing). */
  target: string;
  targetBytes: Buffer | null;
}

export type AptKeyChange = Change<'add', Buffer> | Change<'delete'> | Change<'remove-key', string[]>;

export const TRUSTED = '/etc/apt/trusted.gpg';
export const TRUSTED_DIR = '/etc/apt/trusted.gpg.d';

/** gpg with a private, throw-away home (nothing of root's ~/.gnupg is read or made). */
const GPG_SHOW = 'd=$(mktemp -d) || exit 1; gpg --homedir "$d" --batch --no-tty --with-colons --show-keys "$@"; r=$?; rm -rf "$d"; exit $r';
const GPG_REMOVE =
  'set -e; d=$(mktemp -d); trap \'rm -rf "$d"\' EXIT; src=$1; out=$2; shift 2; ' +
  'gpg --homedir "$d" --batch --no-tty -q --import "$src"; gpg --homedir "$d" --batch --no-tty --yes -q --delete-keys "$@"; ' +
  'gpg --homedir "$d" --batch --no-tty --export > "$out"';

export function refuseAptKeyArgs(a: Args): void {
  if (a.keyserver !== undefined) throw new ModuleError(`apt_key: keyserver is ${args.properties.keyserver.description?.replace(/^Not supported/, 'not supported')}`);
  const sources = (['data', 'file', 'url'] as const).filter((k) => a[k] !== undefined);
  if (sources.length > 1) throw new ModuleError(`apt_key: parameters are mutually exclusive: ${sources.join('|')}`);
  if (a.id === undefined && sources.length === 0) throw new ModuleError('apt_key: give id, or the key as data, file or url');
}

const ids = (rings: Keyring[]) => rings.flatMap((r) => r.keys.flatMap((k) => k.keyids));

export function planAptKey(a: Args, s: AptKeyState): AptKeyChange[] {
  const holds = (r: Keyring) => r.keys.some((k) => keyMatches(k, s.id));
  if (a.state === 'absent') {
    return s.keyrings.filter(holds).map((r): AptKeyChange => {
      const before = `${r.keys.map((k) => k.keyid).join('\n')}\n`;
      const rest = r.keys.filter((k) => !keyMatches(k, s.id));
      if (rest.length === 0) return { action: 'delete', target: r.path, summary: `remove ${r.path} (only key ${s.id})`, before, after: '' };
      const fprs = r.keys.filter((k) => keyMatches(k, s.id)).map((k) => k.fprs[0] ?? k.keyid);
      return { action: 'remove-key', target: r.path, summary: `remove key ${s.id} from ${r.path}`, before, after: `${rest.map((k) => k.keyid).join('\n')}\n`, data: fprs };
    });
  }
  if (s.keyrings.some(holds)) return [];
  if (s.source === null) throw new ModuleError(`apt_key: key ${s.id} is not in ${s.keyrings.map((r) => r.path).join(', ') || 'any keyring'}, and no data, file or url gives it`);
  if (!s.source.keys.some((k) => keyMatches(k, s.id))) throw new ModuleError(`apt_key: the key data does not hold key ${s.id} (check that the id is correct and not a subkey's)`);
  let added: Buffer;
  try {
    added = dearmor(s.source.bytes);
  } catch (e) {
    throw new ModuleError(`apt_key: ${(e as Error).message}`);
  }
  const old = s.keyrings.find((r) => r.path === s.target)?.keys ?? [];
  const list = (keys: KeyInfo[]) => keys.map((k) => `${k.keyid}\n`).join('');
  return [{ action: 'add', target: s.target, summary: `add key ${s.id} to ${s.target}`, before: list(old), after: list([...old, ...s.source.keys]), data: Buffer.concat([s.targetBytes ?? Buffer.alloc(0), added]) }];
}

/** Ansible's id, key_id, short_id, fp and before (the ids of every key in the keyrings looked at). */
export function aptKeyResult(a: Args, s: AptKeyState): Record<string, unknown> {
  return { id: a.id ?? s.id, key_id: s.id, short_id: s.id.slice(-8), fp: s.id.length > 16 ? s.id.slice(-16) : s.id, before: ids(s.keyrings) };
}

async function showKeys(host: HostContext, file: string | null, stdin?: Buffer): Promise<KeyInfo[] | null> {
  const r = await host.exec({ argv: ['sh', '-c', GPG_SHOW, 'sh', ...(file !== null ? [file] : [])] }, { stdin, env: { LC_ALL: 'C' } });
  return r.exitCode === 0 ? parseColons(r.stdout) : null;
}

async function readBytes(host: HostContext, path: string): Promise<Buffer> {
  return Buffer.from((await host.run(['base64', '-w0', '--', path])).trim(), 'base64');
}

const LIST_FILES = 'for f in "$@"; do [ -f "$f" ] && printf "%s\\n" "$f"; done; true';

/** The keyring argument, or trusted.gpg and the keyrings in trusted.gpg.d: those that exist. */
async function keyringFiles(host: HostContext, a: Args): Promise<string[]> {
  const script = a.keyring !== undefined ? LIST_FILES : `set -- "$@" ${TRUSTED_DIR}/*.gpg ${TRUSTED_DIR}/*.asc; ${LIST_FILES}`;
  return (await host.run(['sh', '-c', script, 'sh', a.keyring ?? TRUSTED])).split('\n').filter((l) => l !== '');
}

/** The body of url, fetched with curl on the host into a temp file (the key may be binary). */
async function download(host: HostContext, a: Args, url: string): Promise<Buffer> {
  const tmp = (await host.run(['mktemp'])).trim();
  try {
    const marker = newMarker();
    const req = { method: 'GET', url, output: tmp, followRedirects: true, headers: {}, timeoutSeconds: 30, validateCerts: a.validate_certs };
    const r = await host.exec({ argv: CURL_STDIN_ARGV }, { stdin: curlRequestConfig(req, marker) });
    let status: number;
    try {
      status = parseCurlResponse(r.stdout, r.stderr, marker).status;
    } catch {
      throw new ModuleError(`apt_key: error getting key id from url: ${url}: ${lastCurlError(r.stderr) || `curl exited ${r.exitCode}`}`);
    }
    if (status !== 200) throw new ModuleError(`apt_key: Failed to download key at ${url}: HTTP Error ${status}`);
    return await readBytes(host, tmp);
  } finally {
    await host.exec({ argv: ['rm', '-f', '--', tmp] });
  }
}

async function readSource(host: HostContext, a: Args): Promise<{ bytes: Buffer; keys: KeyInfo[] } | null> {
  let bytes: Buffer;
  if (a.data !== undefined) bytes = Buffer.from(a.data);
  else if (a.file !== undefined) {
    if (!(await host.stat(a.file))) throw new ModuleError(`apt_key: file ${a.file} does not exist on the host`);
    bytes = await readBytes(host, a.file);
  } else if (a.url !== undefined) bytes = await download(host, a, a.url);
  else return null;
  const keys = await showKeys(host, null, bytes);
  if (keys === null || keys.length === 0) throw new ModuleError(`apt_key: Unable to extract key from '${a.data !== undefined ? 'inline data' : (a.file ?? a.url)}'`);
  return { bytes, keys };
}

async function gatherAptKey(host: HostContext, a: Args): Promise<AptKeyState> {
  refuseAptKeyArgs(a);
  let id: string | null = null;
  try {
    if (a.id !== undefined) id = normaliseKeyId(a.id);
  } catch (e) {
    throw new ModuleError(`apt_key: ${(e as Error).message}`);
  }
  const keyrings: Keyring[] = [];
  for (const path of await keyringFiles(host, a)) keyrings.push({ path, keys: (await showKeys(host, path)) ?? [] });
  const present = a.state === 'present';
  const found = id !== null && keyrings.some((r) => r.keys.some((k) => keyMatches(k, id as string)));
  const source = id === null || (present && !found) ? await readSource(host, a) : null;
  const resolved = id ?? source?.keys[0]?.keyid;
  if (resolved === undefined) throw new ModuleError('apt_key: no key id');
  const target = a.keyring ?? defaultKeyring(source?.keys[0]?.keyid ?? resolved);
  const targetBytes = present && source !== null && (await host.stat(target)) ? await readBytes(host, target) : null;
  return { id: resolved, keyrings, source, target, targetBytes };
}

async function applyChange(host: HostContext, c: AptKeyChange): Promise<void> {
  switch (c.action) {
    case 'add':
      await host.run(['mkdir', '-p', '--', posix.dirname(c.target)]);
      await writeValidated(host, c.target, c.data ?? Buffer.alloc(0), { mode: 0o644 });
      break;
    case 'delete':
      await host.run(['rm', '-f', '--', c.target]);
      break;
    case 'remove-key': {
      const tmp = tempBeside(c.target, 'apt_key');
      try {
        await host.run(['sh', '-c', GPG_REMOVE, 'sh', c.target, tmp, ...(c.data ?? [])], { env: { LC_ALL: 'C' } });
        await host.run(['chmod', '--reference', c.target, '--', tmp]);
        await moveIntoPlace(host, tmp, c.target);
      } finally {
        await host.exec({ argv: ['rm', '-f', '--', tmp] });
      }
      break;
    }
    default:
      unknownChange(c);
  }
}

export default defineModule({
  name: 'apt_key',
  doc:
    "Keeps an OpenPGP key trusted by APT, or removes it, with Ansible's apt_key arguments and results (id, key_id, short_id, fp, before, " +
    'after). Unlike Ansible it never runs apt-key (gone from newer Debian): without keyring, present writes the key, dearmored, to ' +
    '/etc/apt/trusted.gpg.d/KEYID.gpg (KEYID: the key\'s 16-digit id), and absent removes the key from /etc/apt/trusted.gpg and every ' +
    'keyring in /etc/apt/trusted.gpg.d (a file left with no key is deleted); with keyring, only that file. A key counts as present when ' +
    'one of the keyrings holds its id or fingerprint (`gpg --show-keys`, a subkey\'s counts too); then data, file or url are not read. ' +
    'url is fetched with curl on the host. keyserver is refused (give its HTTPS URL as url). Prefer a keyring in /etc/apt/keyrings ' +
    'with signed-by in the source (apt_repository, deb822_repository).',
  example: ['- apt_key:', '    url: https://repo.example.org/key.asc', '    id: 0123456789ABCDEF0123456789ABCDEF01234567'].join('\n'),
  args,
  gather: gatherAptKey,
  plan: planAptKey,
  async apply(host, a, changes, s) {
    for (const c of changes) await applyChange(host, c);
    const after: Keyring[] = [];
    for (const path of await keyringFiles(host, a)) after.push({ path, keys: (await showKeys(host, path)) ?? [] });
    const there = after.some((r) => r.keys.some((k) => keyMatches(k, s.id)));
    if (there !== (a.state === 'present')) throw new ModuleError(`apt_key: gpg did not fail, but the key ${s.id} was ${there ? 'not removed' : 'not added'} (check that the id is correct and not a subkey's)`);
    return { data: { after: ids(after) } };
  },
  result: aptKeyResult,
});
