import { ref, renderSaid, type SaidParams, type SaidRef } from '../../../../shared/contract/said';
import type { MessageKey } from '../../../../shared/contract/messages.en';

/**
 * An adapter's own words about an answer, by key: `said` for the person's language (the outbox stores it), and
 * `message`, the same in English, for logs and tests. A provider's own words stay in `message` with no `said`.
 */
/** What a provider answered, by key: the adapter's own words (say()), else the provider's words as they came. */
export function answerOf(o: { message: string; said?: SaidRef | undefined }): SaidRef {
  return o.said ?? ref('outbox.providerWords', { text: o.message.slice(0, 400) });
}

export function say(key: MessageKey, params?: SaidParams): { message: string; said: SaidRef } {
  return { message: renderSaid(key, params), said: ref(key, params) };
}
