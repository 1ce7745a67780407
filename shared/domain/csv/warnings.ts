/**
 * What an import says about a row it still imports (or a line it skips), by kind: the wizard groups them and words
 * each kind in the person's language from its parameters; the report and the CLI keep the English sentence.
 */
export const ImportWarningKinds = [
  /** An extension typed after a number was dropped (SMS and WhatsApp cannot reach one). */
  'extension_dropped',
  /** One of the row's numbers could not be read; the row's other numbers were. */
  'number_ignored',
  /** An e-mail that is not an address was left out. */
  'email_invalid',
  /** A slash date that reads as two real days (a Canadian file): the one under which an opt-out wins was taken. */
  'date_ambiguous',
  /** A consent cell that says neither yes, no nor an opt-out: nothing recorded. */
  'consent_unreadable',
  /** A "yes" recorded as an unproven claim (no date, no source, or the pack asks for more). */
  'consent_claim',
  /** A "do not contact" cell that is neither yes nor no: taken as "do not contact". */
  'dnc_unclear',
  /** A one-cell line below the data (a report's footer or a note): skipped. */
  'footer_skipped',
  /** A NUL (zero byte) was removed from the row. */
  'nul_removed',
  /** A quoted value holds lines that look like rows of their own. */
  'quote_holds_rows',
  /** Two header cells differ only in case or spaces. */
  'similar_headers',
  /** A NUL was removed from the header. */
  'header_nul',
  /** A spreadsheet cell held a formula: its last computed value was read. */
  'formula_value',
  /** The number was erased on a deletion request: the row's consents and fields are not imported (opt-outs are). */
  'erased_on_request',
] as const;
/** One kind of import warning. */
export type ImportWarningKind = (typeof ImportWarningKinds)[number];

/** One warning: its kind, what the sentence names (values, columns, lines) and the English sentence. */
export interface ImportWarning {
  kind: ImportWarningKind;
  params: Record<string, string | number>;
  text: string;
}

/** Build a warning. */
export function importWarning(kind: ImportWarningKind, params: ImportWarning['params'], text: string): ImportWarning {
  return { kind, params, text };
}

/** Why a "yes" became an unproven claim, as codes the wizard words (the English reason stays in the text). */
export const ClaimReasons = [
  'marked_unproven',
  'no_date',
  'no_date_column',
  'bad_date',
  'future_date',
  'no_source',
  'source_system',
  'pack',
] as const;
/** One reason a "yes" became a claim. */
export type ClaimReason = (typeof ClaimReasons)[number];
