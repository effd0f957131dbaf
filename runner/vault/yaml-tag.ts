// `!vault |` values in YAML: an encrypted string (encrypt_string's output), decrypted when loaded.
import type { ScalarTag } from 'yaml';
import { decryptVaultText } from './keyring.js';

export const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve(text, onError) {
    try {
      return decryptVaultText(text, 'a !vault value');
    } catch (e) {
      onError((e as Error).message);
      return '';
    }
  },
};
