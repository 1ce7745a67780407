import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { problemText } from '../../renderer/src/components/integrity-text';
import { catalogResource } from '../../renderer/src/i18n/errors';
import errorsRu from '../../shared/contract/messages.ru.json';
import integrityEn from '../../renderer/src/i18n/integrity.en.json';
import integrityRu from '../../renderer/src/i18n/integrity.ru.json';
import { scopedBackend } from '../support/backend';
import { russianShop } from '../support/shop';

/** The window's words for a problem, in `lng`: the integrity screen's catalog and the errors catalog, as the app loads them. */
async function words(lng: 'en' | 'ru') {
  const i18n = i18next.createInstance();
  const errors = lng === 'ru' ? errorsRu : catalogResource();
  await i18n.init({
    lng,
    interpolation: { escapeValue: false },
    resources: { [lng]: { translation: { ...(lng === 'ru' ? integrityRu : integrityEn), errors } } },
  });
  return i18n.t;
}

/**
 * Why the witness beside the register cannot be read (issue #14 point 6) comes by key: Settings → register integrity
 * and the contact page say it in the person's language instead of dropping it; the CLI keeps the English sentence.
 */
describe('a witness that cannot be read, by key', () => {
  it('not JSON, not a witness file, heads malformed: each said by key, in Russian in the Russian window', async () => {
    const t = scopedBackend();
    await russianShop(t, { form: null });
    const path = `${t.dbPath}.witness.json`;
    const ru = await words('ru');
    const en = await words('en');
    const cases = [
      ['{ not json', 'witness.notJson', 'not JSON', 'это не JSON'],
      ['{"format":"something-else"}', 'witness.notWitnessFile', 'not a optin-desk-witness/1 file', 'это не файл optin-desk-witness/1'],
      [
        '{"format":"optin-desk-witness/1","schemaVersion":1,"events":{"lastId":"x"}}',
        'witness.malformedHeads',
        'its heads are malformed',
        'вершины цепочек в нём испорчены',
      ],
    ] as const;
    for (const [content, key, english, russian] of cases) {
      writeFileSync(path, content);
      const v = await t.call('audit.verify', {});
      expect(v.witness.state).toBe('unreadable');
      const p = v.problems.find((x) => x.kind === 'witness_unreadable')!;
      expect(p).toMatchObject({ expected: path, actual: english, said: { key, message: english } });
      expect(p.message).toContain(`cannot be read (${english})`);
      expect(problemText(ru, p)).toBe(`Файл-свидетель ${path} не читается (${russian}).`);
      expect(problemText(en, p)).toBe(`The witness file ${path} cannot be read (${english}).`);
    }
    // A problem from a version before keys: its English reason as written.
    const old = { ...(await t.call('audit.verify', {})).problems[0]!, said: undefined, actual: 'not JSON' };
    expect(problemText(ru, old)).toBe(`Файл-свидетель ${path} не читается (not JSON).`);
  });
});
