/**
 * Reads the PDFs the app prints, for tests, with what the project already ships: pdfjs-dist (its legacy build is
 * the one for Node) for text, metadata and rendering, drawn on @napi-rs/canvas — the canvas pdfjs-dist v5 installs
 * as its own optional dependency and loads by itself in Node. No poppler-utils, nothing outside node_modules.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

async function open<T>(path: string, use: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const doc = await getDocument({
    data: new Uint8Array(await readFile(path)),
    // Fonts the PDF names but does not embed, and CMaps for CJK text: both from pdfjs-dist's own folders.
    standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
    cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
    cMapPacked: true,
    verbosity: 0,
  }).promise;
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

/** One physical line: the glyph runs at (about) the same baseline, left to right. */
function layoutLines(items: TextItem[]): string[] {
  const runs = items
    .filter((item) => item.str !== '')
    .map((item) => ({
      str: item.str,
      x: item.transform[4]!,
      y: item.transform[5]!,
      width: item.width,
      size: Math.hypot(item.transform[2]!, item.transform[3]!) || 10,
    }))
    // Top of the page first (PDF y grows upwards), then left to right.
    .sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: (typeof runs)[] = [];
  for (const run of runs) {
    const line = lines[lines.length - 1];
    // Same line when the baselines are within a third of the font size (superscripts, mixed fonts).
    if (line && Math.abs(line[0]!.y - run.y) <= line[0]!.size / 3) line.push(run);
    else lines.push([run]);
  }
  return lines.map((line) => {
    line.sort((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    for (const run of line) {
      // A gap wider than a fifth of the font size is a word space that the PDF drew as a move, not a glyph.
      if (text !== '' && !/\s$/.test(text) && !/^\s/.test(run.str) && run.x - end > run.size * 0.2) text += ' ';
      text += run.str;
      end = run.x + run.width;
    }
    return text.trimEnd();
  });
}

/**
 * The text of every page, one string per page, lines separated by "\n".
 * `layout: true` (like poppler's text extraction in layout mode) orders the text by where it is on the page: lines top to bottom, each
 * left to right, so the cells of a table row come out on one line. Without it the text comes in the order the PDF
 * draws it (pdfjs-dist's own line breaks), as plain text extraction mostly does.
 */
export async function pdfText(path: string, options: { layout?: boolean } = {}): Promise<string[]> {
  return open(path, async (doc) => {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const items = content.items.filter((item): item is TextItem => 'str' in item);
      pages.push(
        options.layout
          ? layoutLines(items).join('\n')
          : items
              .map((item) => item.str + (item.hasEOL ? '\n' : ''))
              .join('')
              .trimEnd(),
      );
    }
    return pages;
  });
}

export interface PdfInfo {
  pages: number;
  /** Each page's size in points (its crop box, as poppler's info tool prints it), rounded to 2 decimals. */
  sizes: { width: number; height: number }[];
  title: string;
  creator: string;
}

/** Page count, page sizes and the document's Title and Creator. */
export async function pdfInfo(path: string): Promise<PdfInfo> {
  return open(path, async (doc) => {
    const { info } = (await doc.getMetadata()) as { info: { Title?: string; Creator?: string } };
    const sizes: PdfInfo['sizes'] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const [x0, y0, x1, y1] = (await doc.getPage(n)).view as [number, number, number, number];
      const round = (v: number) => Math.round(v * 100) / 100;
      sizes.push({ width: round(x1 - x0), height: round(y1 - y0) });
    }
    return { pages: doc.numPages, sizes, title: info.Title ?? '', creator: info.Creator ?? '' };
  });
}

/** `595.28 x 841.89`, as poppler's info tool prints a page size. */
export const sizeText = (size: { width: number; height: number }) => `${size.width} x ${size.height}`;

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, rows top to bottom: what jsQR and pngjs take. */
  data: Uint8ClampedArray;
}

/** What pdfjs-dist's Node canvas factory hands out (@napi-rs/canvas), as far as this file uses it. */
interface CanvasAndContext {
  canvas: unknown;
  context: {
    fillStyle: string;
    fillRect(x: number, y: number, width: number, height: number): void;
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  };
}

/** Renders page `page` (1-based) at `dpi` on a white background. */
export async function renderPage(path: string, page: number, dpi: number): Promise<Pixels> {
  return open(path, async (doc) => {
    if (page < 1 || page > doc.numPages) throw new Error(`${path}: no page ${page} (it has ${doc.numPages})`);
    const pdfPage = await doc.getPage(page);
    const viewport = pdfPage.getViewport({ scale: dpi / 72 });
    const width = Math.ceil(viewport.width);
    const height = Math.ceil(viewport.height);
    let target: CanvasAndContext;
    try {
      target = (doc.canvasFactory as { create(width: number, height: number): CanvasAndContext }).create(width, height);
    } catch (error) {
      throw new Error(
        `Cannot render PDF pages: @napi-rs/canvas (an optional dependency of pdfjs-dist) did not load on this platform — ${String(error)}`,
        { cause: error },
      );
    }
    const { context } = target;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    await pdfPage.render({ canvas: target.canvas as never, canvasContext: context as never, viewport }).promise;
    const image = context.getImageData(0, 0, width, height);
    return { width, height, data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length) };
  });
}
