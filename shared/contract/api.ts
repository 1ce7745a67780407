import type { z } from 'zod';
import { auditMethods } from './audit';
import { backupsMethods } from './backups';
import { campaignsMethods } from './campaigns';
import { consentMethods } from './consent';
import { contactsMethods } from './contacts';
import { filesMethods } from './files';
import { formsMethods } from './forms';
import { healthMethods } from './health';
import { importsMethods } from './imports';
import { inboundMethods } from './inbound';
import { lintMethods } from './lint';
import { peopleMethods } from './people';
import { providersMethods } from './providers';
import { registerMethods } from './register';
import { segmentsMethods } from './segments';
import { settingsMethods } from './settings';

/**
 * The contract's one index. Each area (contacts.ts, consent.ts, settings.ts, forms.ts, campaigns.ts, providers.ts,
 * audit.ts, backups.ts, inbound.ts, files.ts, imports.ts, lint.ts, register.ts, health.ts, segments.ts) holds its operations and
 * the schemas it owns; shared building blocks live in common.ts. Importers keep importing from here.
 */
export * from './common';
export * from './consent';
export * from './contacts';
export * from './people';
export * from './settings';
export * from './forms';
export * from './campaigns';
export * from './providers';
export * from './audit';
export * from './backups';
export * from './inbound';
export * from './files';
export * from './imports';
export * from './lint';
export * from './register';
export * from './segments';
export * from './health';

/** Operation table: the single list of everything a door may call. */
export const api = {
  ...contactsMethods,
  ...peopleMethods,
  ...consentMethods,
  ...settingsMethods,
  ...formsMethods,
  ...campaignsMethods,
  ...providersMethods,
  ...auditMethods,
  ...backupsMethods,
  ...inboundMethods,
  ...filesMethods,
  ...importsMethods,
  ...lintMethods,
  ...registerMethods,
  ...segmentsMethods,
  ...healthMethods,
} as const;

/** The contract's operation table type. */
export type Api = typeof api;
/** Name of an operation. */
export type Method = keyof Api;
/** Input a caller passes (before defaults are applied). */
export type Input<M extends Method> = z.input<Api[M]['input']>;
/** Input a service receives (after validation). */
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
/** Output of an operation. */
export type Output<M extends Method> = z.output<Api[M]['output']>;
/** The service side: one function per operation. */
export type Handlers = { [M in Method]: (input: ParsedInput<M>) => Output<M> | Promise<Output<M>> };

/** The allow-list of operation names. */
export const methods = Object.keys(api) as Method[];

/** True when `name` is an operation of the contract. */
export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(api, name);
}
