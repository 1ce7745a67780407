import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { PrintLanguage } from './labels';

const require = createRequire(import.meta.url);

/** DejaVu covers Latin and Cyrillic (and №, «», —); embedded in every PDF so it prints the same everywhere. */
const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};

/** Registered font names. */
export const FONT = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' } as const;

/** Ink colours: near-black text, grey for secondary text and rules. */
export const INK = { text: '#1a1a1a', muted: '#5c5c5c', rule: '#9e9e9e', faintRule: '#c9c9c9', fill: '#f0f0f0' } as const;

/** Paper sizes in points, portrait. */
export const PAPER = {
  a4: { name: 'A4', width: 595.28, height: 841.89 },
  a5: { name: 'A5', width: 419.53, height: 595.28 },
  letter: { name: 'Letter', width: 612, height: 792 },
} as const;

/** Millimetres to PDF points. */
export function mm(millimetres: number): number {
  return (millimetres * 72) / 25.4;
}

/**
 * A document with the fonts registered and no automatic page breaks (margins 0: every
 * layout places its own content). `printedOn` (YYYY-MM-DD) fixes the creation date so
 * the same input gives the same bytes.
 */
export function createPdf(opts: { title: string; language: PrintLanguage; printedOn?: string }): PDFKit.PDFDocument {
  const printedDate = opts.printedOn && /^\d{4}-\d{2}-\d{2}$/.test(opts.printedOn) ? new Date(`${opts.printedOn}T00:00:00Z`) : undefined;
  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    font: FONT_FILES.regular,
    lang: opts.language,
    displayTitle: true,
    info: { Title: opts.title, Creator: 'Optin Desk', ...(printedDate ? { CreationDate: printedDate } : {}) },
  });
  doc.registerFont(FONT.regular, FONT_FILES.regular);
  doc.registerFont(FONT.bold, FONT_FILES.bold);
  return doc;
}

/** Finishes `doc` and collects its bytes. */
export function finishPdf(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
