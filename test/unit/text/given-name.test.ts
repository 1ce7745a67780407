import { describe, expect, it } from 'vitest';
import { givenName } from '../../../shared/domain/text/given-name';
import { contactFields } from '../../../shared/domain/lint/profile';

describe('givenName: whom {{first_name}} greets', () => {
  it.each([
    // «ФИО» as Russian CRMs and paper registers write it: surname first.
    ['Алексеев Андрей Петрович', 'Андрей'],
    ['Смирнова Анна Сергеевна', 'Анна'],
    ['Алексеев Андрей', 'Андрей'],
    ['Ильина Марина', 'Марина'],
    ['Кузнецова Ольга', 'Ольга'],
    ['ГАЙНУЛЛИН РИНАТ', 'РИНАТ'],
    ['Петросян Арам Ашотович', 'Арам'],
    // Given name first, as people type their own.
    ['Анна Смирнова', 'Анна'],
    ['Марина Ильина', 'Марина'],
    ['Иван Иванович Иванов', 'Иван'],
    ['Иван Иванович', 'Иван'],
    ['Лев Толстой', 'Лев'],
    ['Саша Белова', 'Саша'],
    ['Белова Саша', 'Саша'],
    // A surname's ending tells when neither word is a known given name.
    ['Кравченко Злата', 'Злата'],
    ['Мирон Соколовский', 'Мирон'],
    ['Соколовский Мирон', 'Мирон'],
    // Latin script, one word, four words, nothing: the first word, as ever.
    ['John Smith', 'John'],
    ['Emma Wright', 'Emma'],
    ['Анна', 'Анна'],
    ['Leeds Riders Club Members', 'Leeds'],
    ['', ''],
    ['  Алексеев   Андрей  ', 'Андрей'],
  ])('%s → %s', (name, given) => {
    expect(givenName(name)).toBe(given);
  });

  it('is what a message greets by', () => {
    expect(contactFields('Алексеев Андрей')).toEqual({ name: 'Алексеев Андрей', first_name: 'Андрей' });
  });
});
