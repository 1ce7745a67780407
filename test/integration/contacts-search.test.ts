import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { scopedBackend } from '../support/backend';
import type { Output } from '../../shared/contract/api';

type Listed = Output<'contacts.list'>;
const names = (r: Listed) => r.contacts.map((c) => c.name);

/** Many contacts at once through the repo (the app path per contact would take minutes for 10,000). */
function bulk(t: ReturnType<typeof scopedBackend>, n: number, name: (i: number) => string, firstNumber: number): void {
  const { ctx } = t.backend;
  ctx.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const national = String(firstNumber + i);
      ctx.contacts.insert({
        phone: `+7${national}`,
        nationalNumber: national,
        name: name(i),
        email: null,
        locale: 'ru',
        country: 'RU',
        externalId: null,
        tags: [],
        reach: 'mobile',
        otherPhones: [],
        importBatchId: null,
        createdAt: 0,
        updatedAt: 0,
      });
    }
  })();
}

describe('search finds «ё» either way, Latin letters without their marks, and the last digits of a number', () => {
  it('finds «Семён Фёдоров» by «Фёдоров», «Федоров», «Семён», «Семен», in any case', async () => {
    const t = scopedBackend();
    await t.call('contacts.add', { phone: '+7 912 620-43-66', name: 'Семён Фёдоров' });
    await t.call('contacts.add', { phone: '+7 912 111-22-33', name: 'Анна Федорова' });
    await t.call('contacts.add', { phone: '+7 912 444-55-66', name: 'Пётр Сёмин' });
    for (const typed of ['Фёдоров', 'Федоров', 'ФЕДОРОВ', 'федор', 'Семён', 'Семен', 'семён фёдоров', 'Семен Федоров']) {
      const found = await t.call('contacts.list', { query: typed });
      expect(names(found), typed).toContain('Семён Фёдоров');
    }
    expect(names(await t.call('contacts.list', { query: 'Федоров' })).sort()).toEqual(['Анна Федорова', 'Семён Фёдоров']);
    expect(names(await t.call('contacts.list', { query: 'Сёмин' }))).toEqual(['Пётр Сёмин']);
    expect(names(await t.call('contacts.list', { query: 'петр' }))).toEqual(['Пётр Сёмин']);
    expect((await t.call('contacts.list', { query: 'Фёдоров' })).total).toBe(2);
  });

  it('finds Latin names without their diacritics, and with them', async () => {
    const t = scopedBackend();
    await t.call('contacts.add', { phone: '+7 912 000-00-01', name: 'Élodie Müller' });
    await t.call('contacts.add', { phone: '+7 912 000-00-02', name: 'Łukasz Dvořák' });
    for (const typed of ['elodie', 'Élodie', 'muller', 'Müll', 'MÜLLER'])
      expect(names(await t.call('contacts.list', { query: typed })), typed).toEqual(['Élodie Müller']);
    for (const typed of ['lukasz', 'dvorak', 'Dvořák'])
      expect(names(await t.call('contacts.list', { query: typed })), typed).toEqual(['Łukasz Dvořák']);
  });

  it('a name changed later is found by its new spelling only', async () => {
    const t = scopedBackend();
    const c = await t.call('contacts.add', { phone: '+7 912 000-00-03', name: 'Ольга Смирнова' });
    await t.call('contacts.update', { id: c.id, name: 'Ольга Алёшина' });
    expect(names(await t.call('contacts.list', { query: 'Алешина' }))).toEqual(['Ольга Алёшина']);
    expect((await t.call('contacts.list', { query: 'Смирнова' })).contacts).toEqual([]);
  });

  it('finds a number by its last digits, typed with or without separators, and by its beginning as before', async () => {
    const t = scopedBackend();
    await t.call('contacts.add', { phone: '+7 912 620-43-66', name: 'Семён Фёдоров' });
    await t.call('contacts.add', { phone: '+7 912 777-43-67', name: 'Другой' });
    for (const typed of ['620-43-66', '6204366', '43-66', '4366', '+7 912 620', '8 912 620-43-66', '79126204366', '912 620'])
      expect(names(await t.call('contacts.list', { query: typed })), typed).toEqual(['Семён Фёдоров']);
    // The last digits must be the end of the number, not its beginning read backwards.
    expect((await t.call('contacts.list', { query: '6634' })).contacts).toEqual([]);
  });
});

describe('the count of what was found', () => {
  it('is exact up to 1,000 matches, and "at least 1,000" beyond', async () => {
    const t = scopedBackend();
    bulk(t, 250, (i) => `Фёдорова ${i}`, 9_100_000_000);
    bulk(t, 1_050, (i) => `Иванов ${i}`, 9_200_000_000);
    const few = await t.call('contacts.list', { query: 'Федорова', limit: 100 });
    expect(few.contacts).toHaveLength(100);
    expect(few.total).toBe(250);
    const many = await t.call('contacts.list', { query: 'иванов', limit: 100 });
    expect(many.total).toBeNull();
    expect(many.atLeast).toBe(1_000);
    // A page that holds everything found is its own count.
    expect((await t.call('contacts.list', { query: 'Фёдорова 12', limit: 100 })).total).toBe(11);
    // A single letter (the name index) counts the same way.
    const letter = await t.call('contacts.list', { query: 'ф' });
    expect(letter.total).toBe(250);
    expect((await t.call('contacts.list', {})).total).toBe(1_300);
  });
});

