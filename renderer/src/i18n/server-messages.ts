// The register answers in English; these are the field messages it is known to send, in Russian.
// Patterned ones (numbers inside) are matched by regex. Anything unknown is shown as sent, after a translated prefix.
const EXACT: Record<string, string> = {
  'phone is required': 'укажите номер',
  'phone is too long': 'слишком длинный номер',
  'not a valid e-mail address': 'это не адрес эл. почты',
  'business name cannot be empty': 'название не может быть пустым',
  'name is required': 'укажите имя',
  'title is required': 'укажите название',
  'choose at least one channel': 'выберите хотя бы один канал',
  'choose at least one purpose': 'выберите хотя бы одну цель',
  'the consent wording is too short': 'текст согласия слишком короткий',
  'time as HH:MM': 'время в виде ЧЧ:ММ',
  'expected a two-letter country code such as RU or DE': 'двухбуквенный код страны, например RU или DE',
  'lowercase letters, digits and dashes': 'строчные латинские буквы, цифры и дефисы',
  'a method is required (how was this consent collected?)': 'укажите способ (как получено согласие?)',
  'give a phone or a contactId': 'укажите номер',
  'the pack requires double opt-in': 'правила требуют двойного подтверждения',
  'the pack revokes all marketing on any opt-out': 'по правилам отказ отзывает всю рекламу',
  'the window must start before it ends': 'окно должно начинаться раньше, чем заканчивается',
  'only for revocations': 'только для отказов',
  'unknown form version': 'неизвестная версия текста',
  'form does not cover this channel and purpose': 'текст не охватывает этот канал и цель',
  'unknown time zone': 'неизвестный часовой пояс',
  'unknown staff member': 'неизвестный сотрудник',
  'deactivated staff member': 'сотрудник отключён',
  'already exists': 'уже есть',
  'in the future': 'дата в будущем',
  'already in the register': 'уже есть в реестре',
  'give the preset a name': 'назовите набор',
  'no phone column': 'нет столбца с телефоном',
  'only saved presets can be deleted': 'удалить можно только сохранённый набор',
  'file: the file is empty': 'Файл пустой.',
  'file: the file holds no text': 'В файле нет текста.',
  'file: the first line (the header) is empty': 'Первая строка (заголовок) пустая: в ней должны быть названия столбцов.',
  'file: this is not a text (CSV) file — it holds binary data (a spreadsheet or archive? save it as CSV first)':
    'Это не текстовый (CSV) файл: в нём двоичные данные (таблица Excel или архив?). Сохраните его как CSV.',
  'mapping: no column is mapped to a phone number; choose the column that holds the numbers':
    'Ни один столбец не выбран как телефон: укажите столбец с номерами.',
  'mapping: a preset must map a phone column': 'В наборе должен быть столбец с телефоном.',
  'import cancelled: nothing was written': 'Импорт отменён: ничего не записано.',
  // forms, sheets, paper entry
  'not set': 'не указан — укажите его в настройках',
  'not a serial': 'это не номер листа (он напечатан вверху листа, например S-000042)',
  'unknown sheet': 'лист с таким номером не печатали',
  'serial is required': 'укажите номер листа',
  'tick at least one channel': 'отметьте хотя бы один канал',
  'tick at least one consent': 'отметьте хотя бы одно согласие',
  'expected the date on the sheet as YYYY-MM-DD': 'укажите дату с листа в виде ГГГГ-ММ-ДД',
  'rows start at 1': 'строки начинаются с 1',
  'at least 1 row': 'хотя бы 1 строка',
  'at most 40 rows per sheet': 'не больше 40 строк на листе',
  'at least 1 sheet': 'хотя бы 1 лист',
  'at most 500 sheets at once': 'не больше 500 листов за раз',
  'the poster wording is too short': 'текст плаката слишком короткий',
  'keep the poster wording under 600 characters': 'текст плаката — не длиннее 600 знаков',
  'not an image or PDF': 'это не фото и не PDF (подойдут JPEG, PNG, WebP, HEIC, TIFF или PDF)',
  'say what the complaint was': 'опишите, на что жалуется клиент',
  'text is too long': 'слишком длинный текст',
};

/** 2026-03-01 → 01.03.2026, as dates are written in Russian. */
const ruDate = (iso: string): string => iso.split('-').reverse().join('.');

// Why a phone number in a file was refused (shared/domain/phone/normalize.ts), in Russian.
const PHONE_REFUSALS: Record<string, string> = {
  'no number given': 'номер не указан',
  'not a phone number': 'это не номер телефона',
  'too short for its country': 'слишком короткий для своей страны',
  'too long for its country': 'слишком длинный для своей страны',
  'no country code and no valid default country': 'нет кода страны, а страна по умолчанию не задана',
  'not a valid number for its country': 'неправильный номер для своей страны',
};

