import type { Page } from '@playwright/test';

/** The Consent forms screen: the editor, printing sheets, QR codes and posters. */
export class FormsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-forms').click();
  }

  async newFromTemplate(): Promise<void> {
    await this.page.getByTestId('new-form').first().click();
    await this.page.getByTestId('use-template').click();
  }

  checks() {
    return this.page.getByTestId('wording-checks').locator('li');
  }

  async save(): Promise<void> {
    await this.page.getByTestId('save-form').click();
  }

  async printSheets(opts: { layout?: 'slip' | 'group' | 'individual'; rows?: number; copies?: number; paper?: 'A4' | 'US Letter' }): Promise<void> {
    await this.page.getByTestId('open-print').click();
    const modal = this.page.getByTestId('print-modal');
    // Slips (the default), one customer per sheet, a group sheet: in that order.
    const at = { slip: 0, individual: 1, group: 2 }[opts.layout ?? 'slip'];
    if (at > 0) await modal.getByTestId('print-layout').locator('label').nth(at).click();
    if (opts.paper) await modal.getByTestId('print-paper').getByText(opts.paper, { exact: true }).click();
    if (opts.rows !== undefined) await modal.getByTestId('print-rows').fill(String(opts.rows));
    if (opts.copies !== undefined) await modal.getByTestId('print-copies').fill(String(opts.copies));
    await modal.getByTestId('make-sheets').click();
  }

  previewPages() {
    return this.page.getByTestId('pdf-page');
  }
}
