import iconv from 'iconv-lite';

/** A file for the import wizard: its name and bytes. */
export interface CsvFile {
  name: string;
  buffer: Buffer;
}

/**
 * A shop's customer list as old Russian Excel saves it: Windows-1251, `;`, CRLF. Row numbers (the header is row 1):
 * 2 consent with date and source (granted), 3 consent without a source (unproven claim), 4 "do not contact",
 * 5 a bad phone (rejected), 6 one field too many (rejected), 7 a number already in the register (seeded customer 1,
 * updated with an e-mail), 8 row 2's number again (merged).
 */
export function customersCsv(): CsvFile {
  const lines = [
    'Телефон;ФИО;Email;Согласие на рассылку;Дата согласия;Источник согласия;Не беспокоить;Город',
    '+7 912 555-01-01;Анна Смирнова;anna@example.ru;да;01.03.2026;Бумажная анкета №12;;Екатеринбург',
    '8 (912) 555-01-02;Иван Петров;;да;15.02.2026;;;Пермь',
    '89125550103;Мария Кузнецова;;нет;;;да;Екатеринбург',
    '12345;Плохой Номер;;да;01.03.2026;Анкета;;Пермь',
    '+79125550105;Пётр;Соколов;;да;01.03.2026;Анкета;;Пермь',
    '+7 912 100-00-01;Иван Смирнов;ivan@example.ru;да;10.03.2026;Касса;;Пермь',
    '+79125550101;Анна Смирнова;;да;01.03.2026;Бумажная анкета №12;;Екатеринбург',
  ];
  return { name: 'клиенты-касса.csv', buffer: iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1251') };
}

/** A long UTF-8 file (`rows` customers, all with a proven consent), to watch progress and cancel. */
export function longCsv(rows: number): CsvFile {
  const out: string[] = ['phone,name,sms consent,consent date,consent source'];
  for (let i = 0; i < rows; i++) out.push(`+7913${String(1000000 + i)},Customer ${i},yes,2026-03-01,paper form ${i % 50}`);
  return { name: 'long.csv', buffer: Buffer.from(out.join('\n') + '\n', 'utf8') };
}

/** Not a CSV: the start of a ZIP archive (an .xlsx file is one). */
export function spreadsheetFile(): CsvFile {
  const bytes = Buffer.alloc(2048);
  bytes.write('PK\u0003\u0004', 0, 'latin1');
  for (let i = 4; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
  return { name: 'customers.xlsx', buffer: bytes };
}