// Why a row of an imported file was rejected (the import's report), in Russian.
const ROW_EXACT: Record<string, string> = {
  'no phone number': 'нет номера телефона',
  'a quoted field is never closed: the quote swallows the lines after it': 'кавычка в поле не закрыта и захватывает следующие строки',
  'a quote inside a field is not doubled ("")': 'кавычка внутри поля не удвоена ("")',
  'a field is longer than 32 KB: probably a quote that is never closed': 'поле длиннее 32 КБ: вероятно, не закрыта кавычка',
};

const ROW_PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    /^has (\d+) fields but the header has (\d+) \(an unquoted delimiter or line break inside a value\?\)$/,
    (m) => `полей в строке: ${m[1]}, а в заголовке: ${m[2]} (разделитель или перенос строки внутри значения без кавычек?)`,
  ],
  [
    /^no valid phone number: (.+)$/,
    (m) =>
      `нет правильного номера: ${m[1]!
        .split('; ')
        .map((part) => {
          const p = part.match(/^"(.*)" in (.*): ([^:]+)$/);
          return p ? `«${p[1]}» в столбце «${p[2]}»: ${PHONE_REFUSALS[p[3]!] ?? p[3]}` : part;
        })
        .join('; ')}`,
  ],
];

/** A rejected row's reason in `lang`: translated when it is a known one, else as the register wrote it. */
export function translateRowReason(reason: string, lang: string): string {
  if (!lang.startsWith('ru')) return reason;
  const exact = ROW_EXACT[reason];
  if (exact) return exact;
  for (const [re, fn] of ROW_PATTERNS) {
    const m = reason.match(re);
    if (m) return fn(m);
  }
  return reason;
}

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    /^defaultCountry: "(.+)" is not a country whose phone numbers are known/,
    (m) => `для страны «${m[1]}» нумерация телефонов неизвестна (выберите, например, RU, DE, US)`,
  ],
  [/^at most (\d+) days under this pack$/, (m) => `не больше ${m[1]} дн. по этим правилам`],
  [/^at most (\d+) hours under this pack$/, (m) => `не больше ${m[1]} ч по этим правилам`],
  [/^the send window must lie within (\S+)-(\S+)$/, (m) => `окно отправки должно быть в пределах ${m[1]}–${m[2]}`],
  [/^at most (\d+) messages per (\d+) days under this pack$/, (m) => `не больше ${m[1]} сообщений за ${m[2]} дн. по этим правилам`],
  [/^at most (\d+) rows fit under this wording$/, (m) => `с этим текстом на листе помещается не больше ${m[1]} строк`],
  [/^not among the form's channels \((.+)\)$/, (m) => `этого канала нет в форме (в ней: ${m[1]})`],
  [/^sheet (S-\d+) has (\d+) rows?$/, (m) => `на листе ${m[1]} строк: ${m[2]}`],
  [/^row (\d+) of (S-\d+) was entered already \((.+), by (.+)\)$/, (m) => `строка ${m[1]} листа ${m[2]} уже внесена (${m[3]}, внёс(ла) ${m[4]})`],
  [
    /^sheet (S-\d+) \((F\d+-\d+)\) has no (\w+) box$/,
    (m) => `на листе ${m[1]} (${m[2]}) нет отметки для ${m[3] === 'whatsapp' ? 'WhatsApp' : 'SMS'}`,
  ],
  [/^form (F\d+-\d+) does not ask for (\w+)$/, (m) => `форма ${m[1]} не спрашивает это согласие (${m[2]})`],
  [/^(\d{4}-\d{2}-\d{2}) is in the future$/, (m) => `${ruDate(m[1]!)} — дата в будущем`],
  [
    /^(\d{4}-\d{2}-\d{2}) is before sheet (S-\d+) was printed \((\d{4}-\d{2}-\d{2})\) — check the date$/,
    (m) => `${ruDate(m[1]!)} — раньше, чем лист ${m[2]} напечатан (${ruDate(m[3]!)}); проверьте дату`,
  ],
  [/^phone: (\+\d+) is not in the register$/, (m) => `номера ${m[1]} нет в реестре`],
  [/^fileId: (.+) is empty$/, (m) => `файл ${m[1]} пустой`],
  [/^fileId: (.+) is larger than 50 MB$/, (m) => `файл ${m[1]} больше 50 МБ`],
];

/** A known register message in `lang`, or null when it is not known (or the language is English). */
export function translateServerMessage(message: string, lang: string): string | null {
  if (!lang.startsWith('ru')) return null;
  const exact = EXACT[message];
  if (exact) return exact;
  for (const [re, fn] of PATTERNS) {
    const m = message.match(re);
    if (m) return fn(m);
  }
  return null;
}
