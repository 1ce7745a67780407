import type { Channel } from '../../../../shared/domain/consent/types';

import type { DeliveryUpdate } from './types';

/**
 * What comes back from a provider by itself — by polling its API or through the relay that receives its webhooks —
 * in one shape, so provider sync records every kind the same way (issue #16). Every signal carries the provider's own
 * id for what it reports, so the same reply arriving twice (by relay and by polling) is recorded once.
 */
export type ProviderSignal = SignalBody & {
  /**
   * For a signal that came through the relay: the webhook it came in by (`whatsapp` from Meta, `twilio` from Twilio),
   * so that a relay shared by a Twilio and a WhatsApp Cloud API provider records each signal under its own provider.
   */
  via?: 'whatsapp' | 'twilio';
};

/** What a signal says, by kind. */
type SignalBody =
  /** A message a customer sent to the shop: goes through inbound classification (opt-out wins, EN/RU, YES confirms). */
  | {
      kind: 'inbound';
      /** The provider's id of the inbound message (Twilio SM…, Meta wamid…, SMSC.ru answer id). */
      providerMessageId: string;
      /** E.164 of the customer. */
      from: string;
      /** The shop's number or sender the customer wrote to, when known. */
      to: string | null;
      channel: Channel;
      text: string;
      /** When the provider received it (ms). */
      at: number;
    }
  /** A delivery result for a message we handed off, found by the provider's id of that message. */
  | {
      kind: 'status';
      providerMessageId: string;
      update: DeliveryUpdate;
      at: number;
    }
  /**
   * The provider says this number opted out (Twilio 21610 callback, SMS.ru stop-list entry, Meta `user_preferences`
   * marketing stop): recorded as a `provider_feedback` revocation naming `source`, with `evidenceId` as its proof.
   */
  | {
      kind: 'opt_out';
      phone: string;
      channel: Channel;
      /** `marketing` for Meta's marketing stop; `all` for a carrier-level STOP (the number gets nothing from the shop). */
      scope: 'marketing' | 'all';
      /** Stable id of the provider's record (stop-list entry, webhook event id, status callback SID + code). */
      evidenceId: string;
      /** Plain words naming where it came from, e.g. "SMS.ru stop-list", "WhatsApp user_preferences". */
      source: string;
      at: number;
    }
  /**
   * The customer resumed marketing with the provider (Meta `user_preferences` resume). Never a consent by itself:
   * it is recorded as an inbound note only, so the shop sees it, and the register keeps its answer.
   */
  | {
      kind: 'resume';
      phone: string;
      channel: Channel;
      evidenceId: string;
      source: string;
      at: number;
    }
  /** A quality or account signal (WhatsApp phone quality, template paused…) for the Health view. */
  | {
      kind: 'quality';
      evidenceId: string;
      /** e.g. `phone_quality`, `template_status`. */
      topic: string;
      /** e.g. `GREEN`, `YELLOW`, `RED`, `PAUSED`. */
      value: string;
      detail: string | null;
      at: number;
    };

/** One page of signals and the cursor to save once they are recorded; `more` when the provider has another page. */
export interface SignalPage {
  signals: ProviderSignal[];
  /** Opaque per provider (a date, an id, a relay cursor); saved only after every signal of the page is recorded. */
  cursor: string | null;
  more: boolean;
}
