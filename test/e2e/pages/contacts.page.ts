import type { Page } from '@playwright/test';

/** The contacts list and the add-contact dialog. */
export class ContactsPage {
  constructor(readonly page: Page) {}

  rows() {
    return this.page.getByTestId('contact-row');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('search').fill(text);
  }

  async open(name: string): Promise<void> {
    await this.rows().filter({ hasText: name }).first().click();
  }

  async addContact(phone: string, name: string): Promise<void> {
    await this.page.getByTestId('add-contact').click();
    await this.page.getByTestId('new-phone').fill(phone);
    await this.page.getByTestId('new-name').fill(name);
    await this.page.getByTestId('save-contact').click();
  }
}
