import { useEffect, useRef, useState } from 'react';
import { Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

// The worker is bundled with the app and served from our own origin (the CSP allows nothing else).
pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

function open(bytes: Uint8Array) {
  // pdf.js hands the buffer to its worker; keep the caller's copy intact.
  return pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false }).promise;
}

/** Render every page of a PDF at a scale; each page as a canvas. */
async function renderPages(
  bytes: Uint8Array,
  scaleFor: (widthPt: number) => number,
): Promise<{ canvas: HTMLCanvasElement; widthPt: number; heightPt: number }[]> {
  const doc = await open(bytes);
  try {
    const pages = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: scaleFor(base.width) });
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport }).promise;
      pages.push({ canvas, widthPt: base.width, heightPt: base.height });
    }
    return pages;
  } finally {
    void doc.destroy();
  }
}

/** The pages of a PDF as they will print, drawn in the app (no PDF plug-in needed in Electron or a browser). */
export function PdfPreview({ bytes, width = 640, label }: { bytes: Uint8Array; width?: number; label: string }) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  // What has been drawn, and for which bytes: a new PDF shows the loader until its pages are in.
  const [drawn, setDrawn] = useState<{ bytes: Uint8Array; pages: number | null } | null>(null);
  const pages = drawn?.bytes === bytes ? drawn.pages : null;
  const failed = drawn?.bytes === bytes && drawn.pages === null;

  useEffect(() => {
    let cancelled = false;
    renderPages(bytes, (w) => (width / w) * (window.devicePixelRatio || 1))
      .then((rendered) => {
        if (cancelled || !host.current) return;
        host.current.replaceChildren(
          ...rendered.map(({ canvas }, i) => {
            canvas.style.width = `${width}px`;
            canvas.className = 'pdf-page';
            canvas.setAttribute('aria-label', `${label} ${i + 1}`);
            canvas.dataset.testid = 'pdf-page';
            return canvas;
          }),
        );
        setDrawn({ bytes, pages: rendered.length });
      })
      .catch((err: unknown) => {
        console.warn('[pdf preview]', err instanceof Error ? err.message : err);
        if (!cancelled) setDrawn({ bytes, pages: null });
      });
    return () => {
      cancelled = true;
    };
  }, [bytes, width, label]);

  return (
    <Stack gap="xs" align="center">
      {pages === null && !failed && <Loader size="sm" />}
      {failed && <Text c="red">{t('forms.previewFailed')}</Text>}
      <div ref={host} className="pdf-preview" data-testid="pdf-preview" data-pages={pages ?? 0} />
    </Stack>
  );
}

const PAPER_SIZES: [string, number, number][] = [
  ['A4', 595.28, 841.89],
  ['A5', 419.53, 595.28],
  ['letter', 612, 792],
];

/**
 * Print a PDF through the system print dialog (Electron) or the browser's: its pages are drawn at print
 * resolution into a print-only layer of this window, and the page size is set to the PDF's own.
 */
export async function printPdf(bytes: Uint8Array): Promise<void> {
  // ~200 dpi: sharp text and QR codes, modest memory.
  const pages = await renderPages(bytes, () => 200 / 72);
  const first = pages[0];
  if (!first) return;
  const size =
    PAPER_SIZES.find(([, w, h]) => Math.abs(w - first.widthPt) < 2 && Math.abs(h - first.heightPt) < 2)?.[0] ??
    `${first.widthPt}pt ${first.heightPt}pt`;
  const layer = document.createElement('div');
  layer.id = 'print-layer';
  for (const { canvas } of pages) {
    const img = document.createElement('img');
    img.src = canvas.toDataURL('image/png');
    layer.appendChild(img);
  }
  const style = document.createElement('style');
  style.textContent = `@page { size: ${size}; margin: 0 }`;
  document.head.appendChild(style);
  document.body.appendChild(layer);
  const cleanup = () => {
    layer.remove();
    style.remove();
  };
  window.addEventListener('afterprint', cleanup, { once: true });
  // Let the images decode before the dialog snapshots the page.
  await Promise.all([...layer.querySelectorAll('img')].map((img) => img.decode().catch(() => undefined)));
  window.print();
}
