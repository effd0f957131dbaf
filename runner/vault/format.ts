// The vault envelope: `$ANSIBLE_VAULT;1.1;AES256` (or `;1.2;AES256;label` with a vault id) and the
// hex payload in lines of 80 characters, ending with a newline, byte for byte as ansible-vault writes.

export const VAULT_HEADER = '$ANSIBLE_VAULT';

export interface Envelope {
  version: '1.1' | '1.2';
  cipher: string;
  /** The vault id of a 1.2 envelope. */
  label?: string;
  payload: string;
}

export function isVaulted(text: string): boolean {
  return text.trimStart().startsWith(`${VAULT_HEADER};`);
}

/** Splits vaulted text into header fields and payload; throws with the reason when it is not one. */
export function parseEnvelope(text: string): Envelope {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  const header = (lines.shift() ?? '').split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new Error(`not vault data (the first line must start with '${VAULT_HEADER};')`);
  const version = header[1];
  if (version !== '1.1' && version !== '1.2') throw new Error(`vault format version ${version} is not supported (1.1 and 1.2 are)`);
  const cipher = header[2]!.trim();
  if (cipher !== 'AES256') throw new Error(`vault cipher ${cipher} is not supported (only AES256, which ansible-vault writes)`);
  const payload = lines.join('');
  if (!/^[0-9a-fA-F]+$/.test(payload)) throw new Error('the vault payload is not hexadecimal');
  return { version, cipher, label: version === '1.2' ? header[3]?.trim() || undefined : undefined, payload };
}

export function formatEnvelope(payload: string, label?: string): string {
  const header = label ? `${VAULT_HEADER};1.2;AES256;${label}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < payload.length; i += 80) lines.push(payload.slice(i, i + 80));
  return lines.join('\n') + '\n';
}
