// The vault side of a playbook run: passwords from the run's options before anything is loaded,
// and afterwards every decrypted value as a string for the redactor.
import { parse } from 'yaml';
import { readBecomePassword } from '../cli/become-pass.js';
import type { CliOptions } from '../cli/args.js';
import type { Streams } from '../cli/reporters.js';
import { setVaultSecrets, vaultPlaintexts } from './keyring.js';
import { collectVaultSecrets } from './passwords.js';

/** Sets the keyring from --vault-password-file/--vault-id/--ask-vault-pass; returns a problem to report, if any. */
export async function loadRunVaultSecrets(o: CliOptions, io: Streams, cwd: string): Promise<string | undefined> {
  try {
    const ask = (prompt: string): Promise<string> => readBecomePassword(process.stdin, (s) => io.err(s), prompt);
    setVaultSecrets(await collectVaultSecrets({ passwordFiles: o.vaultPasswordFiles, vaultIds: o.vaultIds, askVaultPass: o.askVaultPass }, io.env, cwd, ask));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function leaves(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) leaves(v, out);
  else if (typeof value === 'string' || typeof value === 'number') out.push(String(value));
}

/** Decrypted values (a vaulted file counts by each of its values) and the vault passwords. */
export function vaultSecretStrings(): string[] {
  const out: string[] = [];
  for (const text of vaultPlaintexts()) {
    out.push(text);
    try {
      leaves(parse(text, { version: '1.1' }) as unknown, out);
    } catch {
      // Not YAML: the whole text is the secret.
    }
  }
  return out;
}
