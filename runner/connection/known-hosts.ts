// known_hosts checking as OpenSSH does it: plain and hashed (|1|salt|hash) host patterns,
// [host]:port for ports other than 22, wildcards and negation, @revoked lines.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { matchPatternList } from './ssh-pattern.js';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: '@revoked' | '@cert-authority';
  /** Comma-separated patterns, or one hashed `|1|salt|hash` token. */
  hosts: string;
  keyType: string;
  /** base64 key blob. */
  key: string;
}

export type HostKeyVerdict =
  | { kind: 'ok'; entry: KnownHostEntry }
  | { kind: 'unknown' }
  | { kind: 'revoked'; entry: KnownHostEntry }
  | { kind: 'mismatch'; entries: KnownHostEntry[] };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:...` as ssh-keygen -l prints it (base64 without padding). */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (first length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    else if (fields[0]?.startsWith('@')) return; // unknown marker: OpenSSH skips the line
    if (fields.length < 3) return;
    out.push({ file, line: i + 1, marker, hosts: fields[0]!, keyType: fields[1]!, key: fields[2]! });
  });
  return out;
}

function hashedMatches(token: string, name: string): boolean {
  const parts = token.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const want = createHmac('sha1', salt).update(name).digest('base64');
  return want === parts[3];
}

/** OpenSSH's match_hostname: any positive pattern matches and no negated one does. */
export function hostPatternMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatches(hosts, name);
  return matchPatternList(name.toLowerCase(), hosts.toLowerCase().split(','));
}

export function loadKnownHosts(files: string[]): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    out.push(...parseKnownHosts(readFileSync(f, 'utf8'), f));
  }
  return out;
}

/** The key types stored for a name, so the client can ask the server for one of them first. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => !e.marker && hostPatternMatches(e.hosts, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

export function checkHostKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const presented = keyBlob.toString('base64');
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key === presented);
  if (revoked) return { kind: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => !e.marker && hostPatternMatches(e.hosts, name));
  const same = forHost.find((e) => e.key === presented);
  if (same) return { kind: 'ok', entry: same };
  if (forHost.length === 0) return { kind: 'unknown' };
  return { kind: 'mismatch', entries: forHost };
}

/** The message shown when a stored key differs from the presented one. */
export function mismatchMessage(name: string, keyBlob: Buffer, entries: KnownHostEntry[]): string {
  const stored = entries
    .map((e) => `${e.file}:${e.line} has ${e.keyType} ${fingerprint(Buffer.from(e.key, 'base64'))}`)
    .join('; ');
  return (
    `host key for ${name} has changed (possible man-in-the-middle attack): ` +
    `the host presented ${keyTypeOf(keyBlob)} ${fingerprint(keyBlob)}, but ${stored}. ` +
    `If the change is expected, remove the old line (ssh-keygen -R '${name}' -f FILE) and accept the new key.`
  );
}

/** A hashed host token like `ssh-keygen -H` writes. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** Appends a line for a newly accepted key (plain host name, like `ssh -o StrictHostKeyChecking=accept-new`). */
export function appendKnownHost(file: string, name: string, keyBlob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const line = `${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`;
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (existing.split('\n').includes(line.trimEnd())) return;
  const prefix = existing !== '' && !existing.endsWith('\n') ? '\n' : '';
  appendFileSync(file, prefix + line, { mode: 0o600 });
}