describe('pages by cursor', () => {
  it('walk the whole list and a search in order, with nothing missed or repeated, the same as pages by offset', async () => {
    const t = scopedBackend();
    bulk(t, 530, (i) => ['Ёлкина', 'Егорова', 'Zoë', 'Émile', 'Иван'][i % 5]! + ` ${i % 7}`, 9_300_000_000);
    for (const query of [undefined, 'иван', 'е', '9300000']) {
      const byCursor: number[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 100; guard++) {
        const page: Listed = await t.call('contacts.list', { query, limit: 37, ...(cursor ? { cursor } : {}) });
        byCursor.push(...page.contacts.map((c) => c.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const byOffset: number[] = [];
      for (let offset = 0; ; offset += 37) {
        const page = await t.call('contacts.list', { query, offset, limit: 37 });
        byOffset.push(...page.contacts.map((c) => c.id));
        if (page.contacts.length < 37) break;
      }
      expect(byCursor, String(query)).toEqual(byOffset);
      expect(new Set(byCursor).size, String(query)).toBe(byCursor.length);
    }
    const all = await t.call('contacts.list', { limit: 1000 });
    expect(all.contacts).toHaveLength(530);
    expect(all.nextCursor).toBeNull();
    // In name order, accented letters with their base letter.
    const keys = all.contacts.map((c) => c.name.split(' ')[0]);
    expect([...new Set(keys)]).toEqual(['Émile', 'Zoë', 'Егорова', 'Ёлкина', 'Иван']);
  });

  it('a page from the end of the list reads the same as from the start', async () => {
    const t = scopedBackend();
    bulk(t, 300, (i) => `Имя ${String(i).padStart(3, '0')}`, 9_400_000_000);
    const first = await t.call('contacts.list', { limit: 300 });
    for (const offset of [0, 1, 149, 150, 151, 250, 299, 300]) {
      const page = await t.call('contacts.list', { offset, limit: 10 });
      expect(
        page.contacts.map((c) => c.id),
        String(offset),
      ).toEqual(first.contacts.slice(offset, offset + 10).map((c) => c.id));
    }
  });

  it('a deep page stays right after contacts change, here or in another process', async () => {
    const t = scopedBackend();
    bulk(t, 2_600, (i) => `Имя ${String(i).padStart(4, '0')}`, 9_600_000_000);
    const at = async (offset: number) => (await t.call('contacts.list', { offset, limit: 3 })).contacts.map((c) => c.name);
    expect(await at(2_100)).toEqual(['Имя 2100', 'Имя 2101', 'Имя 2102']);
    expect(await at(1_024)).toEqual(['Имя 1024', 'Имя 1025', 'Имя 1026']);
    // One that sorts first moves every later row one down.
    const first = await t.call('contacts.add', { phone: '+7 912 000-11-22', name: 'Аааа' });
    expect(await at(2_100)).toEqual(['Имя 2099', 'Имя 2100', 'Имя 2101']);
    await t.call('contacts.update', { id: first.id, name: 'Яяя' });
    expect(await at(2_100)).toEqual(['Имя 2100', 'Имя 2101', 'Имя 2102']);
    // Another connection's commit (another process on the same register) counts too.
    const other = new Database(t.dbPath);
    other.prepare(`UPDATE contacts SET name = 'Ааа', name_key = 'ааа' WHERE name = 'Имя 2500'`).run();
    other.close();
    expect(await at(2_100)).toEqual(['Имя 2099', 'Имя 2100', 'Имя 2101']);
    expect(await at(2_601)).toEqual([]);
    expect((await t.call('contacts.list', {})).total).toBe(2_601);
  });

  it('refuses a cursor it did not make, a cursor of another query, and a cursor with an offset, naming the problem', async () => {
    const t = scopedBackend();
    bulk(t, 5, (i) => `Имя ${i}`, 9_500_000_000);
    const page = await t.call('contacts.list', { limit: 2 });
    expect(page.nextCursor).toBeTruthy();
    await expect(t.call('contacts.list', { cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
    await expect(t.call('contacts.list', { cursor: page.nextCursor!, query: 'имя' })).rejects.toThrow(/cursor: it continues another search/);
    await expect(t.call('contacts.list', { cursor: page.nextCursor!, offset: 10 })).rejects.toThrow(/offset.*cursor|cursor.*offset/);
    const next = await t.call('contacts.list', { cursor: page.nextCursor!, limit: 2 });
    expect(next.contacts.map((c) => c.name)).toEqual(['Имя 2', 'Имя 3']);
  });
});
