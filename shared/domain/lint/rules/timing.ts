import { localTime, nextAllowed, zonesOutside } from '../../time/zones';
import { getPolicyPack } from '../../policy/policy';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
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
    const source = ctx.pack.messaging.recommendedSendWindowSource;
    // Under a law's hours the gate holds each message until the window opens in the recipient's zone; a window that is
    // only good practice holds nothing unless the shop made it its own (Settings → send window), so say so.
    const byLaw = getPolicyPack(ctx.pack.id).quietHours !== null;
    const message = law
      ? {
          en: `Planned time is outside ${window.start}–${window.end} local time in ${shown} (${byLaw ? 'the law' : "the shop's send window"}); such messages are held until the window opens`,
          ru: `Запланированное время вне окна ${window.start}–${window.end} по местному времени (${shown}; ${byLaw ? 'закон' : 'окно отправки магазина'}); такие сообщения ждут открытия окна`,
        }
      : {
          en: `Planned time is outside ${window.start}–${window.end} local time in ${shown} (good practice: ${source.en}). The messages go out at the time set: pick a time inside the window, or set the shop's send window in Settings to hold them until it opens`,
          ru: `Запланированное время вне окна ${window.start}–${window.end} по местному времени (${shown}; ${source.ru}). Сообщения уйдут в назначенное время: выберите время внутри окна или задайте окно отправки магазина в настройках, чтобы они ждали его открытия`,
        };
    const when = next === null ? null : localTime(next, ctx.profile.timezone);
    report({
      start: 0,
      end: 0,
      target: 'sendAt',
      severity: law ? 'error' : 'warning',
      message,
      fix:
        next === null || when === null
          ? undefined
          : {
              // In the shop's own time, as every time the shop sees.
              label: {
                en: `Send at ${Number(when.date.slice(8))} ${MONTHS[Number(when.date.slice(5, 7)) - 1]} ${when.date.slice(0, 4)}, ${when.time} (${ctx.profile.timezone})`,
                ru: `Отправить ${when.date.slice(8)}.${when.date.slice(5, 7)}.${when.date.slice(0, 4)} в ${when.time} (${ctx.profile.timezone})`,
              },
              edits: [],
              sendAt: new Date(next).toISOString(),
            },
    });
  },
};
