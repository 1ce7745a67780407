import QRCode from 'qrcode';

/** 'M' recovers from ~15 % damage: enough for a creased or smudged sheet while keeping the symbol small. */
const ERROR_CORRECTION = 'M';
/** The standard quiet zone, in modules, that scanners need around the symbol. */
export const QUIET_ZONE_MODULES = 4;

/** The QR code for `text` as a PNG image (`scale` pixels per module, `margin` modules of quiet zone). */
export async function qrPng(text: string, opts: { scale?: number; margin?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: ERROR_CORRECTION,
    scale: opts.scale ?? 8,
    margin: opts.margin ?? QUIET_ZONE_MODULES,
  });
}

/** The QR code for `text` as a standalone SVG document. */
export async function qrSvg(text: string, opts: { margin?: number } = {}): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: ERROR_CORRECTION, margin: opts.margin ?? QUIET_ZONE_MODULES });
}

/** A QR symbol sized for a PDF page; the caller keeps `quietZone` points clear on every side. */
export interface PdfQr {
  symbolSize: number;
  quietZone: number;
  /** Draws the symbol with its top-left corner at (x, y), painting the quiet zone white. */
  draw(doc: PDFKit.PDFDocument, x: number, y: number): void;
}

/** Lays out `text` as a vector QR symbol `symbolSize` points wide: sharper and smaller than an embedded image. */
export function pdfQr(text: string, symbolSize: number): PdfQr {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: ERROR_CORRECTION });
  const moduleSize = symbolSize / modules.size;
  const quietZone = QUIET_ZONE_MODULES * moduleSize;
  return {
    symbolSize,
    quietZone,
    draw(doc, x, y) {
      doc.save();
      doc.rect(x - quietZone, y - quietZone, symbolSize + 2 * quietZone, symbolSize + 2 * quietZone).fill('#ffffff');
      // One rectangle per horizontal run of dark modules: fewer path operations and no seams inside a run.
      for (let row = 0; row < modules.size; row++) {
        let col = 0;
        while (col < modules.size) {
          if (!modules.get(row, col)) {
            col++;
            continue;
          }
          const start = col;
          while (col < modules.size && modules.get(row, col)) col++;
          doc.rect(x + start * moduleSize, y + row * moduleSize, (col - start) * moduleSize, moduleSize);
        }
      }
      doc.fill('#000000');
      doc.restore();
    },
  };
}
