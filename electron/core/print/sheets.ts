import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import { printLabels, type PrintLabels } from './labels';
import { createPdf, finishPdf, FONT, INK, mm, PAPER } from './pdf';
import { pdfQr } from './qr';

export type SheetPaper = 'a4' | 'letter';

/** The form version whose wording the sheet carries. */
export interface SheetForm {
  code: string;
  title: string;
  body: string;
  sha256: string;
  language: 'en' | 'ru';
  channels: Channel[];
  purposes: Purpose[];
  businessIdentity: string;
}

export interface SheetSpec {
  /** slip: two tear-off slips a page, each one customer's own document with its own serial. */
  layout: 'individual' | 'group' | 'slip';
  paper: SheetPaper;
  form: SheetForm;
  businessName: string;
  /** group: rows per page (1..40); individual: ignored (one customer per page) */
  rowsPerPage: number;
  /** one page per serial, in order, e.g. ['S-000041', 'S-000042'] */
  serials: string[];
  /** what each page's QR encodes, given its serial (the caller passes e.g. s => `F7-3 ${s}`) */
  qrText: (serial: string) => string;
  /** printed date line, already formatted by the caller, e.g. '2026-11-24' */
  printedOn: string;
  /**
   * The personal-data consent as a document of its own (152-FZ since 1 September 2025): the wording split in two,
   * and one serial per sheet for its personal-data document, in the order of `serials`.
   */
  personalData?: { consentBody: string; body: string; serials: string[] } | undefined;
}

type LayoutSpec = Omit<SheetSpec, 'rowsPerPage' | 'serials' | 'qrText' | 'personalData'>;

const MARGIN = mm(13);
const MAX_GROUP_ROWS = 40;
/** Handwriting needs at least 8 mm a row; more than 11 mm just looks empty. */
const MIN_ROW_HEIGHT = mm(8);
const MAX_ROW_HEIGHT = mm(11);
/** Largest wording size first: the first one that fits is used. */
const GROUP_WORDING_SIZES = [9.5, 9, 8.5, 8];
const INDIVIDUAL_WORDING_SIZES = [10.5, 10, 9.5, 9, 8.5, 8];
/** A slip is half a page: its wording may go a little smaller (7 pt DejaVu Sans still reads at arm's length). */
const SLIP_WORDING_SIZES = [9, 8.5, 8, 7.5, 7];
const QR_SYMBOL_SIZE = mm(23);
/** Clear space left of and below the QR symbol: at least the 4-module quiet zone of any QR version at this size. */
const QR_CLEARANCE = mm(5);
const SECTION_GAP = mm(4);
const FOOTER_HEIGHT = mm(8);
/** Space between the parts of an individual sheet (name and phone, channels, purposes, signature). */
const MIN_PART_GAP = mm(6);
const MAX_PART_GAP = mm(11);

/** The printable area of a page. */
interface Frame {
  left: number;
  top: number;
  width: number;
  bottom: number;
}

/** Something laid out for its width: its height is known before it is drawn at `y`. */
interface Block {
  height: number;
  draw(y: number): void;
}

interface TextStyle {
  font: string;
  size: number;
  color?: string;
  lineGap?: number;
  align?: 'left' | 'center' | 'right';
}

function frameFor(paper: SheetPaper): Frame {
  const { width, height } = PAPER[paper];
  return { left: MARGIN, top: MARGIN, width: width - 2 * MARGIN, bottom: height - MARGIN };
}

function applyStyle(doc: PDFKit.PDFDocument, style: TextStyle): void {
  doc
    .font(style.font)
    .fontSize(style.size)
    .fillColor(style.color ?? INK.text);
}

function textHeight(doc: PDFKit.PDFDocument, text: string, width: number, style: TextStyle): number {
  applyStyle(doc, style);
  return doc.heightOfString(text, { width, lineGap: style.lineGap ?? 0, align: style.align ?? 'left' });
}

