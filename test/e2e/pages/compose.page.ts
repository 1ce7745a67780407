import type { Locator, Page } from '@playwright/test';

/** The message composer. */
export class ComposePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-compose').click();
    await this.editor().waitFor();
  }

  editor(): Locator {
    return this.page.getByTestId('message-editor');
  }

  /** Type as a person does, key by key (the linter runs on every keystroke). */
  async type(text: string): Promise<void> {
    await this.editor().click();
    await this.page.keyboard.insertText(text);
  }

  async replaceText(text: string): Promise<void> {
    await this.editor().click();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.insertText(text);
  }

  diagnostic(rule: string): Locator {
    return this.page.locator(`[data-testid=diagnostic][data-rule="${rule}"]`);
  }

  async fix(rule: string): Promise<void> {
    await this.diagnostic(rule).first().getByTestId('fix').click();
  }

  underlines(severity: 'error' | 'warning'): Locator {
    return this.page.locator(`.cm-lintRange-${severity}`);
  }

  async text(): Promise<string> {
    return (await this.editor().innerText()).replace(/\u00a0/g, ' ');
  }

  async setChannel(label: string): Promise<void> {
    await this.page.getByTestId('compose-channel').getByText(label, { exact: true }).click();
  }

  async choose(testId: string, option: string): Promise<void> {
    await this.page.getByTestId(testId).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }
}
