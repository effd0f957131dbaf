// The vault passwords of this run, and every value decrypted with them (all secrets for redaction).
// Loading is synchronous and deep (playbooks, vars files, inventory), so the CLI sets the keyring once
// before loading and the readers below consult it.
import { readFileSync } from 'node:fs';
import { decryptPayload, encryptPayload } from './crypto.js';
import { formatEnvelope, isVaulted, parseEnvelope } from './format.js';

export interface VaultSecret {
  /** The vault id ('default' when none was named). */
  label: string;
  password: string;
}

let secrets: VaultSecret[] = [];
const decrypted = new Set<string>();

export function setVaultSecrets(list: VaultSecret[]): void {
  secrets = [...list];
}

export function vaultSecrets(): readonly VaultSecret[] {
  return secrets;
}

/** Every plaintext decrypted so far (and the passwords): secrets, never shown in output. */
export function vaultPlaintexts(): string[] {
  return [...decrypted, ...secrets.map((s) => s.password)];
}

/** Decrypts vaulted text with the keyring: the secret with the envelope's label first, then the others. */
export function decryptVaultText(text: string, where: string): string {
  const env = parseEnvelope(text);
  if (secrets.length === 0) {
    throw new Error(`${where} is encrypted with Ansible Vault, but no vault password was given (use --vault-password-file FILE, --ask-vault-pass or --vault-id)`);
  }
  const ordered = [...secrets.filter((s) => s.label === env.label), ...secrets.filter((s) => s.label !== env.label)];
  for (const s of ordered) {
    const plain = decryptPayload(env.payload, s.password);
    if (plain !== undefined) {
      const out = plain.toString('utf8');
      decrypted.add(out);
      return out;
    }
  }
  const tried = [...new Set(ordered.map((s) => s.label))].join(', ');
  throw new Error(`${where}: no vault password given decrypts it${env.label ? ` (vault id '${env.label}')` : ''}; tried vault ids: ${tried}`);
}

export function encryptVaultText(plaintext: string, secret: VaultSecret, withLabel: boolean): string {
  return formatEnvelope(encryptPayload(Buffer.from(plaintext, 'utf8'), secret.password), withLabel ? secret.label : undefined);
}

/**
 * A file's text, decrypted when it is a vaulted file. The hook for every loader of YAML/JSON files
 * (vars_files, group_vars/host_vars, -e @file, include_vars).
 */
export function readMaybeVaulted(path: string): string {
  const text = readFileSync(path, 'utf8');
  return isVaulted(text) ? decryptVaultText(text, path) : text;
}
