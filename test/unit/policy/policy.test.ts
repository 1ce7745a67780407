import { describe, expect, it } from 'vitest';
import { effectivePolicy, findLoosening, getPolicyPack, listPolicyPacks, missingEvidence } from '../../../shared/domain/policy/policy';

describe('policy packs', () => {
  it('bundles the six jurisdictions as validated data', () => {
    expect(listPolicyPacks().map((p) => p.id)).toEqual(['ru', 'eu', 'de', 'uk', 'us', 'ca']);
    expect(getPolicyPack('ru').requiresPersonalDataConsent).toBe(true);
    expect(getPolicyPack('de').doubleOptIn).toBe(true);
    expect(getPolicyPack('us').quietHours).toEqual({ start: '08:00', end: '21:00' });
    for (const p of listPolicyPacks()) expect(p.revocationScope).toBe('all_marketing');
  });

  it('accepts tightening and refuses loosening, naming the field', () => {
    const us = getPolicyPack('us');
    expect(findLoosening(us, { quietHours: { start: '09:00', end: '20:00' }, frequencyCap: { messages: 2, days: 7 } })).toEqual([]);
    expect(findLoosening(us, { quietHours: { start: '07:00', end: '21:00' } })[0]?.field).toBe('quietHours');
    expect(findLoosening(getPolicyPack('de'), { doubleOptIn: false })[0]?.field).toBe('doubleOptIn');
    expect(findLoosening(getPolicyPack('ru'), { maxConsentAgeDays: 5000 })[0]?.field).toBe('maxConsentAgeDays');
    expect(findLoosening(getPolicyPack('ru'), { revocationScope: 'channel' })[0]?.field).toBe('revocationScope');
    expect(findLoosening(getPolicyPack('ru'), { frequencyCap: { messages: 8, days: 7 } })[0]?.field).toBe('frequencyCap');
    expect(effectivePolicy(us, { maxConsentAgeDays: 365 }).maxConsentAgeDays).toBe(365);
  });

  it('says which evidence a grant lacks, and which methods cannot prove one', () => {
    const ru = getPolicyPack('ru');
    expect(missingEvidence(ru, 'paper_form', { formVersionId: 1 })).toEqual(['sheetRef']);
    expect(missingEvidence(ru, 'paper_form', { formVersionId: 1, sheetRef: 'S-1' })).toEqual([]);
    expect(missingEvidence(ru, 'verbal_in_store', {})).toBeNull();
    expect(missingEvidence(ru, 'import', { importBatchId: 'b1' })).toEqual(['importSource']);
  });
});
