import { describe, expect, it } from 'vitest';
import { readHtmlTable } from '../../../shared/domain/csv/html-table';

describe('reading the table of an HTML ".xls"', () => {
  it('reads cells with attributes, entities, line breaks and cells left unclosed', () => {
    const r = readHtmlTable(
      '<html><table border=1><tr><th class="h">Имя</th><th>Телефон</th></tr><tr><td style="x">Анна &amp; Ко<br>Казань<td>+7 912 000-00-01</table>',
    );
    expect(r).toEqual({
      ok: true,
      rows: [
        ['Имя', 'Телефон'],
        ['Анна & Ко\nКазань', '+7 912 000-00-01'],
      ],
    });
  });

  it('a page of tags that never close is read through once, not once per tag (it froze the app for minutes)', () => {
    // 1 MiB of "<td " with no ">": each unclosed tag used to make the tag pattern read on to the end of the page, so the
    // work grew with the square of the page (35 s at 200 KB); read once, it is a moment, well inside the test's limit.
    const page = `<html><body><table><tr><td>phone</td><td>name</td></tr><tr><td>+12025550101</td><td>${'<td '.repeat(262_144)}`;
    const r = readHtmlTable(page);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rows[0]).toEqual(['phone', 'name']);
    expect(r.rows[1]![0]).toBe('+12025550101');
    // The same inside a cell's text: a "<b " left open is text, and the rest of the page is read once.
    const inCell = readHtmlTable(`<table><tr><td>a</td></tr><tr><td>${'<b x'.repeat(262_144)}</td></tr></table>`);
    expect(inCell.ok && inCell.rows[1]![0]!.startsWith('<b x<b x')).toBe(true);
  });
});
