import { expect, type Page } from '@playwright/test';

/** One row as a person types it: what to type, and for each box of the sheet (in order) whether it is ticked. */
export interface TypedRow {
  name: string;
  phone: string;
  /** One entry per box on the sheet (channels, then consents): ticked with Space as the cursor passes it. */
  ticks?: boolean[];
  /** Boxes to tick with Alt+<n> shortcuts instead (1-based), from the phone field. */
  shortcuts?: string[];
  /** Replace the date field's text (otherwise the date stays from the previous row). */
  date?: string;
}

/** The paper entry screen, driven with the keyboard as staff do. */
export class PaperPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-paper').click();
  }

  serial() {
    return this.page.getByTestId('serial');
  }

  header() {
    return this.page.getByTestId('sheet-header');
  }

  progress() {
    return this.page.getByTestId('sheet-progress');
  }

  name() {
    return this.page.getByTestId('entry-name');
  }

  phone() {
    return this.page.getByTestId('entry-phone');
  }

  row() {
    return this.page.getByTestId('entry-row');
  }

  date() {
    return this.page.getByTestId('entry-date');
  }

  enteredRows() {
    return this.page.getByTestId('entered-row');
  }

  saved() {
    return this.page.getByTestId('row-saved');
  }

  error() {
    return this.page.getByTestId('error');
  }

  duplicate() {
    return this.page.getByTestId('duplicate');
  }

  sheetItems() {
    return this.page.getByTestId('sheet-item');
  }

  /** Type a serial (or what a QR scanner types) into the focused serial field and press Enter, as a scanner does. */
  async scanSerial(text: string): Promise<void> {
    await expect(this.serial()).toBeFocused();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Type one row from the name field on, Tab from box to box, and press Enter. Keyboard only. */
  async typeRow(row: TypedRow, { submit = true }: { submit?: boolean } = {}): Promise<void> {
    const kb = this.page.keyboard;
    await expect(this.name()).toBeFocused();
    await kb.type(row.name);
    await kb.press('Tab');
    await kb.type(row.phone);
    for (const key of row.shortcuts ?? []) await kb.press(key);
    const ticks = row.ticks ?? [];
    for (const tick of ticks) {
      await kb.press('Tab');
      if (tick) await kb.press('Space');
    }
    if (row.date !== undefined) {
      // From the last box (or the phone) to the date: the boxes not walked yet, then the date itself.
      const boxes = await this.page.locator('[data-testid=entry] input[type=checkbox]').count();
      for (let i = ticks.length; i <= boxes; i++) await kb.press('Tab');
      await expect(this.date()).toBeFocused();
      await kb.press('ControlOrMeta+A');
      await kb.type(row.date);
    }
    if (submit) await kb.press('Enter');
  }

  /** Attach a file as a photo or scan of the open sheet. */
  async attachScan(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByTestId('scan-input').setInputFiles(file);
  }
}
