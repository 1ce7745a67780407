import { writeFileSync } from 'node:fs';
import type { FormVersion, Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { formTemplate } from '../../../shared/domain/forms/templates';
import { formatSerial, optInKeywordText, optInQr, sheetQrText } from '../../../shared/domain/forms/links';
import { needsSeparatePersonalData, splitPersonalData } from '../../../shared/domain/forms/documents';
import { getPolicyPack, type PolicyPack } from '../../../shared/domain/policy/policy';
import { formatPhoneForPeople } from '../../../shared/domain/phone/normalize';
import { localDay } from '../../../shared/domain/time/zones';
import type { FileStore } from '../infra/files';
import { maxGroupRows, qrPng, qrSvg, quotedRu, renderPoster, renderSheets } from '../print';
import { canonicalJson } from '../../../shared/domain/consent/canonical';
import type { FormRecord } from '../db/repos/forms.repo';
import { sha256Hex } from '../infra/hash';
import { appendAudit, iso, isoOrNull, type ServiceContext } from '../context';
import { getSettings } from '../register/settings';
import { resolveActor } from '../register/staff';

/** A stored form version as the contract shows it. */
export const toForm = ({ id, ...f }: FormRecord): FormVersion => ({ id, ...f, createdAt: iso(f.createdAt), firstUsedAt: isoOrNull(f.firstUsedAt) });

/** All wording versions, newest version of each form first. */
export function listForms(ctx: ServiceContext): FormVersion[] {
  return ctx.forms.list().map(toForm);
}

/** The wording's first line when it reads as a heading (short, no full stop), else a standard title. */
function titleFromBody(body: string, language: 'en' | 'ru'): string {
  const first = body.trim().split('\n')[0]?.trim() ?? '';
  if (first.length >= 3 && first.length <= 80 && !/[.!?]$/.test(first)) return first.replace(/^\d+\.\s*/, '');
  return language === 'ru' ? 'Согласие на получение акций и новостей' : 'Consent to receive offers and news';
}

/** The fingerprint of a form version's wording: what the register keeps with it, and verify recomputes. */
export function formHash(f: Pick<FormRecord, 'title' | 'language' | 'channels' | 'purposes' | 'body' | 'businessIdentity'>): string {
  return sha256Hex(
    canonicalJson({
      title: f.title,
      language: f.language,
      channels: f.channels,
      purposes: f.purposes,
      body: f.body,
      businessIdentity: f.businessIdentity,
    }),
  );
}

/** Create a new version of a form (or a new form): old versions are never changed. Short code `F<form>-<version>`. */
export function createForm(ctx: ServiceContext, input: ParsedInput<'forms.create'>): FormVersion {
  const settings = getSettings(ctx);
  const actor = resolveActor(ctx, input.staff);
  const businessIdentity = [settings.businessName, settings.businessAddress, settings.shopPhone].filter(Boolean).join(', ');
  return ctx.db.transaction(() => {
    const formKey = input.formKey ?? `form-${ctx.forms.nextVersion('\u0000').keyIndex}`;
    const { version, keyIndex } = ctx.forms.nextVersion(formKey);
    const content = {
      title: input.title ?? titleFromBody(input.body, input.language),
      language: input.language,
      channels: [...new Set(input.channels)].sort(),
      purposes: [...new Set(input.purposes)].sort(),
      body: input.body,
      businessIdentity,
    };
    const f = ctx.forms.insert({
      code: `F${keyIndex}-${version}`,
      formKey,
      version,
      ...content,
      sha256: formHash(content),
      createdAt: ctx.clock.now(),
      firstUsedAt: null,
    });
    appendAudit(ctx, actor, 'form.created', `form:${f.id}`, { code: f.code, sha256: f.sha256 });
    return toForm(f);
  })();
}

/** forms.template: the pack's starting wording in a language, filled from the shop's identity. */
export function formTemplateFor(ctx: ServiceContext, input: ParsedInput<'forms.template'>): Output<'forms.template'> {
  const settings = getSettings(ctx);
  const pack = input.policyPack ? getPolicyPack(input.policyPack) : settings.effectivePolicy;
  return formTemplate(pack, input.language, settings, input.channels);
}

function formOrThrow(ctx: ServiceContext, id: number): FormRecord {
  const form = ctx.forms.get(id);
  if (!form)
    throw new AppError('NOT_FOUND', 'forms.noFormVersion', { id }, { fields: [{ path: 'formVersionId', key: 'consent.unknownFormVersion' }] });
  return form;
}

/**
 * forms.print: reserve serials, render the sheets (one serial per page or slip) and record them in one go — a sheet
 * exists in the register from the moment it can be printed, so a sheet that never comes back is noticed. Under a
 * pack that wants the personal-data consent as a separate document (ru), each sheet is followed by its own
 * personal-data document with the next serial; a group sheet is printed with a warning, since every customer on
 * it sees the names and numbers written above their own.
 */
export async function printForm(ctx: ServiceContext, files: FileStore, input: ParsedInput<'forms.print'>): Promise<Output<'forms.print'>> {
  const form = formOrThrow(ctx, input.formVersionId);
  const settings = getSettings(ctx);
  const actor = resolveActor(ctx, input.staff);
  const now = ctx.clock.now();
  const rows = input.layout === 'group' ? input.rows : 1;
  const { serial: first, printRun } = ctx.sheets.nextNumbers();
  let split: { consent: string; personalData: string } | null = null;
  if (needsSeparatePersonalData(settings.effectivePolicy, form.purposes)) {
    split = splitPersonalData(form.body);
    if (!split)
      throw new AppError(
        'VALIDATION_FAILED',
        'forms.personalDataSectionMissing',
        { form: form.code },
        { fields: [{ path: 'formVersionId', key: 'forms.personalDataSectionField' }] },
      );
  }
  // A sheet and its personal-data document take neighbouring serials, so a gap in either shows.
  const step = split ? 2 : 1;
  const serials = Array.from({ length: input.copies }, (_, i) => formatSerial(first + step * i));
  const personalDataSerials = split ? serials.map((_, i) => formatSerial(first + step * i + 1)) : [];
  const spec = {
    layout: input.layout,
    paper: input.paper,
    form,
    businessName: settings.businessName,
    rowsPerPage: rows,
    serials,
    qrText: (serial: string) => sheetQrText(form.code, serial),
    printedOn: localDay(now, settings.timezone),
    personalData: split ? { consentBody: split.consent, body: split.personalData, serials: personalDataSerials } : undefined,
  };
  if (input.layout === 'group') {
    const fit = maxGroupRows(spec);
    if (rows > fit)
      throw new AppError(
        'VALIDATION_FAILED',
        'forms.rowsDoNotFit',
        { fit, paper: input.paper === 'a4' ? 'A4' : 'Letter' },
        { fields: [{ path: 'rows', key: 'forms.rowsDoNotFitField', params: { fit } }], maxRows: fit },
      );
  }
  const pdf = await renderSheets(spec);
  const last = personalDataSerials.at(-1) ?? serials[serials.length - 1];
  const range = last === serials[0] ? serials[0] : `${serials[0]}–${last}`;
  const out = files.createOutput(`${form.code} ${range}.pdf`);
  writeFileSync(out.path, pdf);
  ctx.db.transaction(() => {
    serials.forEach((serial, i) => {
      const sheet = {
        id: first + step * i,
        serial,
        formVersionId: form.id,
        layout: input.layout,
        rows,
        paper: input.paper,
        printRun,
        printedAt: now,
        printedBy: actor,
        document: 'consent' as const,
        pairsWith: null,
      };
      ctx.sheets.insert(sheet);
      const pd = personalDataSerials[i];
      if (pd) ctx.sheets.insert({ ...sheet, id: sheet.id + 1, serial: pd, document: 'personal_data', pairsWith: sheet.id });
    });
    ctx.forms.markUsed(form.id, now);
    appendAudit(ctx, actor, 'sheets.printed', `form:${form.id}`, {
      printRun,
      first: serials[0],
      last: serials[serials.length - 1],
      layout: input.layout,
      rows,
      paper: input.paper,
      ...(split ? { personalData: { first: personalDataSerials[0], last: personalDataSerials.at(-1) } } : {}),
    });
  })();
  return {
    fileId: out.id,
    name: out.name,
    bytes: pdf.length,
    serials,
    personalDataSerials,
    printRun,
    rowsPerSheet: rows,
    formCode: form.code,
    warnings: input.layout === 'group' ? ['group_shows_others'] : [],
  };
}

function shopNumberOrThrow(settings: ReturnType<typeof getSettings>, kind: 'whatsapp' | 'sms'): string {
  if (!settings.shopPhone)
    throw new AppError(
      'VALIDATION_FAILED',
      'forms.shopPhoneFirst',
      { channel: kind === 'whatsapp' ? 'WhatsApp' : 'SMS' },
      {
        fields: [{ path: 'shopPhone', key: 'forms.notSet' }],
      },
    );
  return settings.shopPhone;
}

function channelOrThrow(form: FormRecord, kind: 'whatsapp' | 'sms'): void {
  if (!form.channels.includes(kind))
    throw new AppError(
      'FORM_MISMATCH',
      'forms.kindNotCovered',
      { form: form.code, channel: kind },
      { fields: [{ path: 'kind', key: 'forms.notAmongChannels', params: { channels: form.channels.join(', ') } }] },
    );
}

/** forms.qr: the opt-in QR code for a form version as PNG or SVG, with what it encodes. */
export async function formQr(ctx: ServiceContext, files: FileStore, input: ParsedInput<'forms.qr'>): Promise<Output<'forms.qr'>> {
  const form = formOrThrow(ctx, input.formVersionId);
  channelOrThrow(form, input.kind);
  const settings = getSettings(ctx);
  const qr = optInQr(input.kind, shopNumberOrThrow(settings, input.kind), form.code, form.language, settings.businessName);
  const data = input.format === 'svg' ? Buffer.from(await qrSvg(qr.payload), 'utf8') : await qrPng(qr.payload, { scale: 12 });
  const out = files.createOutput(`${form.code} ${input.kind} QR.${input.format}`);
  writeFileSync(out.path, data);
  return { fileId: out.id, name: out.name, bytes: data.length, payload: qr.payload, text: qr.text };
}

/** forms.poster: an A4 or A5 poster for the counter with the opt-in QR, the short wording and how to stop. */
export async function formPoster(ctx: ServiceContext, files: FileStore, input: ParsedInput<'forms.poster'>): Promise<Output<'forms.poster'>> {
  const form = formOrThrow(ctx, input.formVersionId);
  channelOrThrow(form, input.kind);
  const settings = getSettings(ctx);
  const shopPhone = shopNumberOrThrow(settings, input.kind);
  const qr = optInQr(input.kind, shopPhone, form.code, form.language, settings.businessName);
  const lang = form.language;
  const pack = settings.effectivePolicy;
  const via = input.kind === 'whatsapp' ? 'WhatsApp' : 'SMS';
  const pdf = await renderPoster({
    paper: input.paper,
    language: lang,
    businessName: settings.businessName,
    headline:
      lang === 'ru' ? `Акции и новости ${quotedRu(settings.businessName)} в ${via}` : `Offers and news from ${settings.businessName} on ${via}`,
    wording: input.wording ?? posterWording(form, pack, lang),
    keywordText: optInKeywordText(form.code, lang),
    toNumber: formatPhoneForPeople(shopPhone),
    channel: input.kind,
    howToStop: posterHowToStop(pack.messaging.optOutInstruction[lang]),
    qrText: qr.payload,
    formCode: form.code,
  });
  const out = files.createOutput(`${form.code} ${input.kind} poster ${input.paper.toUpperCase()}.pdf`);
  writeFileSync(out.path, pdf);
  ctx.db.transaction(() => ctx.forms.markUsed(form.id, ctx.clock.now()))();
  return { fileId: out.id, name: out.name, bytes: pdf.length, payload: qr.payload, text: qr.text };
}

/**
 * The instruction under the poster's «Как отписаться» / "How to unsubscribe" heading: the pack's instruction without
 * its own lead-in («Отписаться: ответьте СТОП» → «Ответьте СТОП»), so the poster does not say "unsubscribe" twice.
 */
export function posterHowToStop(instruction: string): string {
  const rest = instruction.replace(/^[^:]{1,24}:\s*/u, '');
  return rest.charAt(0).toLocaleUpperCase() + rest.slice(1);
}

/** The poster's short wording: who, what, how often — the full wording stays on the form itself. */
function posterWording(form: FormRecord, pack: PolicyPack, lang: 'en' | 'ru'): string {
  const cap = pack.frequencyCap;
  if (lang === 'ru')
    return `Присылаем акции, скидки и новинки${cap ? ` — не больше ${cap.messages} сообщений в неделю` : ''}. Отправляя сообщение, вы соглашаетесь на получение рекламы на условиях согласия ${form.code}; полный текст — у продавца.`;
  return `We send offers, discounts and news${cap ? ` — no more than ${cap.messages} messages a week` : ''}. By sending the message you agree to receive marketing on the terms of consent ${form.code}; ask staff for the full wording.`;
}
