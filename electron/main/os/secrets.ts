import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from '../../core/providers/types';

/**
 * Provider secrets encrypted with the OS keychain (Electron safeStorage: Keychain on macOS, DPAPI on Windows,
 * libsecret/kwallet on Linux) and kept as ciphertext in a file beside the register — never in the register itself,
 * never in logs or exports.
 */
export class SafeStorageSecrets implements SecretStore {
  readonly persistent = true;
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

  get(provider: string, field: string): string | undefined {
    const sealed = this.load()[`${provider}/${field}`];
    if (sealed === undefined || !safeStorage.isEncryptionAvailable()) return undefined;
    return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  set(provider: string, field: string, value: string): void {
    // Refuse rather than fall back to plain text: on Linux without a keyring safeStorage would use a fixed key.
    if (!safeStorage.isEncryptionAvailable() || (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'))
      throw new Error('the system keychain is not available, so the secret cannot be stored safely');
    this.load()[`${provider}/${field}`] = safeStorage.encryptString(value).toString('base64');
    this.save();
  }

  remove(provider: string): void {
    const all = this.load();
    for (const key of Object.keys(all)) if (key.startsWith(`${provider}/`)) delete all[key];
    this.save();
  }

  describe(): string {
    return 'the provider settings (kept in the system keychain)';
  }
}
