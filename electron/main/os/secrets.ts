import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretSnapshot } from '../../backend-process/protocol';
import type { KeychainSecrets } from '../backend-bridge';

/**
 * Provider secrets encrypted with the OS keychain (Electron safeStorage: Keychain on macOS, DPAPI on Windows,
 * libsecret/kwallet on Linux) and kept as ciphertext in a file beside the register — never in the register itself,
 * never in logs or exports. safeStorage exists only in the main process: the backend process asks for the secrets
 * over its channel (see BackendBridge) and holds them in memory only.
 */
export class SafeStorageSecrets implements KeychainSecrets {
  private cache: Record<string, string> | null = null;

  constructor(private readonly file: string) {}

  private load(): Record<string, string> {
    if (this.cache) return this.cache;
    this.cache = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>) : {};
    return this.cache;
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.load()), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Why a secret cannot be stored safely now; null when it can. */
  unwritable(): string | null {
    // Refuse rather than fall back to plain text: on Linux without a keyring safeStorage would use a fixed key.
    return !safeStorage.isEncryptionAvailable() || (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
      ? 'the system keychain is not available, so the secret cannot be stored safely'
      : null;
  }

  get(provider: string, field: string): string | undefined {
    const sealed = this.load()[`${provider}/${field}`];
    if (sealed === undefined || !safeStorage.isEncryptionAvailable()) return undefined;
    return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  /** Every secret that can be read now, decrypted; one that cannot (another keychain, damaged) reads as not set. */
  snapshot(): SecretSnapshot {
    const values: SecretSnapshot['values'] = [];
    for (const key of Object.keys(this.load())) {
      // Neither provider names (the contract) nor field names have a slash.
      const cut = key.lastIndexOf('/');
      if (cut <= 0) continue;
      const provider = key.slice(0, cut);
      const field = key.slice(cut + 1);
      try {
        const value = this.get(provider, field);
        if (value !== undefined) values.push({ provider, field, value });
      } catch {
        // not readable with this keychain: the person enters it again
      }
    }
    return { values, unwritable: this.unwritable() };
  }

  set(provider: string, field: string, value: string): void {
    const refused = this.unwritable();
    if (refused) throw new Error(refused);
    this.load()[`${provider}/${field}`] = safeStorage.encryptString(value).toString('base64');
    this.save();
  }

  remove(provider: string): void {
    const all = this.load();
    for (const key of Object.keys(all)) if (key.startsWith(`${provider}/`)) delete all[key];
    this.save();
  }
}