function writeText(doc: PDFKit.PDFDocument, text: string, x: number, y: number, width: number, style: TextStyle): void {
  applyStyle(doc, style);
  doc.text(text, x, y, { width, lineGap: style.lineGap ?? 0, align: style.align ?? 'left' });
}

/** One line that never wraps (codes, serials, labels). */
function writeLine(doc: PDFKit.PDFDocument, text: string, x: number, y: number, style: TextStyle, width?: number): void {
  applyStyle(doc, style);
  doc.text(text, x, y, { lineBreak: false, ...(width === undefined ? {} : { width, align: style.align ?? 'left' }) });
}

function lineHeight(doc: PDFKit.PDFDocument, style: TextStyle): number {
  applyStyle(doc, style);
  return doc.currentLineHeight(true);
}

function hRule(doc: PDFKit.PDFDocument, x1: number, x2: number, y: number, color: string = INK.rule, width = 0.5): void {
  doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
}

function tickBox(doc: PDFKit.PDFDocument, x: number, y: number, size: number): void {
  doc.save().rect(x, y, size, size).lineWidth(0.8).strokeColor(INK.text).stroke().restore();
}

function stack(blocks: Block[], gap: number): Block {
  return {
    height: blocks.reduce((sum, b) => sum + b.height, 0) + gap * Math.max(0, blocks.length - 1),
    draw(y) {
      for (const block of blocks) {
        block.draw(y);
        y += block.height + gap;
      }
    },
  };
}

interface PageIdentity {
  serial: string;
  pageNumber: number;
  pageCount: number;
  qrText: string;
}

/** Business, form and sheet on the left; the QR in the top-right corner (its top and right quiet zone fall in the margin). */
function header(
  doc: PDFKit.PDFDocument,
  frame: Frame,
  spec: LayoutSpec,
  labels: PrintLabels,
): { height: number; draw(y: number, page: PageIdentity): void } {
  const textWidth = frame.width - QR_SYMBOL_SIZE - QR_CLEARANCE - mm(2);
  const business: TextStyle = { font: FONT.bold, size: 13 };
  const title: TextStyle = { font: FONT.regular, size: 10.5 };
  const ids: TextStyle = { font: FONT.bold, size: 9 };
  const meta: TextStyle = { font: FONT.regular, size: 8, color: INK.muted };
  const businessHeight = textHeight(doc, spec.businessName, textWidth, business);
  const titleHeight = textHeight(doc, spec.form.title, textWidth, title);
  const idsHeight = lineHeight(doc, ids);
  const textBlockHeight = businessHeight + mm(0.5) + titleHeight + mm(2) + idsHeight + mm(0.5) + lineHeight(doc, meta);
  return {
    height: Math.max(textBlockHeight, QR_SYMBOL_SIZE + QR_CLEARANCE),
    draw(y, page) {
      let ty = y;
      writeText(doc, spec.businessName, frame.left, ty, textWidth, business);
      ty += businessHeight + mm(0.5);
      writeText(doc, spec.form.title, frame.left, ty, textWidth, title);
      ty += titleHeight + mm(2);
      writeLine(doc, `${labels.form} ${spec.form.code}     ${labels.sheet} ${page.serial}`, frame.left, ty, ids);
      ty += idsHeight + mm(0.5);
      // The day as the sheet's readers write days (24.11.2026 on a Russian sheet; an English one keeps 2026-11-24).
      const printed = spec.form.language === 'ru' ? spec.printedOn.split('-').reverse().join('.') : spec.printedOn;
      writeLine(doc, `${labels.page} ${page.pageNumber}/${page.pageCount}   ·   ${labels.printed} ${printed}`, frame.left, ty, meta);
      pdfQr(page.qrText, QR_SYMBOL_SIZE).draw(doc, frame.left + frame.width - QR_SYMBOL_SIZE, y);
    },
  };
}

