import { describe, expect, it } from 'vitest';
import { namesDiffer } from '../../../shared/domain/forms/written-name';

describe('the name written on a paper row against the contact the number belongs to', () => {
  it('calls another first name another person', () => {
    expect(namesDiffer('Дмитрий Смирнов', 'Анна Смирнова')).toBe(true);
    expect(namesDiffer('Tom', 'Anna Lee')).toBe(true);
  });

  it('takes a shorter, reordered, initialled or ё-spelled name for the same one', () => {
    for (const [written, known] of [
      ['Анна', 'Анна Смирнова'],
      ['Смирнова Анна', 'Анна Смирнова'],
      ['А. Смирнова', 'Анна Смирнова'],
      ['Семен Федоров', 'Семён Фёдоров'],
      ['  анна  ', 'АННА'],
    ])
      expect(namesDiffer(written!, known!), `${written} / ${known}`).toBe(false);
  });

  it('never flags a blank name on either side', () => {
    expect(namesDiffer('', 'Анна')).toBe(false);
    expect(namesDiffer('Анна', '')).toBe(false);
    expect(namesDiffer('—', 'Анна')).toBe(false);
  });
});
