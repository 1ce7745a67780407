import type { Locator, Page } from '@playwright/test';

/** Settings → Providers: the list, the add/edit form, the test message and removal. */
export class ProvidersPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
    await this.card().waitFor();
  }

  card(): Locator {
    return this.page.getByTestId('providers-card');
  }

  row(name: string): Locator {
    return this.card().locator(`[data-testid=provider-row][data-name="${name}"]`);
  }

  modal(): Locator {
    return this.page.getByTestId('provider-modal');
  }

  /** Add a provider through the form: its kind by the label shown, then options and secrets by key. */
  async add(p: { name: string; kind?: string; options?: Record<string, string>; secrets?: Record<string, string> }): Promise<void> {
    await this.card().getByTestId('add-provider').click();
    await this.modal().getByTestId('provider-name').fill(p.name);
    if (p.kind) {
      await this.modal().getByTestId('provider-kind').click();
      await this.page.getByRole('option', { name: p.kind, exact: true }).click();
    }
    await this.fill(p);
    await this.modal().getByTestId('save-provider').click();
  }

  async edit(name: string, p: { options?: Record<string, string>; secrets?: Record<string, string> }): Promise<void> {
    await this.row(name).getByTestId('edit-provider').click();
    await this.fill(p);
    await this.modal().getByTestId('save-provider').click();
  }

  private async fill(p: { options?: Record<string, string>; secrets?: Record<string, string> }): Promise<void> {
    for (const [key, value] of Object.entries(p.options ?? {})) await this.modal().getByTestId(`provider-option-${key}`).fill(value);
    for (const [key, value] of Object.entries(p.secrets ?? {})) await this.modal().getByTestId(`provider-secret-${key}`).fill(value);
  }

  /** Open the test dialog of a provider; `to` replaces the default number (the shop's phone). */
  async openTest(name: string): Promise<Locator> {
    await this.row(name).getByTestId('test-provider').click();
    const modal = this.page.getByTestId('test-modal');
    await modal.waitFor();
    return modal;
  }

  async sendTest(to?: string): Promise<Locator> {
    const modal = this.page.getByTestId('test-modal');
    if (to !== undefined) await modal.getByTestId('test-to').fill(to);
    await modal.getByTestId('send-test').click();
    return modal.getByTestId('test-result');
  }

  async remove(name: string): Promise<void> {
    await this.row(name).getByTestId('remove-provider').click();
    await this.page.getByTestId('remove-modal').getByTestId('confirm-remove').click();
  }
}