/** A short single-line paragraph without closing punctuation is a heading ("1. Consent to receive advertising"). */
function isHeading(paragraph: string): boolean {
  return paragraph.length <= 90 && !paragraph.includes('\n') && !/[.;:,)»"]$/.test(paragraph);
}

/** The full wording, paragraph by paragraph, then its fingerprint in small print. */
function wording(doc: PDFKit.PDFDocument, frame: Frame, form: SheetForm, labels: PrintLabels, size: number): Block {
  const paragraphs = form.body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const paragraphGap = size * 0.45;
  const blocks = paragraphs.map((paragraph): Block => {
    const style: TextStyle = isHeading(paragraph)
      ? { font: FONT.bold, size, lineGap: size * 0.2 }
      : { font: FONT.regular, size, lineGap: size * 0.2 };
    return {
      height: textHeight(doc, paragraph, frame.width, style),
      draw: (y) => writeText(doc, paragraph, frame.left, y, frame.width, style),
    };
  });
  const fingerprintStyle: TextStyle = { font: FONT.regular, size: 6.5, color: INK.muted };
  const fingerprint = `${labels.wordingFingerprint}: ${form.sha256.slice(0, 12)}`;
  blocks.push({
    height: lineHeight(doc, fingerprintStyle),
    draw: (y) => writeLine(doc, fingerprint, frame.left, y, fingerprintStyle),
  });
  return stack(blocks, paragraphGap);
}

/** Purpose statements in a hanging list: the label (or a dash) on the left, the statement wrapping on the right. */
function statements(doc: PDFKit.PDFDocument, frame: Frame, items: { label: string; text: string }[], size: number): Block {
  const labelStyle: TextStyle = { font: FONT.bold, size };
  const textStyle: TextStyle = { font: FONT.regular, size, lineGap: size * 0.15 };
  applyStyle(doc, labelStyle);
  const labelWidth = Math.max(...items.map((i) => doc.widthOfString(i.label))) + mm(2.5);
  const indent = mm(3);
  const textWidth = frame.width - indent - labelWidth;
  return stack(
    items.map((item) => ({
      height: textHeight(doc, item.text, textWidth, textStyle),
      draw(y) {
        writeLine(doc, item.label, frame.left + indent, y, labelStyle);
        writeText(doc, item.text, frame.left + indent + labelWidth, y, textWidth, textStyle);
      },
    })),
    mm(1),
  );
}

/** The staff line at the foot of the page, with blanks to write on. */
function staffFooter(doc: PDFKit.PDFDocument, frame: Frame, labels: PrintLabels): Block {
  const lead: TextStyle = { font: FONT.bold, size: 7.5, color: INK.muted };
  const words: TextStyle = { font: FONT.regular, size: 7.5, color: INK.muted };
  return {
    height: FOOTER_HEIGHT,
    draw(y) {
      hRule(doc, frame.left, frame.left + frame.width, y, INK.faintRule);
      const baselineY = y + FOOTER_HEIGHT - mm(1);
      const textY = baselineY - lineHeight(doc, words) + mm(0.6);
      let x = frame.left;
      const say = (text: string, style: TextStyle) => {
        writeLine(doc, text, x, textY, style);
        x += doc.widthOfString(text) + mm(1.5);
      };
      const blank = (length: number) => {
        hRule(doc, x, x + length, baselineY, INK.rule);
        x += length + mm(1.5);
      };
      say(labels.staff.filledInByStaff, lead);
      say(labels.staff.enteredOn, words);
      blank(mm(28));
      say(labels.staff.by, words);
      blank(mm(45));
    },
  };
}

interface TableColumn {
  header: string;
  width: number;
  kind: 'number' | 'write' | 'tick';
}

