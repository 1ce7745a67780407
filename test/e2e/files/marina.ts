import iconv from 'iconv-lite';
import type { CsvFile } from './customers';

/**
 * Marina's flower shop in Kazan keeps customers in amoCRM and, from an older branch, in Bitrix24. These are the
 * files those systems give her, written here as they come out (issue #17 items 5 and 6).
 */

/**
 * amoCRM «Экспорт контактов»: UTF-8 with a BOM, `;`, amoCRM's own column names. Row numbers (the header is row 1):
 * 2 a consent with its source (granted), 3 a consent without a source (unproven claim), 4 no consent at all,
 * 5 a landline only (rejected: no mobile), 6 the same person as row 2 under the other number field (merged).
 */
export function amoCrmCsv(): CsvFile {
  const lines = [
    'ID;Полное имя контакта;Компания контакта;Ответственный;Дата создания;Теги;Рабочий телефон;Мобильный телефон;Рабочий e-mail;Частный e-mail;Источник;Комментарий;Согласие на рассылку',
    '31000101;Гульнара Хабибуллина;;Марина;12.03.2025 14:05;постоянная;;+7 917 270-11-01;;gulnara@example.ru;анкета в салоне;любит пионы;да',
    '31000102;Ильдар Сафин;;Марина;02.04.2025 10:00;опт;;8 917 270-11-02;ildar@example.ru;;;звонить после 18:00;да',
    '31000103;Алсу Галиева;;Марина;05.05.2025 12:30;;;+7 917 270-11-03;;;сайт;;',
    '31000104;Офис на Баумана;ООО «Казанские цветы»;Марина;06.05.2025 09:00;;+7 843 200-11-04;;;;;;да',
  ];
  return { name: 'amocrm_export_contacts.csv', buffer: Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8') };
}

/** Bitrix24 «Экспорт в Excel»: an HTML table saved as .xls, in Windows-1251; a total row at the foot. */
export function bitrixHtmlXls(): CsvFile {
  const html = `<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
</head>
<body>
<table border="1">
<tr><th>ID</th><th>Имя</th><th>Фамилия</th><th>Мобильный телефон</th><th>Рабочий e-mail</th><th>Согласие на рассылку</th><th>Дата согласия</th><th>Источник согласия</th></tr>
<tr><td>501</td><td>Рустем</td><td>Закиров</td><td>+7 917 270-21-01</td><td>rustem@example.ru</td><td>Да</td><td>14.02.2025</td><td>анкета &laquo;Цветочная лавка&raquo; №7</td></tr>
<tr><td>502</td><td>Лейсан</td><td>Мухаметова</td><td>8 (917) 270-21-02</td><td></td><td>Да</td><td>08.03.2025</td><td>анкета &laquo;Цветочная лавка&raquo; №8</td></tr>
<tr><td colspan="2">Итого: 2</td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
</table>
</body>
</html>
`;
  return { name: 'CONTACT_bitrix24.xls', buffer: iconv.encode(html, 'windows-1251') };
}
