import { ackRelay, pullRelay, type RelayPage } from '../../../relay/client';

/**
 * A provider's link to the relay that receives its webhooks (WhatsApp Cloud API, Twilio): provider sync pulls the
 * relay's pages with the pull token and acknowledges each one only after it is recorded and its cursor saved.
 */
export interface RelayLink {
  /** The relay's address (the provider's `relayUrl` option). */
  readonly url: string;
  /** One page after `cursor` (null: everything the relay still holds). Throws ProviderQueryError like pullRelay. */
  pull(cursor: string | null, signal?: AbortSignal): Promise<RelayPage>;
  /** Let the relay drop what is recorded, up to `cursor`; a failure is harmless (it keeps them until its retention). */
  ack(cursor: string, signal?: AbortSignal): Promise<void>;
}

/** The link for a relay at `url` with the pull `token` (an empty token is refused by the relay client as RELAY_CONFIG). */
export function relayLink(url: string, token: string, timeoutMs: number): RelayLink {
  return {
    url,
    pull: (cursor, signal) => pullRelay(url, token, cursor, { signal, timeoutMs }),
    ack: async (cursor, signal) => {
      await ackRelay(url, token, cursor, { signal, timeoutMs });
    },
  };
}