function groupColumns(doc: PDFKit.PDFDocument, frame: Frame, form: SheetForm, labels: PrintLabels, headerStyle: TextStyle): TableColumn[] {
  applyStyle(doc, headerStyle);
  const tick = (header: string): TableColumn => ({ header, width: Math.max(mm(11), doc.widthOfString(header) + mm(3)), kind: 'tick' });
  // Several purposes each get a column; the separate personal-data document (no channels) gets its own tick too.
  const purposeTicks = form.purposes.length > 1 || form.channels.length === 0 ? form.purposes.map((p) => tick(labels.purposeColumn[p])) : [];
  const columns: TableColumn[] = [
    { header: labels.columns.number, width: mm(8), kind: 'number' },
    { header: labels.columns.name, width: 0, kind: 'write' },
    { header: labels.columns.phone, width: mm(32), kind: 'write' },
    ...form.channels.map((c) => tick(labels.channel[c])),
    ...purposeTicks,
    { header: labels.columns.date, width: mm(19), kind: 'write' },
    { header: labels.columns.signature, width: mm(30), kind: 'write' },
  ];
  const name = columns[1]!;
  name.width = frame.width - columns.reduce((sum, c) => sum + c.width, 0);
  return columns;
}

/** The group section laid out with `wordingSize`: how many rows fit, and how to draw `rows` of them. */
function groupLayout(doc: PDFKit.PDFDocument, spec: LayoutSpec, wordingSize: number) {
  const frame = frameFor(spec.paper);
  const labels = printLabels(spec.form.language);
  const top = header(doc, frame, spec, labels);
  const text = wording(doc, frame, spec.form, labels, wordingSize);
  const several = spec.form.purposes.length > 1;
  const introStyle: TextStyle = { font: FONT.bold, size: wordingSize };
  const intro = spec.form.channels.length === 0 ? labels.personalData.groupSign : several ? labels.groupTickEachPurpose : labels.groupSignConfirms;
  const introHeight = textHeight(doc, intro, frame.width, introStyle);
  const purposeList = statements(
    doc,
    frame,
    spec.form.purposes.map((p) => ({ label: several ? labels.purposeColumn[p] : '—', text: labels.purposeStatement[p](spec.businessName) })),
    wordingSize,
  );
  const headerStyle: TextStyle = { font: FONT.bold, size: 7.5 };
  const columns = groupColumns(doc, frame, spec.form, labels, headerStyle);
  const headerRowHeight = Math.max(mm(6.5), ...columns.map((c) => textHeight(doc, c.header, c.width - mm(2), headerStyle) + mm(2.5)));
  const footer = staffFooter(doc, frame, labels);

  const textTop = frame.top + top.height + SECTION_GAP;
  const introTop = textTop + text.height + SECTION_GAP;
  const purposeListTop = introTop + introHeight + mm(1.5);
  const tableTop = purposeListTop + purposeList.height + mm(3);
  const rowSpace = frame.bottom - footer.height - mm(3) - tableTop - headerRowHeight;
  const fit = Math.min(MAX_GROUP_ROWS, Math.max(0, Math.floor(rowSpace / MIN_ROW_HEIGHT)));

  const drawTable = (rows: number) => {
    const rowHeight = Math.min(MAX_ROW_HEIGHT, rowSpace / rows);
    const tableBottom = tableTop + headerRowHeight + rows * rowHeight;
    const right = frame.left + frame.width;
    doc.save().rect(frame.left, tableTop, frame.width, headerRowHeight).fill(INK.fill).restore();
    let x = frame.left;
    for (const column of columns) {
      const labelHeight = textHeight(doc, column.header, column.width - mm(2), headerStyle);
      const align = column.kind === 'write' ? 'left' : 'center';
      writeText(doc, column.header, x + mm(1), tableTop + (headerRowHeight - labelHeight) / 2 + 1, column.width - mm(2), { ...headerStyle, align });
      x += column.width;
    }
    const numberStyle: TextStyle = { font: FONT.regular, size: 8, color: INK.muted, align: 'center' };
    const boxSize = mm(3.8);
    for (let row = 0; row < rows; row++) {
      const rowTop = tableTop + headerRowHeight + row * rowHeight;
      x = frame.left;
      for (const column of columns) {
        if (column.kind === 'number') writeLine(doc, String(row + 1), x, rowTop + rowHeight / 2 - 4.5, numberStyle, column.width);
        if (column.kind === 'tick') tickBox(doc, x + (column.width - boxSize) / 2, rowTop + (rowHeight - boxSize) / 2, boxSize);
        x += column.width;
      }
      if (row > 0) hRule(doc, frame.left, right, rowTop, INK.faintRule);
    }
    x = frame.left;
    for (const column of columns.slice(0, -1)) {
      x += column.width;
      doc.save().moveTo(x, tableTop).lineTo(x, tableBottom).lineWidth(0.5).strokeColor(INK.faintRule).stroke().restore();
    }
    hRule(doc, frame.left, right, tableTop + headerRowHeight, INK.rule, 0.6);
    doc
      .save()
      .rect(frame.left, tableTop, frame.width, tableBottom - tableTop)
      .lineWidth(0.8)
      .strokeColor(INK.rule)
      .stroke()
      .restore();
  };

  return {
    fit,
    drawPage(page: PageIdentity, rows: number) {
      top.draw(frame.top, page);
      hRule(doc, frame.left, frame.left + frame.width, textTop - SECTION_GAP / 2, INK.rule);
      text.draw(textTop);
      writeText(doc, intro, frame.left, introTop, frame.width, introStyle);
      purposeList.draw(purposeListTop);
      drawTable(rows);
      footer.draw(frame.bottom - footer.height);
    },
  };
}

