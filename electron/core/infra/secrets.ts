import type { SecretStore } from '../sending/providers/types';

const envPart = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();

/** The environment variable the CLI reads a provider's secret from: `shop-twilio` + `authToken` → `OPTIN_SHOP_TWILIO_AUTH_TOKEN`. */
export function secretEnvName(provider: string, field: string): string {
  return `OPTIN_${envPart(provider)}_${envPart(field)}`;
}

/** Every secret the environment holds for a provider (the values of its `OPTIN_<PROVIDER>_…` variables). */
export function envSecretValues(provider: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const prefix = `OPTIN_${envPart(provider)}_`;
  return Object.entries(env)
    .filter(([k, v]) => k.startsWith(prefix) && typeof v === 'string' && v !== '')
    .map(([, v]) => v as string);
}

/** The CLI's secrets: read from environment variables only; nothing is ever written. */
export class EnvSecrets implements SecretStore {
  readonly persistent = false;
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}
  get(provider: string, field: string): string | undefined {
    const v = this.env[secretEnvName(provider, field)];
    return v === undefined || v === '' ? undefined : v;
  }
  set(provider: string, field: string): void {
    throw new Error(`secrets are not stored by the command line; set $${secretEnvName(provider, field)} instead`);
  }
  remove(): void {
    // nothing stored
  }
  describe(provider: string, field: string): string {
    return `$${secretEnvName(provider, field)}`;
  }
}

/**
 * Secrets held in this process only: the local HTTP host (browser tests, a kiosk) has no OS keychain, so what is
 * typed into the provider settings there lasts until the host stops. Environment variables are read as a fallback —
 * until the provider's secrets are removed (the provider removed, or its address changed): from then on only a value
 * typed in again counts, so a secret from the environment never follows a provider to a new address.
 */
export class MemorySecrets implements SecretStore {
  readonly persistent = false;
  private readonly values = new Map<string, string>();
  private readonly cleared = new Set<string>();
  constructor(private readonly fallback: SecretStore | null = null) {}
  get(provider: string, field: string): string | undefined {
    const own = this.values.get(`${provider}\u0000${field}`);
    if (own !== undefined || this.cleared.has(provider)) return own;
    return this.fallback?.get(provider, field);
  }
  set(provider: string, field: string, value: string): void {
    this.values.set(`${provider}\u0000${field}`, value);
  }
  remove(provider: string): void {
    for (const key of [...this.values.keys()]) if (key.startsWith(`${provider}\u0000`)) this.values.delete(key);
    if (this.fallback) this.cleared.add(provider);
  }
  describe(provider: string, field: string): string {
    return this.fallback && !this.cleared.has(provider)
      ? `the provider settings or ${this.fallback.describe(provider, field)}`
      : 'the provider settings';
  }
}
