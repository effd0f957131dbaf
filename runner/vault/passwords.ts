// Where vault passwords come from, as ansible-playbook and ansible-vault take them:
// --vault-password-file FILE (a file's stripped text, or an executable's stripped stdout),
// --vault-id [label@]source (source a file, an executable or `prompt`), --ask-vault-pass, and
// ANSIBLE_VAULT_PASSWORD_FILE.
import { createRequire } from 'node:module';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { VaultSecret } from './keyring.js';

// node:child_process only for a password script, which few runs have.
const requireHere = createRequire(import.meta.url);

export interface VaultPasswordOptions {
  passwordFiles: string[];
  /** `label@source` or `source` as given to --vault-id. */
  vaultIds: string[];
  askVaultPass: boolean;
}

export type AskPassword = (prompt: string) => Promise<string>;

const DEFAULT_LABEL = 'default';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One password source. A script named `*-client*` is asked for its label with `--vault-id`, as in Ansible. */
export function readPasswordSource(source: string, label: string, cwd: string): string {
  const path = resolve(cwd, source);
  let text: string;
  if (isExecutable(path)) {
    const args = /-client(\.|$)/.test(basename(path)) ? ['--vault-id', label] : [];
    try {
      text = (requireHere('node:child_process') as typeof import('node:child_process')).execFileSync(path, args, { encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'] });
    } catch (e) {
      throw new Error(`vault password script ${source} failed: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
      throw new Error(`cannot read vault password file ${source}: ${reason}`);
    }
  }
  const password = text.trim();
  if (password === '') throw new Error(`vault password ${isExecutable(path) ? 'script' : 'file'} ${source} gave an empty password`);
  return password;
}

/** `label@source` → [label, source]; a bare source gets the default label. */
export function splitVaultId(id: string): [string, string] {
  const at = id.indexOf('@');
  return at > 0 ? [id.slice(0, at), id.slice(at + 1)] : [DEFAULT_LABEL, id];
}

/** The secrets in the order given; `prompt` sources and --ask-vault-pass ask through `ask`. */
export async function collectVaultSecrets(o: VaultPasswordOptions, env: NodeJS.ProcessEnv, cwd: string, ask: AskPassword): Promise<VaultSecret[]> {
  const out: VaultSecret[] = [];
  const add = (label: string, password: string): void => {
    if (!out.some((s) => s.label === label && s.password === password)) out.push({ label, password });
  };
  for (const id of o.vaultIds) {
    const [label, source] = splitVaultId(id);
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') add(label, await ask(label === DEFAULT_LABEL ? 'Vault password: ' : `Vault password (${label}): `));
    else add(label, readPasswordSource(source, label, cwd));
  }
  const files = [...o.passwordFiles];
  if (env.ANSIBLE_VAULT_PASSWORD_FILE) files.push(env.ANSIBLE_VAULT_PASSWORD_FILE);
  for (const f of files) add(DEFAULT_LABEL, readPasswordSource(f, DEFAULT_LABEL, cwd));
  if (o.askVaultPass) add(DEFAULT_LABEL, await ask('Vault password: '));
  return out;
}