/** A label followed by a line to write on, from `x` to `x + width`, the line at `baselineY`. */
function writeField(doc: PDFKit.PDFDocument, label: string, x: number, baselineY: number, width: number): void {
  const style: TextStyle = { font: FONT.regular, size: 9, color: INK.muted };
  applyStyle(doc, style);
  const labelWidth = doc.widthOfString(label);
  writeLine(doc, label, x, baselineY - doc.currentLineHeight() + mm(0.8), style);
  hRule(doc, x + labelWidth + mm(2), x + width, baselineY, INK.rule, 0.6);
}

/**
 * The individual section with `wordingSize`: its total height and how to draw it. `frame` is the page, or half of
 * it for a tear-off slip (`compact`: tighter fields and signature box). A form without channels (the separate
 * personal-data document) has no channel boxes.
 */
function individualLayout(doc: PDFKit.PDFDocument, spec: LayoutSpec, wordingSize: number, frame = frameFor(spec.paper), compact = false) {
  const labels = printLabels(spec.form.language);
  const top = header(doc, frame, spec, labels);
  const text = wording(doc, frame, spec.form, labels, wordingSize);
  const footer = staffFooter(doc, frame, labels);
  const right = frame.left + frame.width;
  const headingStyle: TextStyle = { font: FONT.bold, size: compact ? 8.5 : 9.5 };
  const boxSize = mm(compact ? 4 : 4.5);
  const fieldRow = mm(compact ? 8 : 10);

  // On a slip the name and the phone share one line.
  const fields: Block = compact
    ? {
        height: fieldRow,
        draw(y) {
          writeField(doc, labels.columns.name, frame.left, y + fieldRow - mm(1.5), frame.width * 0.55);
          writeField(doc, labels.columns.phone, frame.left + frame.width * 0.58, y + fieldRow - mm(1.5), frame.width * 0.42);
        },
      }
    : {
        height: 2 * fieldRow,
        draw(y) {
          writeField(doc, labels.columns.name, frame.left, y + fieldRow - mm(1.5), frame.width);
          writeField(doc, labels.columns.phone, frame.left, y + 2 * fieldRow - mm(1.5), frame.width * 0.55);
        },
      };

  const channelLabel: TextStyle = { font: FONT.regular, size: 10 };
  const channelsHeadingHeight = textHeight(doc, labels.tickChannels, frame.width, headingStyle);
  const channels: Block = {
    height: channelsHeadingHeight + mm(2) + boxSize,
    draw(y) {
      writeText(doc, labels.tickChannels, frame.left, y, frame.width, headingStyle);
      const boxY = y + channelsHeadingHeight + mm(2);
      let x = frame.left + mm(1);
      for (const channel of spec.form.channels) {
        tickBox(doc, x, boxY, boxSize);
        x += boxSize + mm(2);
        writeLine(doc, labels.channel[channel], x, boxY + (boxSize - lineHeight(doc, channelLabel)) / 2 + 1, channelLabel);
        x += doc.widthOfString(labels.channel[channel]) + mm(12);
      }
    },
  };

  // Each purpose is its own framed item with its own box: Russian law wants advertising and personal-data consent ticked separately.
  const itemStyle: TextStyle = { font: FONT.regular, size: compact ? 9 : 10, lineGap: 1.5 };
  const padding = mm(compact ? 1.8 : 2.5);
  const itemTextWidth = frame.width - 2 * padding - boxSize - mm(3);
  const purposeItems = spec.form.purposes.map((purpose): Block => {
    const statement = labels.purposeStatement[purpose](spec.businessName);
    const statementHeight = textHeight(doc, statement, itemTextWidth, itemStyle);
    const height = Math.max(boxSize, statementHeight) + 2 * padding;
    return {
      height,
      draw(y) {
        doc.save().roundedRect(frame.left, y, frame.width, height, mm(1)).lineWidth(0.6).strokeColor(INK.faintRule).stroke().restore();
        tickBox(doc, frame.left + padding, y + padding, boxSize);
        writeText(
          doc,
          statement,
          frame.left + padding + boxSize + mm(3),
          y + padding + (boxSize - lineHeight(doc, itemStyle)) / 2 + 1,
          itemTextWidth,
          itemStyle,
        );
      },
    };
  });
  const purposeHeadingText = spec.form.purposes.length > 1 ? labels.tickEachPurpose : labels.tickPurpose;
  const purposeHeading: Block = {
    height: textHeight(doc, purposeHeadingText, frame.width, headingStyle),
    draw: (y) => writeText(doc, purposeHeadingText, frame.left, y, frame.width, headingStyle),
  };
  const purposes = stack([purposeHeading, ...purposeItems], mm(2));

  const signatureHeight = mm(compact ? 14 : 22);
  const signatureWidth = frame.width * 0.5;
  const signature: Block = {
    height: signatureHeight,
    draw(y) {
      writeField(doc, labels.columns.date, frame.left, y + signatureHeight - mm(1), frame.width * 0.4);
      const boxX = right - signatureWidth;
      doc.save().rect(boxX, y, signatureWidth, signatureHeight).lineWidth(0.8).strokeColor(INK.rule).stroke().restore();
      writeLine(doc, labels.customerSignature, boxX + mm(2), y + mm(1.5), { font: FONT.regular, size: 7.5, color: INK.muted });
    },
  };

  // The parts to fill in share the height left under the wording (a gap above each and one above the footer): roomier when the wording is short.
  const parts = spec.form.channels.length ? [fields, channels, purposes, signature] : [fields, purposes, signature];
  const fixedHeight = top.height + SECTION_GAP + text.height + parts.reduce((sum, p) => sum + p.height, 0) + footer.height;
  const partGap = Math.min(compact ? mm(6) : MAX_PART_GAP, (frame.bottom - frame.top - fixedHeight) / (parts.length + 1));
  const form = stack(parts, partGap);
  return {
    fits: partGap >= (compact ? mm(1.5) : MIN_PART_GAP),
    drawPage(page: PageIdentity) {
      const textTop = frame.top + top.height + SECTION_GAP;
      top.draw(frame.top, page);
      hRule(doc, frame.left, right, textTop - SECTION_GAP / 2, INK.rule);
      text.draw(textTop);
      form.draw(textTop + text.height + partGap);
      footer.draw(frame.bottom - footer.height);
    },
  };
}

