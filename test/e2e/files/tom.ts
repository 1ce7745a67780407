import ExcelJS from 'exceljs';
import type { CsvFile } from './customers';

/**
 * Tom's bike shop in Leeds: Google Contacts on his phone, HubSpot from the web shop, and the workshop's Excel book
 * (issue #17 items 5 and 6).
 */

/**
 * Google Contacts «Export → Google CSV»: a club known only by its organisation, Google's system label «* myContacts»
 * beside his own labels. Rows: 2 Emma (customer), 3 Leeds Riders Club (no person's name), 4 Olly (customer).
 */
export function googleCsv(): CsvFile {
  const lines = [
    'First Name,Middle Name,Last Name,Nickname,File As,Organization Name,Organization Title,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value',
    'Emma,,Wright,,,,,,Road bike service every spring,* myContacts ::: Customers,* Home,emma.wright@example.co.uk,Mobile,+44 7400 123501',
    ',,,,,Leeds Riders Club,,,"Club rides on Sundays, bulk orders",* myContacts ::: Clubs ::: * starred,* Work,club@example.org,Mobile,07400 123502',
    'Olly,,Hughes,,,,,,,* myContacts ::: Customers,,,Mobile,+44 7400 123503',
  ];
  return { name: 'contacts.csv', buffer: Buffer.from(lines.join('\n') + '\n', 'utf8') };
}

/** HubSpot «Export contacts»: marketing status and its legal basis; one contact unsubscribed from all email. */
export function hubspotCsv(): CsvFile {
  const lines = [
    '"Record ID","First Name","Last Name","Email","Phone Number","Mobile Phone Number","Marketing contact status","Create Date","Original Source","Country/Region","Legal basis for processing contact\'s data"',
    '"71000001","Priya","Shah","priya@example.co.uk","","+447400123601","Marketing contact","2025-03-05 10:11","Offline Sources","United Kingdom","Freely given consent from contact"',
    '"71000002","Dan","Cole","dan@example.co.uk","","+447400123602","Non-marketing contact","2025-03-06 09:00","Organic Search","United Kingdom",""',
  ];
  return { name: 'hubspot-crm-exports-all-contacts.csv', buffer: Buffer.from(lines.join('\n') + '\n', 'utf8') };
}

/** The workshop's Excel book: a title above the header, consents with their date and where they were given. */
export async function workshopXlsx(): Promise<CsvFile> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Customers');
  ws.addRow(['Workshop customers — Leeds']);
  ws.addRow(['Name', 'Mobile', 'WhatsApp consent', 'Consent date', 'Consent source']);
  ws.addRow(['Sam Patel', '07400 123701', 'yes', new Date(Date.UTC(2025, 4, 10)), 'workshop job card']);
  ws.addRow(['Lucy Brown', '+44 7400 123702', 'yes', new Date(Date.UTC(2025, 4, 12)), 'workshop job card']);
  return { name: 'workshop.xlsx', buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}
