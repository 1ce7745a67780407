import { expect, type Page } from '@playwright/test';

/** The contacts list and the add-contact dialog. */
export class ContactsPage {
  constructor(readonly page: Page) {}

  rows() {
    return this.page.getByTestId('contact-row');
  }

  /** Every rendered row, loaded or still loading: what virtualisation keeps in the DOM. */
  renderedRows() {
    return this.page.locator('[role=row]');
  }

  count() {
    return this.page.getByTestId('count');
  }

  scroller() {
    return this.page.getByTestId('contacts-scroll');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('search').fill(text);
  }

  /** Type like a person, key by key, so every intermediate query is sent and may come back late. */
  async typeSearch(text: string): Promise<void> {
    await this.page.getByTestId('search').pressSequentially(text, { delay: 40 });
  }

  /** Search for a name and open its row once the search has applied (only matching rows left). */
  async find(name: string): Promise<void> {
    await this.search(name);
    await expect(this.rows().filter({ hasNotText: name })).toHaveCount(0);
    await this.open(name);
  }

  async open(name: string): Promise<void> {
    await this.rows().filter({ hasText: name }).first().click();
  }

  async openAddContact(): Promise<void> {
    await this.page.getByTestId('add-contact').click();
  }

  phoneInput() {
    return this.page.getByTestId('new-phone');
  }

  phonePreview() {
    return this.page.getByTestId('phone-preview');
  }

  async fillNewContact(phone: string, name?: string): Promise<void> {
    await this.phoneInput().fill(phone);
    if (name !== undefined) await this.page.getByTestId('new-name').fill(name);
  }

  async saveNewContact(): Promise<void> {
    await this.page.getByTestId('save-contact').click();
  }
}
