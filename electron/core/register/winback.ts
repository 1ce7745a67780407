import type { Output, ParsedInput } from '../../../shared/contract/api';
import type { Channel } from '../../../shared/domain/consent/types';
import { winbackText } from '../../../shared/domain/forms/confirmation';
import { winbackVerdict, type WinbackBlock } from '../campaigns/audience';
import { AppError } from '../../../shared/contract/errors';
import { appendAudit, type ServiceContext } from '../context';
import { RUSSIAN_SPEAKING } from './confirmations';
import { getSettings } from './settings';
import { resolveActor } from './staff';
import { matchingIds } from './contact-list';

const HOUR = 3_600_000;

/** Which reason describes a contact that cannot be asked on any channel (the most actionable first). */
const BLOCK_ORDER: readonly WinbackBlock[] = [
  'no_service_consent',
  'whatsapp_needs_optin',
  'invalid_number',
  'revoked',
  'already_asked',
  'not_claimed',
  'no_contact',
];

/**
 * The people of an import's report: everyone it added, changed or recorded a consent for. An import that does not
 * exist, or was undone (its claims taken back), is refused by name rather than answered with nobody.
 */
function importedContacts(ctx: ServiceContext, batch: number): number[] {
  const b = ctx.imports.getBatch(batch);
  if (!b) throw AppError.field('NOT_FOUND', 'importBatch', 'contacts.winbackNoImport', { batch });
  if (b.undoneAt !== null) throw AppError.field('CONFLICT', 'importBatch', 'contacts.winbackImportUndone', { batch });
  return ctx.imports.contactsOf(batch);
}

/**
 * contacts.winback: who among these contacts (or an import's) can be asked to confirm a claimed or expired marketing
 * consent, why the others cannot, and — unless a dry run — the asking itself: a neutral confirmation message queued
 * per channel, standing on the claim it asks about (the claim stays a claim meanwhile); the outbox sends it
 * (sending/confirmation-waves.ts) gated as a win-back request, and a YES that comes back before the pack's
 * deadline is recorded as the shop's question confirmed by the reply (intake/inbound.ts), a proven consent.
 */
export function winback(ctx: ServiceContext, input: ParsedInput<'contacts.winback'>): Output<'contacts.winback'> {
  const now = ctx.clock.now();
  const ids = input.contactIds ?? (input.matching ? matchingIds(ctx, input.matching, now) : importedContacts(ctx, input.importBatch!));
  const channels: Channel[] = input.channel ? [input.channel] : ['sms', 'whatsapp'];
  const byChannel = { sms: 0, whatsapp: 0 };
  const blocked = new Map<WinbackBlock, number>();
  const toAsk: { contactId: number; channel: Channel }[] = [];
  let askable = 0;
  for (const id of new Set(ids)) {
    const contact = ctx.contacts.get(id);
    const verdicts = channels.map((channel) => ({
      channel,
      block: !contact
        ? ('no_contact' as const)
        : ctx.confirmations.winbackOpen(id, channel, now)
          ? ('already_asked' as const)
          : winbackVerdict(ctx, contact, channel, now),
    }));
    const open = verdicts.filter((v) => v.block === null);
    if (open.length) {
      askable++;
      for (const v of open) {
        byChannel[v.channel as 'sms' | 'whatsapp']++;
        toAsk.push({ contactId: id, channel: v.channel });
      }
    } else {
      const reason = BLOCK_ORDER.find((r) => verdicts.some((v) => v.block === r)) ?? 'not_claimed';
      blocked.set(reason, (blocked.get(reason) ?? 0) + 1);
    }
  }
  const settings = getSettings(ctx);
  const text = { en: winbackText('en', settings.businessName, 'sms'), ru: winbackText('ru', settings.businessName, 'sms') };
  let asked = 0;
  if (!input.dryRun && toAsk.length) {
    const actor = resolveActor(ctx, input.staff);
    const expiresAt = now + settings.effectivePolicy.pendingExpiryHours * HOUR;
    ctx.db.transaction(() => {
      for (const a of toAsk) {
        const contact = ctx.contacts.get(a.contactId)!;
        // The question stands on the claim (or lapsed consent) it asks about; the claim stays as it is until a YES.
        const cell = ctx.consent.statesForContact(a.contactId).find((s) => s.channel === a.channel && s.purpose === 'marketing');
        if (cell?.lastEventSeq == null) continue;
        const language = contact.locale ?? (RUSSIAN_SPEAKING.has(settings.defaultCountry) ? 'ru' : 'en');
        ctx.confirmations.insert({
          contactId: a.contactId,
          channel: a.channel,
          requestEventId: cell.lastEventSeq,
          formVersionId: null,
          language,
          text: winbackText(language, settings.businessName, a.channel),
          createdAt: now,
          expiresAt,
          state: 'queued',
          stateReason: null,
          stateAt: now,
          providerMessageId: null,
        });
        asked++;
      }
      appendAudit(ctx, actor, 'contacts.winback', input.importBatch !== undefined ? `import:${input.importBatch}` : 'contacts', {
        ...(input.matching ? { matching: input.matching } : {}),
        asked,
        askable,
        blocked: Object.fromEntries(blocked),
      });
    })();
  }
  return {
    considered: new Set(ids).size,
    askable,
    byChannel,
    blocked: BLOCK_ORDER.filter((r) => blocked.has(r)).map((reason) => ({ reason, count: blocked.get(reason)! })),
    asked,
    text,
  };
}