function measuringDoc(spec: LayoutSpec): PDFKit.PDFDocument {
  const doc = createPdf({ title: '', language: spec.form.language });
  doc.addPage({ size: [PAPER[spec.paper].width, PAPER[spec.paper].height], margin: 0 });
  return doc;
}

/** The two documents of a sheet when the personal-data consent is printed on its own: each with its own wording and boxes. */
function documentsOf(spec: LayoutSpec & Pick<SheetSpec, 'personalData'>): { consent: LayoutSpec; personalData: LayoutSpec | null } {
  if (!spec.personalData) return { consent: spec, personalData: null };
  const labels = printLabels(spec.form.language);
  return {
    consent: {
      ...spec,
      form: { ...spec.form, body: spec.personalData.consentBody, purposes: spec.form.purposes.filter((p) => p !== 'personal_data') },
    },
    personalData: {
      ...spec,
      form: { ...spec.form, title: labels.personalData.title, body: spec.personalData.body, purposes: ['personal_data'], channels: [] },
    },
  };
}

/** How many group rows fit under the wording on this paper (0..40), with the smallest wording size (both documents, when split). */
export function maxGroupRows(spec: LayoutSpec & Pick<SheetSpec, 'personalData'>): number {
  const smallest = GROUP_WORDING_SIZES[GROUP_WORDING_SIZES.length - 1]!;
  const docs = documentsOf(spec);
  const fit = groupLayout(measuringDoc(spec), docs.consent, smallest).fit;
  return docs.personalData ? Math.min(fit, groupLayout(measuringDoc(spec), docs.personalData, smallest).fit) : fit;
}

