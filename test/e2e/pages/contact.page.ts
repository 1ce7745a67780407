import type { Page } from '@playwright/test';

/** A contact's page: consent cells, timeline, and recording. */
export class ContactPage {
  constructor(readonly page: Page) {}

  name() {
    return this.page.getByTestId('contact-name');
  }

  cell(channel: string, purpose: string) {
    return this.page.getByTestId(`cell-${channel}-${purpose}`);
  }

  events() {
    return this.page.getByTestId('timeline-event');
  }

  /** Choose an option of a Mantine select by its visible label. */
  async pick(testId: string, option: string): Promise<void> {
    await this.page.getByTestId(testId).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  async recordGrant(opts: { channel?: string; purpose?: string; form?: string; sheet?: string; note?: string }): Promise<void> {
    await this.fillGrant(opts);
    await this.page.getByTestId('rec-save').click();
  }

  /** Open "Record consent" and fill it in, without saving. */
  async fillGrant(opts: { channel?: string; purpose?: string; form?: string; sheet?: string; note?: string }): Promise<void> {
    await this.page.getByTestId('record-consent').click();
    if (opts.channel) await this.pick('rec-channel', opts.channel);
    if (opts.purpose) await this.pick('rec-purpose', opts.purpose);
    if (opts.form) await this.pick('rec-form', opts.form);
    if (opts.sheet) await this.page.getByTestId('rec-sheet').fill(opts.sheet);
    if (opts.note) await this.page.getByTestId('rec-note').fill(opts.note);
  }

  async recordOptOut(opts: { channel?: string } = {}): Promise<void> {
    await this.page.getByTestId('record-optout').click();
    if (opts.channel) await this.pick('rec-channel', opts.channel);
    await this.page.getByTestId('rec-save').click();
  }

  async done(): Promise<void> {
    await this.page.getByTestId('rec-done').click();
  }
}
