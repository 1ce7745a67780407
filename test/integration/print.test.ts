import { describe, expect, it, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { maxGroupRows, qrPng, qrSvg, renderPoster, renderSheets, type PosterSpec, type SheetForm, type SheetSpec } from '../../electron/core/print';
import { formTemplate } from '../../shared/domain/forms/templates';
import { splitPersonalData } from '../../shared/domain/forms/documents';
import { getPolicyPack } from '../../shared/domain/policy/policy';
import { pdfInfo, pdfText, renderPage, sizeText, type Pixels } from '../support/pdf';

const work = mkdtempSync(join(tmpdir(), 'optin-print-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** Renders the issue asks to keep for review (test-results/ is gitignored). */
const RENDERS = fileURLToPath(new URL('../../test-results/renders/', import.meta.url));

let fileCount = 0;
function writePdf(pdf: Buffer, name: string): string {
  const file = join(work, `${++fileCount}-${name}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The text of each page in layout order, whitespace normalised. */
async function pageTexts(file: string): Promise<string[]> {
  // A line may break after the hyphen of "152-ФЗ" (the extracted text then has a space there).
  return (await pdfText(file, { layout: true })).map((page) => normalise(page).replace(/(\d)- (?=\p{L})/gu, '$1-'));
}

/** Renders every page at 150 dpi, in page order. */
async function pageImages(file: string): Promise<Pixels[]> {
  const { pages } = await pdfInfo(file);
  const images: Pixels[] = [];
  for (let page = 1; page <= pages; page++) images.push(await renderPage(file, page, 150));
  return images;
}

function decodeQr(image: Pixels | Buffer): string | undefined {
  const pixels = Buffer.isBuffer(image) ? PNG.sync.read(image) : image;
  const data = new Uint8ClampedArray(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length);
  return jsQR(data, pixels.width, pixels.height)?.data;
}

function keepRender(image: Pixels, name: string): void {
  mkdirSync(RENDERS, { recursive: true });
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  writeFileSync(join(RENDERS, `${name}.png`), PNG.sync.write(png));
}

const identityRu = { businessName: 'Лавка у дома', businessAddress: 'г. Пермь, ул. Ленина, д. 5', shopPhone: '+7 912 000-00-00' };
const identityEn = { businessName: 'Corner Shop', businessAddress: '12 High Street, Leeds', shopPhone: '+44 113 496 0000' };
const ruTemplate = formTemplate(getPolicyPack('ru'), 'ru', identityRu);
const enTemplate = formTemplate(getPolicyPack('uk'), 'en', identityEn);

const RU_FORM: SheetForm = {
  ...ruTemplate,
  code: 'F7-3',
  // Cyrillic with ё, №, an em dash and «quotes», which must all survive into the PDF text.
  body: `${ruTemplate.body}\n\nПодписчикам — ёлки и гирлянды со скидкой по купону № 12 до «31 декабря».`,
  sha256: '3f9a1c0b7e2d5a6c4b8e9f00112233445566778899aabbccddeeff0011223344',
  businessIdentity: `${identityRu.businessName}, ${identityRu.businessAddress}`,
};
const EN_FORM: SheetForm = {
  ...enTemplate,
  code: 'F2-1',
  purposes: ['marketing', 'service'],
  sha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  businessIdentity: identityEn.businessName,
};

const paragraphs = (body: string) => body.split(/\n\s*\n/).map(normalise);

function sheetSpec(overrides: Partial<SheetSpec> & Pick<SheetSpec, 'layout' | 'paper' | 'form'>): SheetSpec {
  const businessName = overrides.form.language === 'ru' ? identityRu.businessName : identityEn.businessName;
  return {
    businessName,
    rowsPerPage: 12,
    serials: ['S-000041', 'S-000042'],
    qrText: (serial) => `${overrides.form.code} ${serial}`,
    printedOn: '2026-11-24',
    ...overrides,
  };
}

/** Page sizes in points as poppler's info tool prints them (sizeText). */
const SIZE = { a4: '595.28 x 841.89', letter: '612 x 792', a5: '419.53 x 595.28' };

const sheetCases: { name: string; spec: SheetSpec; expected: string[] }[] = [
  {
    name: 'group-sheet-ru',
    spec: sheetSpec({ layout: 'group', paper: 'a4', form: RU_FORM }),
    expected: [
      '№ Имя Телефон SMS WhatsApp Реклама ПД Дата Подпись',
      '1 2 3 4 5 6 7 8 9 10 11 12',
      'Реклама Согласен(на) получать рекламу и предложения от продавца — «Лавка у дома»',
      'ПД Согласен(на) на обработку моих персональных данных на условиях, изложенных выше',
      'Отпечаток текста согласия (SHA-256): 3f9a1c0b7e2d',
      'Заполняет сотрудник: внесено в базу кем',
    ],
  },
  {
    name: 'group-sheet-en',
    spec: sheetSpec({ layout: 'group', paper: 'letter', form: EN_FORM, serials: ['S-000007'] }),
    expected: [
      'No. Name Phone SMS WhatsApp Marketing Service Date Signature',
      '1 2 3 4 5 6 7 8 9 10 11 12',
      'Marketing I agree to receive advertising and offers from Corner Shop',
      'Service I agree to receive service messages about my orders from Corner Shop',
      'Wording fingerprint (SHA-256): a1b2c3d4e5f6',
      'Filled in by staff: entered on by',
    ],
  },
  {
    name: 'individual-sheet-ru',
    spec: sheetSpec({ layout: 'individual', paper: 'letter', form: RU_FORM, serials: ['S-000100', 'S-000101', 'S-000102'] }),
    expected: [
      'Имя',
      'Телефон',
      'Отметьте, по каким каналам вы согласны получать сообщения SMS WhatsApp',
      'Согласен(на) получать рекламу и предложения от продавца — «Лавка у дома»',
      'Согласен(на) на обработку моих персональных данных на условиях, изложенных выше',
      'Подпись клиента',
      'Дата',
    ],
  },
  {
    name: 'individual-sheet-en',
    spec: sheetSpec({ layout: 'individual', paper: 'a4', form: { ...EN_FORM, channels: ['whatsapp'], purposes: ['marketing'] } }),
    expected: [
      'Name',
      'Phone',
      'Tick the channels you agree to WhatsApp',
      'I agree to receive advertising and offers from Corner Shop',
      "Customer's signature",
      'Date',
      'Filled in by staff: entered on by',
    ],
  },
];

describe('print: consent sheets', () => {
  it.each(sheetCases)('$name: full wording, serials, headers and a readable QR on every page', async ({ name, spec, expected }) => {
    const file = writePdf(await renderSheets(spec), name);

    const info = await pdfInfo(file);
    expect(info.pages).toBe(spec.serials.length);
    expect(info.sizes.map(sizeText)).toEqual(spec.serials.map(() => SIZE[spec.paper]));
    expect(info.title).toContain(spec.form.code);
    expect(info.title).toContain(spec.serials[0]);
    expect(info.title).toContain(spec.serials[spec.serials.length - 1]);
    expect(info.creator).toBe('Optin Desk');

    const pages = await pageTexts(file);
    expect(pages).toHaveLength(spec.serials.length);
    const ru = spec.form.language === 'ru';
    pages.forEach((text, index) => {
      expect(text).toContain(spec.businessName);
      expect(text).toContain(normalise(spec.form.title));
      expect(text).toContain(`${ru ? 'Форма' : 'Form'} ${spec.form.code}`);
      expect(text).toContain(`${ru ? 'Лист' : 'Sheet'} ${spec.serials[index]}`);
      expect(text).toContain(`${ru ? 'Страница' : 'Page'} ${index + 1}/${spec.serials.length}`);
      expect(text).toContain(ru ? 'Напечатано 24.11.2026' : 'Printed 2026-11-24');
      for (const paragraph of paragraphs(spec.form.body)) expect(text).toContain(paragraph);
      for (const phrase of expected) expect(text).toContain(phrase);
      if (ru) for (const cyrillic of ['ёлки', '№ 12', 'Подписчикам — ёлки', '«31 декабря»']) expect(text).toContain(cyrillic);
    });

    const images = await pageImages(file);
    expect(images).toHaveLength(spec.serials.length);
    images.forEach((image, index) => expect(decodeQr(image)).toBe(spec.qrText(spec.serials[index]!)));
    keepRender(images[0]!, name);
  });

  it('gives the same bytes for the same sheets', async () => {
    const spec = sheetSpec({ layout: 'group', paper: 'a4', form: RU_FORM });
    expect((await renderSheets(spec)).equals(await renderSheets(spec))).toBe(true);
  });

  it('refuses more group rows than fit under the wording, saying how many fit', async () => {
    const layout = { layout: 'group', paper: 'a4', form: RU_FORM, businessName: identityRu.businessName, printedOn: '2026-11-24' } as const;
    const fit = maxGroupRows(layout);
    expect(fit).toBeGreaterThanOrEqual(12);
    expect(fit).toBeLessThan(40);
    await expect(renderSheets(sheetSpec({ ...layout, rowsPerPage: fit }))).resolves.toBeInstanceOf(Buffer);
    await expect(renderSheets(sheetSpec({ ...layout, rowsPerPage: fit + 1 }))).rejects.toThrow(
      `rows: at most ${fit} rows fit on A4 with this wording`,
    );
    // Shorter wording leaves room for more rows, and Letter is shorter than A4.
    expect(maxGroupRows({ ...layout, form: { ...RU_FORM, body: 'Коротко.' } })).toBeGreaterThan(fit);
    expect(maxGroupRows({ ...layout, paper: 'letter' })).toBeLessThan(fit);
  });

  it('refuses a rows-per-page outside 1..40 and an empty serial list', async () => {
    await expect(renderSheets(sheetSpec({ layout: 'group', paper: 'a4', form: EN_FORM, rowsPerPage: 41 }))).rejects.toThrow(/rows/);
    await expect(renderSheets(sheetSpec({ layout: 'group', paper: 'a4', form: EN_FORM, rowsPerPage: 0 }))).rejects.toThrow(/rows/);
    await expect(renderSheets(sheetSpec({ layout: 'individual', paper: 'a4', form: EN_FORM, serials: [] }))).rejects.toThrow(/serials/);
  });
});

describe('print: the 152-FZ personal-data consent as its own document, and tear-off slips', () => {
  const split = splitPersonalData(RU_FORM.body)!;

  it('individual sheets: each customer gets the consent page and a separate personal-data page with its own serial and signature', async () => {
    const spec = sheetSpec({
      layout: 'individual',
      paper: 'a4',
      form: RU_FORM,
      serials: ['S-000041', 'S-000043'],
      personalData: { consentBody: split.consent, body: split.personalData, serials: ['S-000042', 'S-000044'] },
    });
    const file = writePdf(await renderSheets(spec), 'individual-ru-separate-pd');
    const pages = await pageTexts(file);
    expect(pages).toHaveLength(4);
    const [consent, pd] = pages as [string, string];
    // The consent page holds the advertising consent and not the personal-data text; its tick is for advertising only.
    expect(consent).toContain('Лист S-000041');
    expect(consent).toContain('1. Согласие на получение рекламы');
    expect(consent).not.toContain('Согласие на обработку персональных данных');
    expect(consent).not.toContain('Согласен(на) на обработку моих персональных данных');
    expect(consent).toContain('Подпись клиента');
    // The personal-data document: its own title, serial, wording, tick and signature, naming the sheet it goes with.
    expect(pd).toContain('Лист S-000042');
    expect(pd).toContain('Согласие на обработку персональных данных — отдельный документ');
    expect(pd).toContain('Дано вместе с листом согласия S-000041, отдельным документом');
    expect(pd).toContain(normalise(split.personalData.split('\n\n')[1]!).slice(0, 80));
    expect(pd).toContain('Согласен(на) на обработку моих персональных данных');
    expect(pd).toContain('Подпись клиента');
    expect(pd).not.toContain('Согласие на получение рекламы');
    expect(pages[2]).toContain('Лист S-000043');
    expect(pages[3]).toContain('Лист S-000044');
    expect(pages[3]).toContain('S-000043, отдельным');
    const images = await pageImages(file);
    expect(images.map((i) => decodeQr(i))).toEqual(['F7-3 S-000041', 'F7-3 S-000042', 'F7-3 S-000043', 'F7-3 S-000044']);
    keepRender(images[1]!, 'individual-ru-personal-data-page');
  });

  it('group sheets: the personal-data document is its own table page with its own serial', async () => {
    const spec = sheetSpec({
      layout: 'group',
      paper: 'a4',
      form: RU_FORM,
      serials: ['S-000050'],
      rowsPerPage: 10,
      personalData: { consentBody: split.consent, body: split.personalData, serials: ['S-000051'] },
    });
    const [consent, pd] = (await pageTexts(writePdf(await renderSheets(spec), 'group-ru-separate-pd'))) as [string, string];
    expect(consent).toContain('№ Имя Телефон SMS WhatsApp Дата Подпись');
    expect(consent).not.toContain('персональных данных');
    expect(pd).toContain('Лист S-000051');
    expect(pd).toContain('№ Имя Телефон ПД Дата Подпись');
    expect(pd).toContain('Поставьте отметку и распишитесь в своей строке');
  });

  it('slips: two per page with a cut line; under the ru pack the lower slip is the personal-data document', async () => {
    const ru = sheetSpec({
      layout: 'slip',
      paper: 'a4',
      form: RU_FORM,
      serials: ['S-000061'],
      personalData: { consentBody: split.consent, body: split.personalData, serials: ['S-000062'] },
    });
    const ruFile = writePdf(await renderSheets(ru), 'slip-ru');
    const [page] = (await pageTexts(ruFile)) as [string];
    expect((await pdfInfo(ruFile)).pages).toBe(1);
    expect(page).toContain('Лист S-000061');
    expect(page).toContain('Лист S-000062');
    expect(page).toContain('линия отреза — каждая часть является отдельным документом');
    expect(page.match(/Подпись клиента/g)).toHaveLength(2);
    // The consent slip comes first, then the personal-data slip below the cut.
    expect(page.indexOf('Лист S-000061')).toBeLessThan(page.indexOf('линия отреза'));
    expect(page.indexOf('линия отреза')).toBeLessThan(page.indexOf('Лист S-000062'));
    keepRender((await pageImages(ruFile))[0]!, 'slip-ru');

    const en = sheetSpec({ layout: 'slip', paper: 'a4', form: EN_FORM, serials: ['S-000001', 'S-000002', 'S-000003'] });
    const enFile = writePdf(await renderSheets(en), 'slip-en');
    const enPages = await pageTexts(enFile);
    expect(enPages).toHaveLength(2);
    expect(enPages[0]).toContain('Sheet S-000001');
    expect(enPages[0]).toContain('Sheet S-000002');
    expect(enPages[0]).toContain('cut here — each part is a separate document');
    expect(enPages[1]).toContain('Sheet S-000003');
    for (const paragraph of paragraphs(EN_FORM.body)) expect(enPages[0]).toContain(paragraph);
    keepRender((await pageImages(enFile))[0]!, 'slip-en');
  });
});

const waLink = `https://wa.me/79120000000?text=${encodeURIComponent('СТАРТ F7-3')}`;
const posterRu: PosterSpec = {
  paper: 'a4',
  language: 'ru',
  businessName: 'Лавка у дома',
  headline: 'Акции и новости Лавки у дома в WhatsApp',
  wording: 'Скидки, новинки и подарки к праздникам — не чаще 4 сообщений в неделю. Подписка бесплатная.',
  keywordText: 'СТАРТ F7-3',
  toNumber: '+7 912 000-00-00',
  channel: 'whatsapp',
  howToStop: 'Ответьте СТОП на любое сообщение — и мы больше не напишем.',
  qrText: waLink,
  formCode: 'F7-3',
};
const posterEn: PosterSpec = {
  paper: 'a5',
  language: 'en',
  businessName: 'Corner Shop',
  headline: 'Offers and news from Corner Shop by text',
  wording: 'Discounts, new arrivals and seasonal treats. No more than 4 messages a week. Msg & data rates may apply.',
  keywordText: 'START F2-1',
  toNumber: '+44 7700 900123',
  channel: 'sms',
  howToStop: 'Reply STOP at any time to unsubscribe.',
  qrText: 'SMSTO:+447700900123:START F2-1',
  formCode: 'F2-1',
};
const posterCases: { name: string; spec: PosterSpec; manual: string[] }[] = [
  { name: 'poster-ru', spec: posterRu, manual: ['или отправьте СТАРТ F7-3', 'на номер +7 912 000-00-00 в WhatsApp'] },
  { name: 'poster-en-a5-sms', spec: posterEn, manual: ['or send START F2-1', 'to +44 7700 900123 by text message'] },
  {
    name: 'poster-ru-a5-sms',
    spec: { ...posterRu, paper: 'a5', channel: 'sms', qrText: 'SMSTO:+79120000000:СТАРТ F7-3', headline: 'Акции Лавки у дома по SMS' },
    manual: ['на номер +7 912 000-00-00 по SMS'],
  },
  {
    name: 'poster-en-a4-whatsapp',
    spec: { ...posterEn, paper: 'a4', channel: 'whatsapp', qrText: 'https://wa.me/447700900123?text=START%20F2-1' },
    manual: ['to +44 7700 900123 on WhatsApp'],
  },
];

describe('print: posters', () => {
  it.each(posterCases)('$name: one page, the QR scans to the link, the words are all there', async ({ name, spec, manual }) => {
    const file = writePdf(await renderPoster(spec), name);
    const info = await pdfInfo(file);
    expect(info.pages).toBe(1);
    expect(info.sizes.map(sizeText)).toEqual([SIZE[spec.paper]]);
    expect(info.creator).toBe('Optin Desk');

    const [text] = await pageTexts(file);
    const ru = spec.language === 'ru';
    for (const phrase of [spec.businessName, spec.headline, spec.wording, spec.howToStop, ...manual]) expect(text).toContain(normalise(phrase));
    expect(text).toContain(ru ? 'Наведите камеру, чтобы подписаться' : 'Scan to subscribe');
    expect(text).toContain(`${ru ? 'Форма' : 'Form'} ${spec.formCode}`);

    const [image] = await pageImages(file);
    expect(decodeQr(image!)).toBe(spec.qrText);
    keepRender(image!, name);
  });
});

describe('print: QR images', () => {
  it('qrPng decodes back to a long wa.me link with percent-encoded Cyrillic', async () => {
    const link = `https://wa.me/79120000000?text=${encodeURIComponent('СТАРТ F7-3 — хочу получать акции и новости Лавки у дома, ёлки тоже')}`;
    expect(decodeQr(await qrPng(link))).toBe(link);
    expect(decodeQr(await qrPng('F7-3 S-000041', { scale: 4, margin: 4 }))).toBe('F7-3 S-000041');
  });

  it('qrPng honours scale and margin', async () => {
    // "F7-3 S-000041" fits version 1 (21 modules) at level M.
    const png = PNG.sync.read(await qrPng('F7-3 S-000041', { scale: 3, margin: 2 }));
    expect(png.width).toBe((21 + 2 * 2) * 3);
  });

  it('qrSvg returns an SVG document with the modules as path data', async () => {
    const svg = await qrSvg(waLink);
    expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).toMatch(/<path[^>]*\sd="M[^"]+"/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });
});
