import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, seed, shoot } from './fixtures';
import { ShellPage } from './pages/shell.page';
import { phoneOf, seedShop } from './seed';

for (const lang of ['en', 'ru'] as const) {
  test(`Settings → Backups: back up now and to a folder, then restore with the loss named and confirmed (${lang})`, async ({
    page,
    backend,
    appUrl,
  }) => {
    await seedShop(backend, 6);
    const shell = new ShellPage(page);
    await shell.open(appUrl, lang);
    await shell.goSettings();
    const card = page.getByTestId('backups-card');
    await card.scrollIntoViewIfNeeded();
    await expect(card).toContainText(lang === 'en' ? 'No backups yet.' : 'Копий пока нет.');

    await card.getByTestId('backup-now').click();
    await expect(card.getByTestId('backup-made')).toContainText(lang === 'en' ? 'Backed up and checked' : 'Копия сделана и проверена');
    const row = card.getByTestId('backup-row');
    await expect(row).toHaveCount(1);
    await expect(row.first()).toContainText(lang === 'en' ? 'By hand' : 'Вручную');
    await expect(row.first().getByTestId('backup-verified')).toHaveText('✓');
    await expect(row.first().getByTestId('backup-holds')).toContainText(lang === 'en' ? '6 contacts' : '6 контактов');

    // "Back up to…": a folder typed in (the browser build cannot open a folder picker).
    const stick = mkdtempSync(join(tmpdir(), 'optin-e2e-stick-'));
    try {
      await card.getByTestId('backup-to-path').fill(stick);
      await card.getByTestId('backup-to').click();
      await expect(card.getByTestId('backup-made')).toContainText(stick);
      expect(readdirSync(stick).filter((f) => f.endsWith('.db'))).toHaveLength(1);
    } finally {
      rmSync(stick, { recursive: true, force: true });
    }
    await shoot(page, `backups-card-${lang}`);

    // After the backup: a new customer and an opt-out. Restoring the backup would lose both, and says so.
    await seed(backend, 'contacts.add', { phone: '+79129990001', name: 'Новый Покупатель' });
    await seed(backend, 'consent.record', { phone: phoneOf(0), channel: 'sms', purpose: 'marketing', action: 'revoke', evidence: { note: 'СТОП' } });
    await row.first().getByTestId('backup-restore').click();
    const modal = page.getByTestId('restore-modal');
    await expect(modal.getByTestId('restore-checks')).toContainText('✓');
    await expect(modal.getByTestId('restore-restored')).toContainText(lang === 'en' ? '6 contacts' : '6 контактов');
    await expect(modal.getByTestId('restore-current')).toContainText(lang === 'en' ? '7 contacts' : '7 контактов');
    const loss = modal.getByTestId('restore-loss');
    await expect(loss).toContainText(lang === 'en' ? '1 contact' : '1 контакт');
    await expect(modal.getByTestId('restore-optouts')).toContainText('+7 912 100 00 00');
    await expect(modal.getByTestId('restore-optouts')).toContainText(
      lang === 'en' ? 'entered again in the restored register' : 'будет внесена в восстановленный реестр снова',
    );
    await expect(modal.getByTestId('restore-go')).toBeDisabled();
    await expect(modal).toContainText(
      lang === 'en'
        ? 'I understand that restoring loses 2 consent events, 1 contact'
        : 'Я понимаю, что при восстановлении пропадёт: 2 события согласия, 1 контакт',
    );
    await shoot(page, `backups-restore-${lang}`);
    await modal.getByTestId('restore-confirm').check();
    await modal.getByTestId('restore-go').click();
    await expect(card.getByTestId('restore-done')).toContainText(
      lang === 'en' ? 'The register now holds 6 contacts' : 'Теперь в реестре: 6 контактов',
    );
    // The opt-out recorded after the backup was entered again: the customer stays opted out.
    await expect(card.getByTestId('restore-optouts-kept')).toContainText(lang === 'en' ? "1 number's opt-out" : 'Отписка 1 номера');
    const status = await seed<{ consents: { channel: string; purpose: string; status: string }[] }>(backend, 'consent.status', { phone: phoneOf(0) });
    expect(status.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')?.status).toBe('revoked');
    // The register it replaced was kept first; the list shows it.
    await expect(card.getByTestId('backup-row')).toHaveCount(2);
    await expect(card.getByTestId('backup-row').first()).toContainText(lang === 'en' ? 'Before a restore' : 'Перед восстановлением');
    // Its note (which backup was restored over it) is stored by key and said in the window's language.
    await expect(card.getByTestId('backup-row').first().getByTestId('backup-note')).toContainText(
      new RegExp(lang === 'en' ? '^before restoring \\S+\\.manual\\.db$' : '^перед восстановлением из \\S+\\.manual\\.db$'),
    );
    const list = await seed<{ total: number }>(backend, 'contacts.list', {});
    expect(list.total).toBe(6);
    const verify = await seed<{ ok: boolean; witness: { state: string } }>(backend, 'audit.verify', {});
    expect(verify).toMatchObject({ ok: true, witness: { state: 'consistent' } });
    await shoot(page, `backups-restored-${lang}`);
  });
}
