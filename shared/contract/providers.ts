import { z } from 'zod';
import { SaidSchema } from './said';
import { ProviderKinds } from '../domain/outbox/types';
import { Channel, IsoInstant, Name, PhoneInput } from './common';

/** A provider's name as the shop calls it. */
export const ProviderName = z
  .string()
  .trim()
  .min(1, 'providers.nameRequired')
  .max(40, 'providers.nameTooLong')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'providers.nameCharacters');

/** A configured provider (secrets shown only as set or not). */
export const ProviderInfo = z.object({
  name: z.string(),
  kind: z.enum(ProviderKinds),
  options: z.record(z.string(), z.string()),
  channels: z.array(Channel),
  ratePerSecond: z.number(),
  /** Per secret field: whether it is available (keychain in the app, environment in the CLI), and where from. */
  secrets: z.array(z.object({ key: z.string(), set: z.boolean(), required: z.boolean(), source: z.string() })),
  /**
   * What is wrong with the configuration, if anything (a missing secret, a bad option): the option or secret
   * (`options.from`, `secrets.authToken`; empty when the problem is the whole provider) and what is wrong, by key.
   */
  problems: z.array(z.object({ path: z.string() }).and(SaidSchema)),
  /** Provider sync (replies, opt-outs, delivery results): null for a kind nothing comes back from; absent on a save. */
  sync: z
    .object({
      /** When its last sync finished (null: none has yet). */
      syncedAt: IsoInstant.nullable(),
      /** When a sync was last tried. */
      attemptedAt: IsoInstant.nullable(),
      /** What came in through sync, in total. */
      totals: z.object({
        inbound: z.number().int(),
        optOuts: z.number().int(),
        confirmations: z.number().int(),
        statuses: z.number().int(),
        /** Of the replies, those not from a phone number (an operator's or a service's name): kept, linked to no customer. */
        notFromNumber: z.number().int(),
      }),
      /** Why the last sync stopped, if it did: a stable code and the provider's words. */
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    })
    .nullable()
    .optional(),
});

/** The providers messages are handed to: their kinds, settings, secrets and a test message. */
export const providersMethods = {
  'providers.kinds': {
    input: z.object({}),
    output: z.object({
      kinds: z.array(
        z.object({
          kind: z.enum(ProviderKinds),
          /** `destination`: where requests (and so the secrets) go; changing one clears the provider's stored secrets. */
          options: z.array(
            z.object({ key: z.string(), required: z.boolean(), secret: z.boolean(), destination: z.boolean(), description: z.string() }),
          ),
        }),
      ),
      /** Whether secrets outlive this process (false on the local host, which keeps them in memory only). */
      secretsPersistent: z.boolean(),
    }),
  },
  'providers.list': { input: z.object({}), output: z.object({ providers: z.array(ProviderInfo) }) },
  'providers.save': {
    input: z.object({
      name: ProviderName,
      kind: z.enum(ProviderKinds),
      options: z.record(z.string().max(64), z.string().max(2000)).default({}),
      /**
       * Secrets to store in the OS keychain (never in the register). Omitted ones keep their stored value — unless the
       * destination (URL, base URL, kind) changes: then every stored secret is cleared, so none is sent to the new address.
       */
      secrets: z.record(z.string().max(64), z.string().max(4000)).optional(),
      staff: Name.optional(),
    }),
    output: ProviderInfo.extend({
      /** Whether the address the provider's requests go to changed with this save. */
      destinationChanged: z.boolean(),
      /** Whether a stored secret was cleared because the destination changed (and not given again): it must be re-entered. */
      secretCleared: z.boolean(),
    }),
  },
  'providers.sync': {
    input: z.object({ provider: ProviderName.optional() }),
    output: z.object({
      providers: z.array(
        z.object({
          name: z.string(),
          kind: z.enum(ProviderKinds),
          /** What this sync recorded: replies, opt-outs (revocations), double opt-in confirmations, delivery results. */
          inbound: z.number().int(),
          optOuts: z.number().int(),
          confirmations: z.number().int(),
          statuses: z.number().int(),
          /** Of the replies, those not from a phone number (an operator's or a service's name): kept, linked to no customer. */
          notFromNumber: z.number().int(),
          /** Where the next sync starts (opaque per kind); unchanged when this one stopped. */
          cursor: z.string().nullable(),
          /** When the last complete sync finished. */
          syncedAt: IsoInstant.nullable(),
          /** Why this sync stopped before the end (the cursor stays where it was); null when it finished. */
          error: z.object({ code: z.string(), message: z.string() }).nullable(),
        }),
      ),
    }),
  },
  'providers.remove': { input: z.object({ name: ProviderName, staff: Name.optional() }), output: z.object({ removed: z.boolean() }) },
  'providers.test': {
    input: z.object({
      name: ProviderName,
      /** Your own number (default: the shop's phone). */
      to: PhoneInput.optional(),
      channel: Channel.optional(),
      text: z.string().trim().min(1).max(1000).optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      ok: z.boolean(),
      outcome: z.enum(['accepted', 'retry', 'refused']),
      to: z.string(),
      channel: Channel,
      code: z.string().nullable(),
      /** The provider's answer in English; `said` is the same by key (a provider's own words as they came). */
      message: z.string(),
      said: SaidSchema,
      providerMessageId: z.string().nullable(),
    }),
  },
} as const;
