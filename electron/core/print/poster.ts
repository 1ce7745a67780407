import { printLabels } from './labels';
import { createPdf, finishPdf, FONT, INK, mm, PAPER } from './pdf';
import { pdfQr } from './qr';

export interface PosterSpec {
  paper: 'a4' | 'a5';
  language: 'en' | 'ru';
  businessName: string;
  /** e.g. "Offers and news from Lavka on WhatsApp" */
  headline: string;
  /** the short wording: what they get, how often */
  wording: string;
  /** the message the customer sends, e.g. "START F7-3" */
  keywordText: string;
  /** the number to send it to, formatted for humans, e.g. "+7 912 000-00-00" */
  toNumber: string;
  channel: 'whatsapp' | 'sms';
  /** how to stop, e.g. "Reply STOP at any time to unsubscribe" */
  howToStop: string;
  /** what the big QR encodes (a wa.me link or an SMSTO: URI) */
  qrText: string;
  formCode: string;
}

/** Dark enough to read as grey on a black-and-white printer. */
const ACCENT = { whatsapp: '#0f7a5a', sms: '#1f4f8f' } as const;
const ACCENT_TINT = { whatsapp: '#e3f4ed', sms: '#e4ecf7' } as const;
/** The QR symbol itself, quiet zone not included: big enough to scan from a step away. */
const QR_SYMBOL_SIZE = { a4: mm(100), a5: mm(70) } as const;

interface Span {
  text: string;
  bold?: boolean;
  /** Set on a tinted pill, like a message bubble: what to type. */
  pill?: boolean;
}

interface Piece {
  height: number;
  draw(y: number): void;
}

/**
 * Greedy word wrap at `width` in the current font, keeping the text's own line breaks. Done here
 * rather than by pdfkit because pdfkit centres a wrapped line together with the space that ends it.
 */
function wrapLines(doc: PDFKit.PDFDocument, text: string, width: number): string[] {
  return text.split('\n').flatMap((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const longer = line ? `${line} ${word}` : word;
      if (line && doc.widthOfString(longer) > width) {
        lines.push(line);
        line = word;
      } else {
        line = longer;
      }
    }
    return [...lines, line];
  });
}

/** The narrowest wrapping that keeps the line count: centred lines of similar length, not a long line over a stray word. */
function balancedLines(doc: PDFKit.PDFDocument, text: string, maxWidth: number): string[] {
  const lineCount = wrapLines(doc, text, maxWidth).length;
  let narrow = maxWidth / 2;
  let wide = maxWidth;
  for (let step = 0; step < 12; step++) {
    const middle = (narrow + wide) / 2;
    if (wrapLines(doc, text, middle).length > lineCount) narrow = middle;
    else wide = middle;
  }
  return wrapLines(doc, text, wide);
}

/** Pieces that belong together, drawn one under the other `gap` apart. */
function together(pieces: Piece[], gap: number): Piece {
  return {
    height: pieces.reduce((sum, p) => sum + p.height, 0) + gap * (pieces.length - 1),
    draw(y) {
      for (const piece of pieces) {
        piece.draw(y);
        y += piece.height + gap;
      }
    },
  };
}

