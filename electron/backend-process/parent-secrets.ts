import type { SecretStore } from '../core/sending/providers/types';
import type { SecretAsk, SecretSnapshot } from './protocol';

/** Send a request to the main process (the loop numbers it); resolves with the reply's value, rejects with its refusal. */
export type AskParent = (request: SecretAsk) => Promise<SecretSnapshot | undefined>;

const keyOf = (provider: string, field: string): string => `${provider}\u0000${field}`;

/**
 * Provider secrets for the backend process. Only the main process can use the OS keychain (Electron safeStorage),
 * so it holds the encrypted file; this store keeps the decrypted values in this process's memory only, as the
 * core reads them synchronously, and passes every change to the main process (`secret.set`, `secret.delete`) to be
 * encrypted there. Nothing is ever written to disk here.
 *
 * A change is refused at once when the main process said there is no keychain to keep it (so a provider is never
 * saved believing its secret was kept); a failure the main process reports later is collected, the values are
 * read again from the keychain, and the call that made the change answers with the failure (see settle).
 */
export class ParentSecrets implements SecretStore {
  readonly persistent = true;
  private values = new Map<string, string>();
  private unwritable: string | null = null;
  private writes: Promise<void>[] = [];
  private failures: string[] = [];

  private constructor(private readonly ask: AskParent) {}

  /** Ask the main process for every secret the keychain holds. */
  static async load(ask: AskParent): Promise<ParentSecrets> {
    const store = new ParentSecrets(ask);
    await store.reload();
    return store;
  }

  private async reload(): Promise<void> {
    const snapshot = await this.ask({ type: 'secret.get' });
    this.values = new Map((snapshot?.values ?? []).map((v) => [keyOf(v.provider, v.field), v.value]));
    this.unwritable = snapshot?.unwritable ?? null;
  }

  private track(write: Promise<unknown>): void {
    this.writes.push(
      write.then(
        () => undefined,
        (err: unknown) => {
          this.failures.push(err instanceof Error ? err.message : 'the system keychain refused the change');
        },
      ),
    );
  }

  get(provider: string, field: string): string | undefined {
    return this.values.get(keyOf(provider, field));
  }

  set(provider: string, field: string, value: string): void {
    if (this.unwritable !== null) throw new Error(this.unwritable);
    this.values.set(keyOf(provider, field), value);
    this.track(this.ask({ type: 'secret.set', provider, field, value }));
  }

  remove(provider: string): void {
    for (const key of [...this.values.keys()]) if (key.startsWith(`${provider}\u0000`)) this.values.delete(key);
    this.track(this.ask({ type: 'secret.delete', provider }));
  }

  describe(): string {
    return 'the provider settings (kept in the system keychain)';
  }

  /**
   * Wait until the main process has kept (or refused) every change made so far; returns the refusals since the
   * last call. After a refusal the values are read again, so this process never believes in a secret the keychain
   * does not hold.
   */
  async settle(): Promise<string[]> {
    while (this.writes.length > 0) await Promise.all(this.writes.splice(0));
    const failures = this.failures.splice(0);
    if (failures.length > 0) {
      try {
        await this.reload();
      } catch (err) {
        failures.push(err instanceof Error ? err.message : 'the secrets could not be read again');
      }
    }
    return failures;
  }
}
