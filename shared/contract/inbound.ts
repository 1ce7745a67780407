import { z } from 'zod';
import { Channel, InstantInput, IsoInstant, Name, PhoneInput } from './common';
import { ConsentEvent, PendingOptOut } from './consent';
import { SaidSchema } from './said';

/** Replies that came in, and complaints. */
export const inboundMethods = {
  'inbound.receive': {
    input: z.object({
      from: PhoneInput,
      to: PhoneInput.optional(),
      channel: Channel.default('sms'),
      text: z.string().max(4096, 'inbound.textTooLong'),
      at: InstantInput.optional(),
      providerId: z.string().trim().min(1).max(200).optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      messageId: z.number().int(),
      duplicate: z.boolean(),
      classified: z.enum(['opt_out', 'opt_in', 'confirm', 'help', 'complaint', 'other']),
      formCode: z.string().nullable(),
      events: z.array(ConsentEvent),
      /** Why a recognised request caused no event (unknown form code, nothing pending to confirm…), in English; `noteSaid` by key. */
      note: z.string().nullable(),
      noteSaid: SaidSchema.nullable(),
      /** Set when the register was busy: the opt-out was accepted and kept (messageId 0 until it is entered). */
      pending: PendingOptOut.optional(),
    }),
  },
  'complaints.record': {
    input: z
      .object({
        contactId: z.number().int().positive().optional(),
        phone: PhoneInput.optional(),
        note: z.string().trim().min(1, 'complaints.noteRequired').max(2000),
        staff: Name.optional(),
      })
      .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] }),
    output: z.object({
      /** The complaint's id (0 while it waits in the opt-out journal: the register was busy). */
      id: z.number().int(),
      /** The revocations of marketing it recorded (a complaint withdraws marketing on every channel). */
      events: z.array(ConsentEvent),
      /** Set when the register was busy: the complaint and its opt-out were accepted and kept. */
      pending: PendingOptOut.optional(),
    }),
  },
  'complaints.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      complaints: z.array(
        z.object({
          id: z.number().int(),
          contactId: z.number().int(),
          phone: z.string(),
          name: z.string(),
          text: z.string().nullable(),
          note: z.string(),
          at: IsoInstant,
          recordedBy: z.string(),
        }),
      ),
    }),
  },
} as const;
