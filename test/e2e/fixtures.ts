import { test as base, expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../electron/core/backend';
import { startHost } from '../../electron/host/server';

/** The local host a test talks to: its origin, this launch's access key, and the address to open (key in the fragment). */
export interface E2eHost {
  origin: string;
  secret: string;
  openUrl: string;
}

/**
 * Each test gets a fresh register on a temp file, served with the browser build of the UI. `appUrl` is the address
 * the host prints (origin + `/#k=<secret>`): opening it is how the page gets the key every API call must carry.
 */
export const test = base.extend<{ backend: Backend; host: E2eHost; appUrl: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring.
  backend: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-e2e-'));
    const backend = createBackend({ dbPath: join(dir, 'register.db'), checkOutputs: true });
    await use(backend);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  },
  host: async ({ backend }, use) => {
    // OPTIN_WEB_DIR lets two builds of the UI be tested side by side. The secret is chosen here so helpers know it.
    const secret = randomBytes(32).toString('base64url');
    const host = await startHost({ dispatch: backend.dispatch, staticDir: process.env.OPTIN_WEB_DIR ?? 'out/web', port: 0, secret });
    await use({ origin: host.url, secret, openUrl: host.openUrl });
    await host.close();
  },
  appUrl: async ({ host }, use) => {
    await use(host.openUrl);
  },
});

/** Call the register over HTTP as the page does (with the access key); throws on refusal. */
export async function callHost<T>(host: E2eHost, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${host.origin}/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.secret}` },
    body: JSON.stringify(input ?? {}),
  });
  const r = (await res.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

export { expect };

/** Call the register directly to seed a test; throws on refusal. */
export async function seed<T>(backend: Backend, method: string, input: unknown): Promise<T> {
  const r = await backend.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Keep a screenshot of a screen as a test artefact; a tall screen is captured whole by growing the window to fit. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate('document.fonts.ready');
  // Let transitions end (a step's check mark, a tab's underline); endless ones (progress stripes) are left running.
  await page.evaluate(
    'Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => null)))',
  );
  const height = await page.evaluate<number>('document.documentElement.scrollHeight');
  const size = page.viewportSize()!;
  if (height > size.height) {
    await page.setViewportSize({ width: size.width, height });
    // Let fixed panels (the navigation) re-lay out to the new height before the picture.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
  await page.setViewportSize(size);
}