/** The dashed line between two slips, with what it means. */
function cutLine(doc: PDFKit.PDFDocument, paper: SheetPaper, y: number, label: string): void {
  const { width } = PAPER[paper];
  doc
    .save()
    .moveTo(mm(6), y)
    .lineTo(width - mm(6), y)
    .dash(4, { space: 3 })
    .lineWidth(0.6)
    .strokeColor(INK.muted)
    .stroke()
    .undash()
    .restore();
  const style: TextStyle = { font: FONT.regular, size: 6.5, color: INK.muted, align: 'center' };
  applyStyle(doc, style);
  const w = doc.widthOfString(label) + mm(4);
  doc
    .save()
    .rect((width - w) / 2, y - mm(1.5), w, mm(3))
    .fill('#ffffff')
    .restore();
  writeLine(doc, label, (width - w) / 2, y - mm(1.2), style, w);
}

/** A page drawer for one document in a frame: the individual layout at the largest wording size that fits. */
function documentDrawer(doc: PDFKit.PDFDocument, spec: LayoutSpec, frame: Frame, compact: boolean, what: string): (page: PageIdentity) => void {
  const size = (compact ? SLIP_WORDING_SIZES : INDIVIDUAL_WORDING_SIZES).find((s) => individualLayout(doc, spec, s, frame, compact).fits);
  if (size === undefined) throw new Error(`body: the wording is too long to fit on ${what} with the fields to fill in`);
  return individualLayout(doc, spec, size, frame, compact).drawPage;
}

/**
 * Printable consent sheets: one serial per page (or per slip), each with its QR, the full wording and the spaces to
 * fill in. With `personalData`, every sheet is followed by its personal-data document — the next page, or the
 * lower slip — with its own wording, tick, signature and serial.
 */
