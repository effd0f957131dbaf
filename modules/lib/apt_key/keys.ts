// Pure helpers of apt_key: OpenPGP armor to the binary form apt reads from trusted.gpg.d, gpg's
// colon listing, and key ids as Ansible's apt_key takes them (8, 16 or more hex digits, 0x allowed).

/** One key of a `gpg --show-keys --with-colons` listing. */
export interface KeyInfo {
  /** The primary key's 16-digit id. */
  keyid: string;
  /** Fingerprints of the primary key and its subkeys. */
  fprs: string[];
  /** 16-digit ids of the primary key and its subkeys (what Ansible lists as before/after). */
  keyids: string[];
}

export function parseColons(out: string): KeyInfo[] {
  const keys: KeyInfo[] = [];
  for (const line of out.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') keys.push({ keyid: f[4].toUpperCase(), fprs: [], keyids: [f[4].toUpperCase()] });
    else if (f[0] === 'sub' && keys.length) keys[keys.length - 1].keyids.push(f[4].toUpperCase());
    else if (f[0] === 'fpr' && keys.length) keys[keys.length - 1].fprs.push(f[9].toUpperCase());
  }
  return keys;
}

/** The id upper-cased without 0x; throws like Ansible's "Invalid key_id" for anything but 8, 16 or 17+ hex digits. */
export function normaliseKeyId(id: string): string {
  const hex = id.trim().toUpperCase().replace(/^0X/, '');
  if (!/^[0-9A-F]+$/.test(hex) || (hex.length !== 8 && hex.length !== 16 && hex.length <= 16)) {
    throw new Error(`Invalid key_id '${id}': 8, 16 or more hexadecimal digits`);
  }
  return hex;
}

/** The key carries the id: a fingerprint of it or of a subkey ends with it. */
export function keyMatches(k: KeyInfo, id: string): boolean {
  return k.fprs.some((f) => f.endsWith(id)) || k.keyids.some((i) => i.endsWith(id) || id.endsWith(i));
}

/** Binary OpenPGP data from one or more armored blocks (the CRC line and headers dropped); binary input is returned as is. */
export function dearmor(data: Buffer): Buffer {
  const text = data.toString('latin1');
  if (!text.includes('-----BEGIN PGP')) return data;
  const parts: Buffer[] = [];
  const re = /-----BEGIN PGP [A-Z ]+-----\r?\n([\s\S]*?)-----END PGP [A-Z ]+-----/g;
  for (const m of text.matchAll(re)) {
    const lines = m[1].split(/\r?\n/);
    const blank = lines.findIndex((l) => l.trim() === '');
    const body = (blank >= 0 && lines.slice(0, blank).every((l) => /^[A-Za-z-]+: /.test(l)) ? lines.slice(blank + 1) : lines).filter((l) => l.trim() !== '' && !l.startsWith('='));
    parts.push(Buffer.from(body.join(''), 'base64'));
  }
  if (parts.length === 0) throw new Error('the key data has a BEGIN PGP line but no complete armored block');
  return Buffer.concat(parts);
}

/** The file apt_key writes when no keyring is given: one keyring per key in trusted.gpg.d, named by its id. */
export function defaultKeyring(keyid: string): string {
  return `/etc/apt/trusted.gpg.d/${keyid}.gpg`;
}
