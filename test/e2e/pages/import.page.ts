import { expect, type Download, type Page } from '@playwright/test';

/** A file handed to the file input: a name and its bytes. */
export interface UploadFile {
  name: string;
  buffer: Buffer;
}

/** The Import / Export screen: the import wizard, past imports and export. */
export class ImportPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-import').click();
  }

  async tab(which: 'import' | 'history' | 'export'): Promise<void> {
    await this.page.getByTestId(`tab-${which}`).click();
  }

  /** Choose a file through the file input (what the "Choose a file…" button opens). */
  async upload(file: UploadFile): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles({ name: file.name, mimeType: 'text/csv', buffer: file.buffer });
  }

  /** Drop a file on the drop zone, as dragging it from the desktop does. */
  async drop(file: UploadFile): Promise<void> {
    // Built in the page (the test's own TypeScript has no DOM types, so the script goes as text).
    const transfer = await this.page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(file.buffer.toString('base64'))}), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], ${JSON.stringify(file.name)}, { type: 'text/csv' }));
      return dt;
    })()`);
    await this.page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
  }

  /** Choose an option of a Mantine select by its visible label. */
  async pick(testId: string, option: string | RegExp): Promise<void> {
    await this.page.getByTestId(testId).click();
    await this.page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
  }

  encoding() {
    return this.page.getByTestId('encoding');
  }

  delimiter() {
    return this.page.getByTestId('delimiter');
  }

  presetBadge() {
    return this.page.getByTestId('preset-badge');
  }

  sampleTable() {
    return this.page.getByTestId('sample-table');
  }

  async toMapping(): Promise<void> {
    await this.page.getByTestId('to-mapping').click();
  }

  /** The mapping row of the column with this header. */
  row(header: string) {
    return this.page.locator(`[data-testid="mapping-row"][data-header="${header}"]`);
  }

  /** The "this column is" select of the column with this header. */
  field(header: string) {
    return this.row(header).locator('input[data-testid^="field-"]');
  }

  async setField(header: string, label: string): Promise<void> {
    await this.field(header).click();
    await this.page.getByRole('option', { name: label, exact: true }).click();
  }

  /** Start the dry run without waiting for it (to watch its progress or cancel it). */
  async startPreview(): Promise<void> {
    await this.page.getByTestId('to-preview').click();
  }

  /**
   * Run the dry run and wait for what it ends with: its figures or an error. A dry run reads the whole file, which on
   * a loaded CI machine can take longer than an assertion's 5 s (a CI run once timed out here on a six-row workbook).
   */
  async preview(): Promise<void> {
    await this.startPreview();
    await expect(this.page.getByTestId('preview').or(this.page.getByTestId('error'))).toBeVisible({ timeout: 30_000 });
  }

  /** Run the dry run and expect its figures; an error on screen fails the test with the error's own words. */
  async previewOk(): Promise<void> {
    await this.preview();
    const error = this.page.getByTestId('error');
    if (await error.isVisible()) throw new Error(`the dry run showed an error instead of its figures: ${await error.innerText()}`);
    await expect(this.page.getByTestId('preview')).toBeVisible();
  }

  /** A figure of the preview or the report, by its key (rows, created, rejected…). */
  figure(key: string) {
    return this.page.getByTestId(`fig-${key}`);
  }

  rejectedRows() {
    return this.page.getByTestId('rejected-row');
  }

  async commit(): Promise<void> {
    await this.page.getByTestId('commit').click();
  }

  report() {
    return this.page.getByTestId('report');
  }

  /** Click a button that downloads a file and return the download. */
  async download(testId: string): Promise<Download> {
    const waiting = this.page.waitForEvent('download');
    await this.page.getByTestId(testId).click();
    return waiting;
  }

  batches() {
    return this.page.getByTestId('batch-row');
  }

  async undo(batch: number): Promise<void> {
    await this.page.locator(`[data-testid="batch-row"][data-batch="${batch}"]`).getByTestId('undo').click();
    await this.page.getByTestId('undo-confirm').click();
  }

  /** Export: what, and the format by its key (utf8, utf8Semicolon, cp1251); returns the download. */
  async exportFile(what: 'contacts' | 'suppression' | 'history', format: 'utf8' | 'utf8Semicolon' | 'cp1251'): Promise<Download> {
    await this.page.getByTestId(`export-${what}`).check();
    await this.page.getByTestId(`format-${format}`).check();
    return this.download('export-run');
  }
}
