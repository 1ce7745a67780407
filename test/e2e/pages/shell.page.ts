import type { Page } from '@playwright/test';

/** The app shell: navigation and language. */
export class ShellPage {
  constructor(readonly page: Page) {}

  async open(url: string, lang: 'en' | 'ru' = 'en'): Promise<void> {
    await this.page.addInitScript((l) => localStorage.setItem('optin.language', l), lang);
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
