import { describe, expect, it } from 'vitest';
import { scopedBackend } from '../support/backend';
import { pdfText } from '../support/pdf';
import { grantPaper, russianShop } from '../support/shop';

/** Issue #17 item 9: what the printouts say to a Russian shop owner — whole, once, in Russian, and without a terminal. */

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

async function textOf(t: ReturnType<typeof scopedBackend>, fileId: string): Promise<string> {
  return normalise((await pdfText(t.backend.files.get(fileId).path)).join(' '));
}

describe('the poster', () => {
  it('a shop name with its own quotes is not quoted again, and «отписаться» is said once', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, { settings: { businessName: 'ООО «Цветочная лавка»' } });
    const poster = await t.call('forms.poster', { formVersionId: form.id, kind: 'whatsapp', paper: 'a4' });
    const text = await textOf(t, poster.fileId);
    expect(text).toContain('Акции и новости ООО «Цветочная лавка» в WhatsApp');
    expect(text).not.toMatch(/««|»»/);
    // The heading «Как отписаться» and under it only what to do.
    expect(text).toContain('Как отписаться');
    expect(text).toContain('Ответьте СТОП');
    expect(text.match(/отписат/giu)).toHaveLength(1);
  });

  it('a plain shop name is put in «» once', async () => {
    const t = scopedBackend();
    const { form } = await russianShop(t, { settings: { businessName: 'Цветочная лавка' } });
    const poster = await t.call('forms.poster', { formVersionId: form.id, kind: 'sms', paper: 'a5' });
    const text = await textOf(t, poster.fileId);
    expect(text).toContain('Акции и новости «Цветочная лавка» в SMS');
  });
});

describe('the campaign report', () => {
  /** A sent batch of two: one failed with a provider's long error, one skipped; made by the register's own owner. */
  async function reportRu() {
    const t = scopedBackend();
    const { form } = await russianShop(t);
    const [annaProof] = await grantPaper(t.call, '+79120000001', 'sms', form, { name: 'Анна' });
    await grantPaper(t.call, '+79120000002', 'sms', form, { name: 'Борис' });
    t.clock.advance(60 * 60 * 1000);
    const plan = await t.call('campaign.plan', {
      channel: 'sms',
      purpose: 'marketing',
      text: 'Лавка у дома: скидка 10% на выпечку. Отписаться: ответьте СТОП',
      name: 'Выпечка',
    });
    const { ctx } = t.backend;
    const at = t.clock.now();
    const long = 'invalid_number: 21211 the To number is not a valid phone number';
    ctx.db.transaction(() => {
      ctx.outbox.insertRun({
        batchId: plan.batch,
        providers: { sms: 'gw' },
        template: null,
        fallbackAfterMs: null,
        startedAt: at,
        startedBy: 'Owner',
      });
      ctx.outbox.setBatchState(plan.batch, 'sending');
      const anna = ctx.contacts.getByPhone('+79120000001')!;
      const rid = ctx.outbox.enqueue({ batchId: plan.batch, contactId: anna.id, step: 0, channel: 'sms', phone: anna.phone, dueAt: at, at })!;
      ctx.outbox.update(rid, { status: 'sending', proofEventId: annaProof!.events[0]!.id, provider: 'gw', attempts: 1, sendingAt: at }, at, null);
      ctx.outbox.update(rid, { status: 'failed', reason: long, attempts: 3 }, at + 2000, null);
      const boris = ctx.contacts.getByPhone('+79120000002')!;
      ctx.outbox.enqueueSkipped({
        batchId: plan.batch,
        contactId: boris.id,
        channel: 'sms',
        phone: boris.phone,
        reason: 'opted_out_after_handoff',
        at,
      });
      ctx.outbox.updateRun(plan.batch, { finishedAt: at + 4000 });
      ctx.outbox.setBatchState(plan.batch, 'done');
    })();
    const out = await t.call('campaign.report', { batch: plan.batch, format: 'pdf', locale: 'ru' });
    return { t, long, text: await textOf(t, out.fileId) };
  }

  it('statuses and their reasons are printed whole, wrapped rather than cut', async () => {
    const { long, text } = await reportRu();
    expect(text).toContain(`ошибка · попыток: 3 ${long}`);
    expect(text).toContain('пропущено отписался после передачи, которая могла уйти; повторно не отправлено');
  });

  it('says where in the app to check it, not which command to run, and names the owner in Russian', async () => {
    const { t, text } = await reportRu();
    expect(text).not.toContain('optin audit verify');
    expect(text).toContain('откройте Настройки → Целостность реестра');
    const consent = t.backend.ctx.consent.lastLink()!;
    expect(text).toContain(`events:${consent.id}:${consent.hash.slice(0, 16)}`);
    expect(text).toMatch(/\(Владелец\)/);
    expect(text).not.toMatch(/\bOwner\b/);
    // Every reason the plan counts has its Russian name (no code such as no_contact).
    expect(text).toContain('контакт удалён 0');
    expect(text).not.toContain('no_contact');
  });
});
