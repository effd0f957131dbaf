// `osm-play vault create|encrypt|decrypt|view|edit|encrypt_string`, ansible-vault's commands and
// options (--vault-password-file, --vault-id, --ask-vault-pass, --encrypt-vault-id, --output,
// --name, --stdin-name). Output files are byte-compatible with ansible-vault both ways.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readBecomePassword } from '../cli/become-pass.js';
import type { Streams } from '../cli/reporters.js';
import { splitWords } from '../kit/split-words.js';
import { EXIT_USAGE } from '../report/exit-code.js';
import { decryptPayload } from './crypto.js';
import { isVaulted, parseEnvelope } from './format.js';
import { decryptVaultText, encryptVaultText, setVaultSecrets, type VaultSecret } from './keyring.js';
import { collectVaultSecrets, type VaultPasswordOptions } from './passwords.js';

const ACTIONS = ['create', 'encrypt', 'decrypt', 'view', 'edit', 'encrypt_string'] as const;
type Action = (typeof ACTIONS)[number];

export const VAULT_HELP = `usage: osm-play vault ACTION [options] [FILE|STRING...]

Actions (as ansible-vault):
  create FILE            write a new vaulted file from $EDITOR
  encrypt [FILE...]      encrypt files in place (stdin to stdout when none, or with --output)
  decrypt [FILE...]      decrypt files in place (or to --output; '-' is stdout)
  view FILE...           print the plaintext
  edit FILE              decrypt into $EDITOR and encrypt again
  encrypt_string [STR]   print a '!vault |' YAML value (STR, or stdin when none / with --stdin-name)

Options:
  --vault-password-file FILE   password file, or an executable printing the password
  --vault-id [LABEL@]SOURCE    SOURCE: a file, an executable or 'prompt'
  --ask-vault-pass             ask for the password
  --encrypt-vault-id LABEL     which vault id encrypts (when several are given)
  --output FILE                where encrypt/decrypt write ('-' is stdout)
  -n, --name NAME              encrypt_string: the variable name to print
  --stdin-name NAME            encrypt_string: read the value from stdin, print it as NAME
`;

class VaultUsage extends Error {}

interface VaultArgs extends VaultPasswordOptions {
  action: Action;
  operands: string[];
  output?: string;
  encryptVaultId?: string;
  names: string[];
  stdinName?: string;
}

function parseVaultArgs(argv: string[]): VaultArgs {
  const [action, ...rest] = argv;
  if (!action || action === '-h' || action === '--help') throw new VaultUsage('');
  if (!(ACTIONS as readonly string[]).includes(action)) {
    const hint = action === 'rekey' ? ' (rekey is not supported: decrypt, then encrypt with the new password)' : '';
    throw new VaultUsage(`unknown vault action '${action}'${hint} (actions: ${ACTIONS.join(', ')})`);
  }
  const a: VaultArgs = { action: action as Action, operands: [], passwordFiles: [], vaultIds: [], askVaultPass: false, names: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (v === undefined) throw new VaultUsage(`option '${name}' needs a value`);
      return v;
    };
    if (name === '--vault-password-file' || name === '--vault-pass-file') a.passwordFiles.push(value());
    else if (name === '--vault-id') a.vaultIds.push(value());
    else if (name === '--ask-vault-pass' || name === '--ask-vault-password' || name === '-J') a.askVaultPass = true;
    else if (name === '--encrypt-vault-id') a.encryptVaultId = value();
    else if (name === '--output') a.output = value();
    else if (name === '-n' || name === '--name') a.names.push(value());
    else if (name === '--stdin-name') a.stdinName = value();
    else if (arg.startsWith('-') && arg !== '-') throw new VaultUsage(`unknown option '${arg}' for vault ${action}`);
    else a.operands.push(arg);
  }
  return a;
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}