export async function renderSheets(spec: SheetSpec): Promise<Buffer> {
  if (spec.serials.length === 0) throw new Error('serials: at least one sheet serial is needed');
  if (spec.personalData && spec.personalData.serials.length !== spec.serials.length)
    throw new Error('personalData: one personal-data serial is needed per sheet');
  const group = spec.layout === 'group';
  if (group && (!Number.isInteger(spec.rowsPerPage) || spec.rowsPerPage < 1 || spec.rowsPerPage > MAX_GROUP_ROWS)) {
    throw new Error(`rows: rows per page must be a whole number from 1 to ${MAX_GROUP_ROWS}`);
  }
  const paper = PAPER[spec.paper];
  const all = [...spec.serials, ...(spec.personalData?.serials ?? [])];
  const range = all.length > 1 ? `${spec.serials[0]}–${all[all.length - 1]}` : spec.serials[0];
  const doc = createPdf({ title: `${spec.form.title} — ${spec.form.code} ${range}`, language: spec.form.language, printedOn: spec.printedOn });
  doc.addPage({ size: [paper.width, paper.height], margin: 0 });
  const docs = documentsOf(spec);
  const labels = printLabels(spec.form.language);

  // Each document is drawn by its own drawer; `slots` says where on the page (the whole page or a half).
  type Draw = (page: PageIdentity) => void;
  const pageDrawer = (layoutSpec: LayoutSpec): Draw => {
    if (!group) return documentDrawer(doc, layoutSpec, frameFor(spec.paper), false, `one ${paper.name} page`);
    const size = GROUP_WORDING_SIZES.find((s) => groupLayout(doc, layoutSpec, s).fit >= spec.rowsPerPage);
    if (size === undefined) throw new Error(`rows: at most ${maxGroupRows(spec)} rows fit on ${paper.name} with this wording`);
    const layout = groupLayout(doc, layoutSpec, size);
    return (page) => layout.drawPage(page, spec.rowsPerPage);
  };
  // The documents in print order: each sheet, then its personal-data document.
  const items: { draw: 'consent' | 'personalData'; serial: string; goesWith: string | null }[] = [];
  spec.serials.forEach((serial, i) => {
    items.push({ draw: 'consent', serial, goesWith: null });
    const pd = spec.personalData?.serials[i];
    if (pd) items.push({ draw: 'personalData', serial: pd, goesWith: serial });
  });
  const withNote = (s: LayoutSpec, goesWith: string | null): LayoutSpec =>
    goesWith ? { ...s, form: { ...s.form, title: `${s.form.title}\n${labels.personalData.goesWith(goesWith)}` } } : s;

  if (spec.layout === 'slip') {
    const half = paper.height / 2;
    const frames: Frame[] = [
      { ...frameFor(spec.paper), bottom: half - mm(7) },
      { ...frameFor(spec.paper), top: half + mm(7) },
    ];
    const pages = Math.ceil(items.length / 2);
    for (let p = 0; p < pages; p++) {
      if (p > 0) doc.addPage({ size: [paper.width, paper.height], margin: 0 });
      const pair = items.slice(2 * p, 2 * p + 2);
      pair.forEach((item, k) => {
        const layoutSpec = withNote(item.draw === 'consent' ? docs.consent : docs.personalData!, item.goesWith);
        const draw = documentDrawer(doc, layoutSpec, frames[k]!, true, `half a ${paper.name} page (a slip); print individual sheets`);
        draw({ serial: item.serial, pageNumber: 2 * p + k + 1, pageCount: items.length, qrText: spec.qrText(item.serial) });
      });
      if (pair.length === 2) cutLine(doc, spec.paper, half, labels.cutHere);
    }
    return finishPdf(doc);
  }

  const consentDraw = pageDrawer(docs.consent);
  const pdDraws = new Map<string, Draw>();
  items.forEach((item, index) => {
    if (index > 0) doc.addPage({ size: [paper.width, paper.height], margin: 0 });
    let draw = consentDraw;
    if (item.draw === 'personalData') {
      // The title names the sheet it goes with, so each personal-data document is laid out for its own pair.
      draw = pdDraws.get(item.serial) ?? pageDrawer(withNote(docs.personalData!, item.goesWith));
      pdDraws.set(item.serial, draw);
    }
    draw({ serial: item.serial, pageNumber: index + 1, pageCount: items.length, qrText: spec.qrText(item.serial) });
  });
  return finishPdf(doc);
}
