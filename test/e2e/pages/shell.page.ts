import type { Page } from '@playwright/test';

/** The app shell: navigation and language. */
export class ShellPage {
  constructor(readonly page: Page) {}

  async open(url: string, lang: 'en' | 'ru' = 'en'): Promise<void> {
    // Only the first load: a reload must keep what the person chose.
    await this.page.addInitScript((l) => localStorage.getItem('optin.language') ?? localStorage.setItem('optin.language', l), lang);
    await this.page.goto(url);
  }

  async switchLanguage(lang: 'EN' | 'RU'): Promise<void> {
    await this.page.getByTestId('language').getByText(lang, { exact: true }).click();
  }

  async goContacts(): Promise<void> {
    await this.page.getByTestId('nav-contacts').click();
  }

  async goSettings(): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
  }
}
