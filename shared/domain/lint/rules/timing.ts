import { nextAllowed, zonesOutside } from '../../time/zones';
import type { LintRule } from '../types';

/** LINT-QUIET-HOURS: the planned send time lies in the send window in every recipient's zone. */
export const quietHours: LintRule = {
  meta: {
    id: 'LINT-QUIET-HOURS',
    severity: 'warning',
    purposes: ['marketing'],
    title: { en: 'Sent inside the send window', ru: 'Отправка в разрешённое время' },
    source: '47 CFR 64.1200(c)(1) (US 08:00–21:00 recipient-local); the pack’s or the shop’s send window',
  },
  check(ctx, report) {
    const sendAt = ctx.input.sendAt ? Date.parse(ctx.input.sendAt) : NaN;
    if (!Number.isFinite(sendAt)) return;
    const law = ctx.pack.quietHours;
    const window = law ?? ctx.pack.messaging.recommendedSendWindow;
    if (!window) return;
    const zones = ctx.input.recipientTimeZones?.length
      ? ctx.input.recipientTimeZones
      : ctx.pack.messaging.defaultRecipientTimeZones.length
        ? ctx.pack.messaging.defaultRecipientTimeZones
        : [ctx.profile.timezone];
    const outside = zonesOutside(sendAt, zones, window);
    if (outside.length === 0) return;
    const next = nextAllowed(sendAt, zones, window);
    const shown = outside.slice(0, 3).join(', ') + (outside.length > 3 ? ` +${outside.length - 3}` : '');
    const basis = law ? { en: 'the law', ru: 'закон' } : { en: 'good practice', ru: 'правила операторов' };
    report({
      start: 0,
      end: 0,
      target: 'sendAt',
      severity: law ? 'error' : 'warning',
      message: {
        en: `Planned time is outside ${window.start}–${window.end} local time in ${shown} (${basis.en}${law ? '' : `: ${ctx.pack.messaging.recommendedSendWindowSource}`}); such messages are held until the window opens`,
        ru: `Запланированное время вне окна ${window.start}–${window.end} по местному времени (${shown}; ${basis.ru}${law ? '' : `: ${ctx.pack.messaging.recommendedSendWindowSource}`}); такие сообщения ждут открытия окна`,
      },
      fix:
        next === null
          ? undefined
          : {
              label: {
                en: `Send at ${new Date(next).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
                ru: `Отправить в ${new Date(next).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
              },
              edits: [],
              sendAt: new Date(next).toISOString(),
            },
    });
  },
};
