import type { Download, Locator, Page } from '@playwright/test';

/** The campaign part of the composer, the Campaigns list and one campaign: plan, send, outbox, recipients, reports. */
export class CampaignPage {
  constructor(readonly page: Page) {}

  // ---- the composer's campaign card ----

  /** Fill the composer's campaign card: a name, and tags for the audience (none: everyone). */
  async describe(opts: { name?: string; tags?: string[]; at?: string }): Promise<void> {
    const card = this.page.getByTestId('campaign-plan-card');
    if (opts.name !== undefined) await card.getByTestId('campaign-name').fill(opts.name);
    if (opts.tags?.length) {
      await card.getByTestId('campaign-audience').getByText('Contacts with tags', { exact: true }).click();
      const input = card.getByTestId('campaign-tags');
      for (const tag of opts.tags) {
        await input.fill(tag);
        await input.press('Enter');
      }
    }
    if (opts.at !== undefined) await card.getByTestId('compose-send-at').fill(opts.at);
  }

  /** "Plan campaign", then wait for the campaign screen. */
  async plan(): Promise<void> {
    await this.page.getByTestId('plan-campaign').click();
    await this.page.getByTestId('plan').waitFor();
  }

  // ---- the list ----

  async openList(): Promise<void> {
    await this.page.getByTestId('nav-campaigns').click();
    await this.page.getByRole('heading', { level: 2 }).waitFor();
  }

  rows(): Locator {
    return this.page.getByTestId('campaign-row');
  }

  async openFromList(name: string): Promise<void> {
    await this.rows().filter({ hasText: name }).first().click();
    await this.page.getByTestId('plan').waitFor();
  }

  // ---- the plan ----

  figure(name: 'audience' | 'eligible' | 'excluded'): Locator {
    return this.page.getByTestId(`plan-${name}`);
  }

  exclusion(reason: string): Locator {
    return this.page.locator(`[data-testid=exclusion][data-reason="${reason}"]`);
  }

  exclusions(): Locator {
    return this.page.getByTestId('exclusion');
  }

  /** Open the people behind one count of the plan. */
  async openPeople(reason: string): Promise<Locator> {
    const row = reason === 'eligible' ? this.page.getByTestId('eligible-row') : this.exclusion(reason);
    await row.getByTestId('show-people').click();
    const modal = this.page.getByTestId('audience-modal');
    await modal.getByTestId('audience-people').waitFor();
    return modal;
  }

  // ---- sending ----

  /** Choose the provider for a leg (sms or whatsapp) by its name. */
  async chooseProvider(leg: 'sms' | 'whatsapp', name: string): Promise<void> {
    await this.page.getByTestId(`send-provider-${leg}`).click();
    await this.page.getByRole('option', { name: new RegExp(`^${name} ·`) }).click();
  }

  /** "Send…": the final confirmation. */
  async openConfirmation(): Promise<Locator> {
    await this.page.getByTestId('send').click();
    const modal = this.page.getByTestId('confirm-send');
    await modal.waitFor();
    return modal;
  }

  async confirm(): Promise<void> {
    await this.page.getByTestId('confirm-send-button').click();
    await this.outbox().waitFor();
  }

  // ---- the outbox ----

  outbox(): Locator {
    return this.page.getByTestId('outbox');
  }

  count(figure: 'sent' | 'delivered' | 'failed' | 'skipped' | 'pending' | 'unknown'): Locator {
    return this.page.getByTestId(`fig-${figure}`);
  }

  pausedBanner(): Locator {
    return this.page.getByTestId('paused-banner');
  }

  async resume(): Promise<void> {
    await this.pausedBanner().getByTestId('resume').click();
  }

  recipientRows(): Locator {
    return this.page.getByTestId('recipient-row');
  }

  async filterRecipients(label: RegExp): Promise<void> {
    await this.page.getByTestId('recipients-filter').getByText(label).click();
  }

  /** Open one recipient's detail (the drawer) by phone in E.164. */
  async openRecipient(phone: string): Promise<Locator> {
    await this.page.locator(`[data-testid=recipient-row][data-phone="${phone}"]`).click();
    const detail = this.page.getByTestId('recipient-detail');
    await detail.waitFor();
    return detail;
  }

  // ---- reports ----

  async openPdfReport(): Promise<Locator> {
    await this.page.getByTestId('report-pdf').click();
    const modal = this.page.getByTestId('report-modal');
    await modal.waitFor();
    return modal;
  }

  async download(testId: 'report-csv' | 'save-report-pdf'): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(testId).click()]);
    return download;
  }
}
