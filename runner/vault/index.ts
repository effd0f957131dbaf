// Ansible Vault: the file format, its cipher, the run's passwords, and the `!vault` YAML tag.
export { decryptPayload, encryptPayload } from './crypto.js';
export { formatEnvelope, isVaulted, parseEnvelope } from './format.js';
export { decryptVaultText, encryptVaultText, readMaybeVaulted, setVaultSecrets, vaultPlaintexts, vaultSecrets, type VaultSecret } from './keyring.js';
export { vaultTag } from './yaml-tag.js';
