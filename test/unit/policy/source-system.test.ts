import { describe, expect, it } from 'vitest';
import { getPolicyPack, missingEvidence, sourceNamesOnlyASystem } from '../../../shared/domain/policy/policy';

/**
 * An import's consent source that only names a system or a file is the CRM's own word, no evidence of how the customer
 * agreed (DOMAIN §1.1 RU-CONSENT-AD: "import from CRM without evidence ⇒ unproven"). Found by an adversarial review: a
 * CRM export with a date and "CRM" as its source became a sendable advertising consent under the ru pack.
 */
describe('sourceNamesOnlyASystem', () => {
  it.each([
    'CRM',
    'crm export',
    'Выгрузка из 1С',
    'AmoCRM',
    'old database',
    'Битрикс24',
    'import 2024',
    'Excel',
    'n/a',
    '-',
    'Imported from HubSpot',
  ])('"%s" names only a system', (source) => expect(sourceNamesOnlyASystem(source)).toBe(true));
  it.each([
    'анкета в магазине',
    'website form',
    'SMS START to 12345',
    'paper form S-000123',
    'in-store paper form (from the old crm)',
    'касса, устное согласие',
  ])('"%s" says how the customer agreed', (source) => expect(sourceNamesOnlyASystem(source)).toBe(false));
  it('every pack: an import grant whose source names only a system lacks its import source; one that says how does not', () => {
    for (const id of ['ru', 'eu', 'de', 'uk', 'us', 'ca'] as const) {
      const pack = getPolicyPack(id);
      expect(missingEvidence(pack, 'import', { importBatchId: '1', source: 'CRM' })).toEqual(['importSource']);
      expect(missingEvidence(pack, 'import', { importBatchId: '1', source: 'анкета в магазине' })).toEqual([]);
    }
  });
});
