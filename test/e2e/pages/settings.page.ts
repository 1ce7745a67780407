import type { Page } from '@playwright/test';

/** The settings screen: identity, policy, staff, wording, integrity. */
export class SettingsPage {
  constructor(readonly page: Page) {}

  async saveBusinessName(name: string): Promise<void> {
    await this.page.getByTestId('business-name').fill(name);
    await this.page.getByTestId('save-identity').click();
  }

  policyValues() {
    return this.page.getByTestId('policy-values');
  }

  /** Fill the tightening inputs given (empty string clears) and save. */
  async tighten(values: { quietStart?: string; quietEnd?: string; maxAgeDays?: string; pendingHours?: string }): Promise<void> {
    if (values.quietStart !== undefined) await this.page.getByTestId('quiet-start').fill(values.quietStart);
    if (values.quietEnd !== undefined) await this.page.getByTestId('quiet-end').fill(values.quietEnd);
    if (values.maxAgeDays !== undefined) await this.page.getByTestId('max-age').fill(values.maxAgeDays);
    if (values.pendingHours !== undefined) await this.page.getByTestId('pending-hours').fill(values.pendingHours);
    await this.page.getByTestId('save-policy').click();
  }

  /** The inline error shown under a tightening input, located by its test id. */
  fieldError(testId: string) {
    return this.page.locator(`.mantine-InputWrapper-root:has([data-testid="${testId}"]) .mantine-InputWrapper-error`);
  }

  staffRows() {
    return this.page.getByTestId('staff-row');
  }

  async addStaff(name: string): Promise<void> {
    await this.page.getByTestId('staff-name').fill(name);
    await this.page.getByTestId('add-staff').click();
  }

  async createForm(title: string, body: string): Promise<void> {
    await this.page.getByTestId('form-title').fill(title);
    await this.page.getByTestId('form-body').fill(body);
    await this.page.getByTestId('create-form').click();
  }

  async verify(): Promise<void> {
    await this.page.getByTestId('verify').click();
  }
}