/** Atomic write: a temp file beside the target, renamed over it; new files are private (0600). */
function writeAtomic(path: string, text: string): void {
  const mode = existsSync(path) ? statSync(path).mode & 0o7777 : 0o600;
  const tmp = join(dirname(path), `.${Date.now()}.${process.pid}.osm-vault.tmp`);
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function pickEncryptSecret(secrets: VaultSecret[], label: string | undefined): VaultSecret {
  if (label !== undefined) {
    const s = secrets.find((x) => x.label === label);
    if (!s) throw new VaultUsage(`--encrypt-vault-id ${label}: no password was given for that vault id`);
    return s;
  }
  if (secrets.length > 1 && new Set(secrets.map((s) => s.label)).size > 1) {
    throw new VaultUsage('several vault ids were given: name the one to encrypt with --encrypt-vault-id');
  }
  return secrets[0]!;
}

/** Runs $EDITOR (words split as a shell would, nothing expanded) on a private temp copy. */
function editText(initial: string, env: NodeJS.ProcessEnv): string {
  const dir = mkdtempSync(join(tmpdir(), 'osm-vault-'));
  try {
    const file = join(dir, 'plaintext.yml');
    writeFileSync(file, initial, { mode: 0o600 });
    const [cmd, ...args] = splitWords(env.EDITOR || 'vi');
    const r = spawnSync(cmd!, [...args, file], { stdio: 'inherit' });
    if (r.error || r.status !== 0) throw new Error(`editor '${env.EDITOR || 'vi'}' failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** encrypt_string's output: `name: !vault |` and the envelope indented by ten spaces, as ansible-vault prints it. */
export function vaultStringYaml(envelope: string, name?: string): string {
  const body = envelope.trimEnd().split('\n').map((l) => `          ${l}`).join('\n');
  return `${name ? `${name}: ` : ''}!vault |\n${body}\n`;
}

async function run(a: VaultArgs, io: Streams, cwd: string): Promise<number> {
  const ask = (prompt: string): Promise<string> => readBecomePassword(process.stdin, (s) => io.err(s), prompt);
  const secrets = await collectVaultSecrets(a, io.env, cwd, ask);
  if (secrets.length === 0) throw new VaultUsage('no vault password given (use --vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass)');
  setVaultSecrets(secrets);
  const encrypting = a.action === 'create' || a.action === 'encrypt' || a.action === 'encrypt_string';
  const secret = encrypting ? pickEncryptSecret(secrets, a.encryptVaultId) : secrets[0]!;
  const withLabel = secret.label !== 'default';
  const files = a.operands.map((f) => (f === '-' ? '-' : resolve(cwd, f)));
  const encrypt = (text: string): string => encryptVaultText(text, secret, withLabel);

  switch (a.action) {
    case 'create': {
      if (files.length !== 1) throw new VaultUsage('vault create takes one FILE');
      if (existsSync(files[0]!)) throw new VaultUsage(`${a.operands[0]} exists already; use 'vault edit' to change it`);
      writeAtomic(files[0]!, encrypt(editText('', io.env)));
      return 0;
    }
    case 'edit': {
      if (files.length !== 1) throw new VaultUsage('vault edit takes one FILE');
      const old = readFileSync(files[0]!, 'utf8');
      const envelope = parseEnvelope(old);
      const plain = decryptVaultText(old, a.operands[0]!);
      const edited = editText(plain, io.env);
      if (edited === plain) return 0;
      // Re-encrypted with the password that opened it, under the same vault id.
      const opener = secrets.find((s) => decryptPayload(envelope.payload, s.password) !== undefined)!;
      writeAtomic(files[0]!, encryptVaultText(edited, { label: envelope.label ?? opener.label, password: opener.password }, envelope.label !== undefined));
      return 0;
    }
    case 'view': {
      if (files.length === 0) throw new VaultUsage('vault view takes FILE...');
      for (const [i, f] of files.entries()) io.out(decryptVaultText(f === '-' ? readStdin() : readFileSync(f, 'utf8'), a.operands[i]!));
      return 0;
    }
    case 'encrypt':
    case 'decrypt': {
      const transform = (text: string, name: string): string => {
        if (a.action === 'encrypt') {
          if (isVaulted(text)) throw new Error(`${name} is already encrypted`);
          return encrypt(text);
        }
        if (!isVaulted(text)) throw new Error(`${name} is not vault encrypted`);
        return decryptVaultText(text, name);
      };
      const inputs = files.length === 0 ? ['-'] : files;
      for (const [i, f] of inputs.entries()) {
        const name = a.operands[i] ?? 'stdin';
        const result = transform(f === '-' ? readStdin() : readFileSync(f, 'utf8'), name);
        const target = a.output ?? (f === '-' ? '-' : f);
        if (target === '-') io.out(result);
        else writeAtomic(resolve(cwd, target), result);
      }
      io.err(`${a.action === 'encrypt' ? 'Encryption' : 'Decryption'} successful\n`);
      return 0;
    }
    case 'encrypt_string': {
      if (a.stdinName !== undefined || a.operands.length === 0 || a.operands[0] === '-') {
        io.out(vaultStringYaml(encrypt(readStdin()), a.stdinName ?? a.names[0]));
      } else {
        a.operands.forEach((value, i) => io.out(vaultStringYaml(encrypt(value), a.names[i])));
      }
      io.err('Encryption successful\n');
      return 0;
    }
  }
}

export async function vaultCommand(argv: string[], io: Streams, cwd: string): Promise<number> {
  try {
    return await run(parseVaultArgs(argv), io, cwd);
  } catch (e) {
    if (e instanceof VaultUsage && e.message === '') {
      io.out(VAULT_HELP);
      return 0;
    }
    io.err(`osm-play vault: ${(e as Error).message}\n`);
    return e instanceof VaultUsage ? EXIT_USAGE : 1;
  }
}
