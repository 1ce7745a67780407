import type { Input, Output } from '../../shared/contract/api';
import type { Channel, Purpose } from '../../shared/domain/consent/types';
import { scopedBackend, TestClock, type Caller } from './backend';
import { ScriptedProvider } from './scripted-provider';

/**
 * The shop most tests keep: "Лавка у дома", a corner shop in Russia under the ru pack (38-FZ advertising, 152-FZ
 * personal data), on Moscow time. Tests assert on these words (the business name in rendered texts and QR payloads,
 * the shop number in wa.me links), so change them only with the tests that read them.
 */
export const RUSSIAN_SHOP: Input<'settings.update'> = {
  businessName: 'Лавка у дома',
  senderName: 'LAVKA',
  shopPhone: '+7 912 000-00-00',
  defaultCountry: 'RU',
  timezone: 'Europe/Moscow',
  policyPack: 'ru',
};

/** Its consent form: advertising by SMS and WhatsApp, with the separate personal-data consent the ru pack demands. */
export const RUSSIAN_FORM: Input<'forms.create'> = {
  language: 'ru',
  channels: ['sms', 'whatsapp'],
  purposes: ['marketing', 'personal_data'],
  body: 'Согласен получать акции «Лавка у дома» по SMS и WhatsApp. Отписка: СТОП.',
};

/** A webhook provider at an address nobody answers: the tests that use it answer through `adapterFactory` instead. */
export const GATEWAY: Input<'providers.save'> = { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } };

export interface ShopOptions {
  /** Settings over RUSSIAN_SHOP's: another business name, an address for the 152-FZ wording, another pack, quiet hours… */
  settings?: Input<'settings.update'>;
  /** Staff members to add, by name, after the settings and before the form. */
  staff?: readonly string[];
  /**
   * The consent form: fields over RUSSIAN_FORM (other purposes, wording, channels, title); `'template'` for the
   * pack's own Russian wording as `forms.template` gives it for these settings; `null` for no form yet.
   */
  form?: Partial<Input<'forms.create'>> | 'template' | null;
  /** A provider, saved last: `true` for GATEWAY, or fields over it (another name, kind, options, secrets). */
  provider?: true | Partial<Input<'providers.save'>>;
}

export interface Shop<F = Output<'forms.create'>> {
  /** The form version created (its `id` is what paper evidence names). */
  form: F;
  /** The staff members added, in order. */
  staff: Output<'staff.add'>[];
  /** The saved provider's name, to pass to `campaign.send`, or null when none was asked for. */
  provider: string | null;
}

/**
 * Sets up "a Russian shop with a form and staff" on a test backend through the dispatcher, in the order a shop
 * would: settings, staff, form, provider. Each is one call, so ids in the register are as if the test made them.
 */
export async function russianShop(t: { call: Caller }, options: ShopOptions & { form: null }): Promise<Shop<null>>;
export async function russianShop(t: { call: Caller }, options?: ShopOptions): Promise<Shop>;
export async function russianShop({ call }: { call: Caller }, options: ShopOptions = {}): Promise<Shop<Output<'forms.create'> | null>> {
  await call('settings.update', { ...RUSSIAN_SHOP, ...options.settings });
  const staff: Output<'staff.add'>[] = [];
  for (const name of options.staff ?? []) staff.push(await call('staff.add', { name }));
  let form: Output<'forms.create'> | null = null;
  if (options.form === 'template') form = await call('forms.create', await call('forms.template', { language: 'ru' }));
  else if (options.form !== null) form = await call('forms.create', { ...RUSSIAN_FORM, ...options.form });
  let provider: string | null = null;
  if (options.provider) {
    const saved = await call('providers.save', { ...GATEWAY, ...(options.provider === true ? {} : options.provider) });
    provider = saved.name;
  }
  return { form, staff, provider };
}

export interface PaperGrant {
  /** The purposes signed for, one event each in this order; default marketing and personal data (what the ru pack needs). */
  purposes?: readonly Purpose[];
  /** The name written on the sheet; none by default. */
  name?: string;
  /** When it was signed (ISO); by default when it is entered. */
  occurredAt?: string;
  /** The sheet's serial; default S-000001. */
  sheetRef?: string;
}

/** A customer's signed paper form entered by hand: a `paper_form` grant per purpose on one channel, with the form and sheet as evidence. */
export async function grantPaper(
  call: Caller,
  phone: string,
  channel: Channel,
  form: number | { id: number },
  grant: PaperGrant = {},
): Promise<Output<'consent.record'>[]> {
  const formVersionId = typeof form === 'number' ? form : form.id;
  const recorded: Output<'consent.record'>[] = [];
  for (const purpose of grant.purposes ?? (['marketing', 'personal_data'] as const))
    recorded.push(
      await call('consent.record', {
        phone,
        channel,
        purpose,
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId, sheetRef: grant.sheetRef ?? 'S-000001' },
        ...(grant.name !== undefined ? { name: grant.name } : {}),
        ...(grant.occurredAt !== undefined ? { occurredAt: grant.occurredAt } : {}),
      }),
    );
  return recorded;
}

/**
 * A shop ({@link russianShop} with `options`) that sends through the gateway "gw" to a scripted provider taking every
 * message (at `rate` a second, 1,000 by default), on a test clock from `start` that the sender's pacing moves on.
 */
export async function scriptedShop(options: ShopOptions = {}, start = '2026-03-02T09:00:00Z', rate = 1000) {
  const provider = new ScriptedProvider(['sms', 'whatsapp'], () => ({ kind: 'accepted', providerMessageId: null }), rate);
  const clock = new TestClock(Date.parse(start));
  const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t, { provider: true, ...options });
  return { ...t, provider, form: form! };
}
