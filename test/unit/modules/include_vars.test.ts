// include_vars reads plain and vaulted variable files through the playbook loader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import includeVars from '../../../modules/include_vars.js';
import type { HostContext } from '../../../runner/module.js';
import { encryptVaultText, setVaultSecrets } from '../../../runner/vault/index.js';
import { argsFor } from '../../helpers/module-args.js';

const args = argsFor(includeVars);

const secret = { label: 'default', password: 'include-vars-test' };
let dir: string;
// Only vars is consulted, and only for relative names.
const host = { vars: {} } as unknown as HostContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'include-vars-'));
});
afterEach(() => {
  setVaultSecrets([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('include_vars', () => {
  it('reads a plain file', async () => {
    const file = join(dir, 'plain.yml');
    writeFileSync(file, 'port: 8883\n');
    const state = await includeVars.gather(host, args({ file }));
    expect(includeVars.result?.(args({ file }), state, [])).toEqual({ ansible_facts: { port: 8883 }, ansible_included_var_files: [file] });
  });

  it('decrypts a vaulted file with the run\'s vault password', async () => {
    const file = join(dir, 'secret.yml');
    writeFileSync(file, encryptVaultText('db_password: s3cret\n', secret, false));
    setVaultSecrets([secret]);
    const state = await includeVars.gather(host, args({ file }));
    expect(state.vars).toEqual({ db_password: 's3cret' });
  });

  it('refuses a vaulted file when no vault password was given', async () => {
    const file = join(dir, 'secret.yml');
    writeFileSync(file, encryptVaultText('db_password: s3cret\n', secret, false));
    await expect(includeVars.gather(host, args({ file }))).rejects.toThrow(/no vault password was given/);
  });
});