/** A one-page in-shop poster: the big QR, what the customer gets, the manual alternative and how to stop. */
export async function renderPoster(spec: PosterSpec): Promise<Buffer> {
  const paper = PAPER[spec.paper];
  const labels = printLabels(spec.language);
  const scale = paper.width / PAPER.a4.width;
  const accent = ACCENT[spec.channel];
  const margin = mm(spec.paper === 'a4' ? 15 : 11);
  const width = paper.width - 2 * margin;
  const centre = paper.width / 2;
  const doc = createPdf({ title: `${spec.headline} — ${spec.formCode}`, language: spec.language });
  doc.addPage({ size: [paper.width, paper.height], margin: 0 });

  /** Centred text, its lines balanced; a word too long for the width makes the whole text smaller. */
  const block = (text: string, font: string, baseSize: number, color: string, maxWidth = width): Piece => {
    doc.font(font).fontSize(baseSize);
    const longestWord = Math.max(...text.split(/\s+/).map((word) => doc.widthOfString(word)));
    const size = Math.min(baseSize, (baseSize * maxWidth) / longestWord);
    doc.fontSize(size);
    const lines = balancedLines(doc, text, maxWidth);
    const lineHeight = doc.currentLineHeight(true) + size * 0.15;
    return {
      height: lines.length * lineHeight,
      draw(y) {
        doc.font(font).fontSize(size).fillColor(color);
        lines.forEach((line, index) => doc.text(line, centre - doc.widthOfString(line) / 2, y + index * lineHeight, { lineBreak: false }));
      },
    };
  };

  /** Centred spans on one line, shrunk to fit the width if the number or keyword is long. */
  const spanLine = (spans: Span[], baseSize: number): Piece => {
    const pillPad = baseSize * 0.45;
    const spanWidth = (span: Span, size: number) => {
      doc.font(span.bold ? FONT.bold : FONT.regular).fontSize(size);
      return doc.widthOfString(span.text) + (span.pill ? 2 * pillPad : 0);
    };
    const measure = (size: number) => spans.reduce((sum, span) => sum + spanWidth(span, size), 0) + size * 0.35 * (spans.length - 1);
    const size = Math.min(baseSize, (baseSize * width) / measure(baseSize));
    const lineHeight = size * 1.9;
    return {
      height: lineHeight,
      draw(y) {
        const gap = size * 0.35;
        let x = centre - measure(size) / 2;
        const textY = y + (lineHeight - size * 1.16) / 2;
        for (const span of spans) {
          const boxWidth = spanWidth(span, size);
          if (span.pill) {
            doc
              .save()
              .roundedRect(x, y, boxWidth, lineHeight, lineHeight / 2)
              .fill(ACCENT_TINT[spec.channel])
              .restore();
          }
          doc.fillColor(span.pill ? accent : INK.text).text(span.text, span.pill ? x + pillPad : x, textY, { lineBreak: false });
          x += boxWidth + gap;
        }
      },
    };
  };

  // The banner names the shop; everything else is stacked and centred between it and the small print.
  // A long legal name gets a smaller size and a taller banner rather than spilling out of it.
  const bannerName = [20, 17, 14, 12]
    .map((size) => block(spec.businessName, FONT.bold, size * scale, '#ffffff', width - mm(10) * scale))
    .find((name, index, all) => name.height <= mm(14) * scale || index === all.length - 1)!;
  const bannerHeight = Math.max(mm(18) * scale, bannerName.height + mm(6) * scale);
  const footerSize = 7 * scale;
  const footerY = paper.height - margin - footerSize * 1.2;
  const contentTop = margin + bannerHeight + mm(6) * scale;
  const contentSpace = footerY - mm(4) * scale - contentTop;

  const qr = pdfQr(spec.qrText, QR_SYMBOL_SIZE[spec.paper]);
  const qrFrame = qr.symbolSize + 2 * qr.quietZone + mm(4) * scale;
  const qrPiece: Piece = {
    height: qrFrame,
    draw(y) {
      doc
        .save()
        .roundedRect(centre - qrFrame / 2, y, qrFrame, qrFrame, mm(4) * scale)
        .lineWidth(2.5 * scale)
        .strokeColor(accent)
        .stroke()
        .restore();
      qr.draw(doc, centre - qr.symbolSize / 2, y + (qrFrame - qr.symbolSize) / 2);
    },
  };

  const manual = together(
    [
      spanLine([{ text: labels.poster.orSend }, { text: spec.keywordText, bold: true, pill: true }], 13 * scale),
      spanLine([{ text: labels.poster.to }, { text: spec.toNumber, bold: true }, { text: labels.poster.onChannel[spec.channel] }], 13 * scale),
    ],
    mm(1) * scale,
  );

  /** The pieces with the headline and wording at `textScale` of their full size. */
  const layout = (textScale: number): Piece[] => {
    const wordingSize = 12 * scale * textScale;
    return [
      block(spec.headline, FONT.bold, 26 * scale * textScale, INK.text),
      qrPiece,
      block(labels.poster.scanToSubscribe, FONT.bold, 17 * scale, accent),
      manual,
      block(spec.wording, FONT.regular, wordingSize, INK.text, width - mm(16) * scale),
      together(
        [
          block(labels.poster.howToStop, FONT.bold, wordingSize * 0.9, INK.muted),
          block(spec.howToStop, FONT.regular, wordingSize * 0.9, INK.muted, width - mm(16) * scale),
        ],
        mm(0.5),
      ),
    ];
  };
  const heightOf = (pieces: Piece[]) => pieces.reduce((sum, p) => sum + p.height, 0);
  const pieces = [1, 0.92, 0.84, 0.76, 0.68].map(layout).find((p) => heightOf(p) + mm(2) * (p.length - 1) <= contentSpace);
  if (!pieces) throw new Error(`wording: the headline and wording are too long to fit on an ${paper.name} poster`);

  doc
    .save()
    .roundedRect(margin, margin, width, bannerHeight, mm(3) * scale)
    .fill(accent)
    .restore();
  bannerName.draw(margin + (bannerHeight - bannerName.height) / 2 + 1);

  // Spread the spare height between the pieces, but not so much that they drift apart.
  const spare = contentSpace - heightOf(pieces);
  const gaps = pieces.length - 1;
  const gap = Math.min(mm(9) * scale, spare / gaps);
  let y = contentTop + (spare - gap * gaps) / 2;
  for (const piece of pieces) {
    piece.draw(y);
    y += piece.height + gap;
  }

  doc.font(FONT.regular).fontSize(footerSize).fillColor(INK.muted);
  doc.text(`${labels.form} ${spec.formCode}`, margin, footerY, { width, align: 'center', lineBreak: false });
  return finishPdf(doc);
}
