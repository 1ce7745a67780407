import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { chromium } from '@playwright/test';

// Playwright's own Chromium when it was downloaded, else the system one (Debian: apt-get install chromium).
function chromiumPath(): string | undefined {
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // not installed
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  // One line that says what to do, not a stack trace from loading this file.
  console.error('No Chromium for the end-to-end tests: run `npx playwright install chromium` (or on Debian `apt-get install chromium`).');
  process.exit(1);
}

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  // In CI a failed test runs once more and, if it passes then, is reported as flaky with its first failure printed in
  // full (a flaky test is a finding, not a pass: look at it). Locally a failure is a failure.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1360, height: 860 },
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
});
