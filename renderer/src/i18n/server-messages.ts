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
  'another name for this number': 'у этого номера другое имя: тот же человек или номер записан с ошибкой?',
  'not entered': 'эта строка ещё не введена',
  'voided already': 'строка уже аннулирована',
  'nothing to correct': 'укажите номер или имя, как они написаны на листе',
  'not a usable number': 'по этому номеру нельзя писать',
  'nothing to move': 'строка больше ничего не даёт: введите номер новой строкой',
  'say why the row is corrected': 'укажите, почему строка исправляется',
  'no separate personal-data section': 'в тексте нет отдельного раздела о персональных данных',
  'say what the complaint was': 'опишите, на что жалуется клиент',
  'text is too long': 'слишком длинный текст',
  // campaigns, the outbox, providers
  'the message is empty': 'сообщение пустое',
  'the message is longer than 10,000 characters': 'сообщение длиннее 10 000 знаков',
  'in the past': 'время уже прошло',
  'unknown batch': 'такой рассылки нет',
  'not sent yet': 'рассылка ещё не отправлялась',
  'unknown recipient': 'такого получателя нет',
  'name a provider': 'выберите провайдера',
  'at most two providers (WhatsApp and SMS)': 'не больше двух провайдеров (WhatsApp и SMS)',
  'no provider for sms': 'нет провайдера для SMS',
  'no provider for whatsapp': 'нет провайдера для WhatsApp',
  'required for WhatsApp marketing through the Cloud API': 'нужен для рекламы в WhatsApp через Cloud API',
  'provider name is required': 'укажите название провайдера',
  'provider name is longer than 40 characters': 'название провайдера длиннее 40 знаков',
  'provider name: letters, digits, spaces, dot, dash and underscore': 'в названии — буквы, цифры, пробелы, точка, дефис и подчёркивание',
  'unknown provider': 'такого провайдера нет',
  required: 'обязательно',
  'not carried by this provider': 'этот провайдер не отправляет по этому каналу',
  secret: 'это секрет: вводится в поле секрета',
  'unknown secret': 'у этого типа нет такого секрета',
  'not stored': 'не удалось сохранить',
  'must be more than 0': 'должно быть больше 0',
  'is a secret: store it with the secrets, not in the options': 'это секрет: он хранится с секретами, а не в настройках',
  'give a sender: from (SMS), messagingServiceSid, or whatsappFrom (WhatsApp)':
    'укажите отправителя: «Отправитель» (SMS), Messaging Service SID или номер WhatsApp',
  'template: the WhatsApp Cloud API sends marketing only as an approved template; name it and its language':
    'WhatsApp Cloud API отправляет рекламу только одобренным шаблоном: укажите его название и язык.',
  'to: give the number to send the test to (the shop has no phone number in its settings)':
    'Укажите номер для проверки: в настройках нет телефона магазина.',
  'accepted by the provider': 'провайдер принял сообщение',
  // provider answers (the outbox's pause reasons and a test's refusals)
  'the webhook refused the token': 'вебхук не принял токен',
  'Twilio refused the credentials': 'Twilio не принял данные для входа',
  'Meta refused the access token': 'Meta не приняла токен доступа',
  'the hand-off folder cannot be written; check the folder setting and free space':
    'в папку для передачи нельзя записать: проверьте настройку папки и свободное место',
  'no answer within the time limit': 'нет ответа за отведённое время',
  'could not connect to the provider': 'не удалось связаться с провайдером',
  'the connection broke before an answer arrived': 'связь оборвалась до ответа',
  'the provider cannot say whether it took the message': 'провайдер не может сказать, принял ли он сообщение',
  // a recipient's history in the outbox
  accepted: 'принято',
  'not sent: the run stopped': 'не отправлено: отправка остановлена',
  'the recipient opted out with the provider': 'получатель отписался у провайдера',
  'number flagged': 'номер помечен как несуществующий',
  'contact missing': 'контакта нет',
};

// Why the gate left someone out (shared/domain/gate), as a recipient's history names it.
const GATE_REASONS: Record<string, string> = {
  revoked: 'отписался',
  invalid_number: 'не мобильный номер',
  complained: 'недавно жаловался',
  no_consent: 'нет согласия',
  pending: 'согласие не подтверждено',
  expired: 'согласие устарело',
  whatsapp_us_pause: 'номер США в WhatsApp',
  frequency_cap: 'слишком много сообщений',
  quiet_hours: 'тихие часы',
};

// Option descriptions of the provider kinds (a missing or invalid option quotes them), in Russian.
const PROVIDER_OPTIONS: Record<string, string> = {
  'Twilio Account SID (AC followed by 32 hex digits).': 'Account SID в Twilio (AC и 32 шестнадцатеричные цифры).',
  'API key SID (SK…) to authenticate with instead of the account.': 'API key SID (SK…) для входа вместо аккаунта.',
  'SMS sender: a Twilio number in E.164 (+15551234567), a short code, or an alphanumeric sender ID (up to 11 characters).':
    'отправитель SMS: номер Twilio в E.164 (+15551234567), короткий номер или буквенное имя (до 11 символов).',
  'Messaging Service SID (MG…): sends through the service’s sender pool, SMS and WhatsApp.':
    'Messaging Service SID (MG…): отправка через пул отправителей сервиса, SMS и WhatsApp.',
  'WhatsApp sender number in E.164; enables WhatsApp.': 'номер отправителя WhatsApp в E.164; включает WhatsApp.',
  'Meta’s numeric id of the business phone number (not the number itself).': 'числовой id номера компании в Meta (не сам номер).',
  'Template language used when a template names none, e.g. ru or en_US.': 'язык шаблона по умолчанию, например ru или en_US.',
  'Sender name approved in the SMS.ru account (3–11 Latin letters, digits and . - _ ! ? ( ) & or space).':
    'имя отправителя, согласованное в SMS.ru (3–11 латинских букв, цифр и . - _ ! ? ( ) & или пробел).',
  '"1" to use SMS.ru test mode: answers as usual but sends nothing.': '«1» — тестовый режим SMS.ru: отвечает, но ничего не отправляет.',
  'Address each message is POSTed to as JSON.': 'адрес, на который отправляется каждое сообщение (JSON).',
  'File format: csv (default) or xlsx.': 'формат файла: csv (по умолчанию) или xlsx.',
  'CSV field separator: , (default), ;, | or tab.': 'разделитель CSV: , (по умолчанию), ;, | или tab.',
  'Column preset: generic (phone digits without +, message, ref).': 'набор столбцов: generic (цифры номера без +, текст, ссылка).',
  'The channel the uploaded file is sent on: sms (default) or whatsapp.': 'канал отправки файла: sms (по умолчанию) или whatsapp.',
  'Override the API address (a regional edge, a mirror, a local test server).':
    'другой адрес API (региональный узел, зеркало, локальный тестовый сервер).',
};

const providerOption = (description: string): string => {
  const known = PROVIDER_OPTIONS[description];
  if (known) return known;
  const rate = description.match(/^Messages per second the account may send \(default (\d+)\)\.$/);
  if (rate) return `сообщений в секунду, разрешённых аккаунту (по умолчанию ${rate[1]}).`;
  const version = description.match(/^Graph API version \(default (\S+)\)\.$/);
  if (version) return `версия Graph API (по умолчанию ${version[1]}).`;
  return description;
};

/** One problem with a provider's options (`path: message`), or only its message. */
function providerProblem(message: string): string | null {
  const m = message.match(/^(?:((?:options|secrets)\.\w+|kind):? )?(required|not valid): (.+)$/);
  if (m)
    return `${m[1] ? `${m[1].replace(/^(options|secrets)\./, '')}: ` : ''}${m[2] === 'required' ? 'обязательно' : 'неверно'} — ${providerOption(m[3]!)}`;
  const unknown = message.match(/^(?:options\.(\w+): )?not an option of ([\w-]+); known: (.+)$/);
  if (unknown) return `${unknown[1] ? `${unknown[1]}: ` : ''}такой настройки у типа ${unknown[2]} нет; есть: ${unknown[3]}`;
  return null;
}

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

// What holds the register when an ordinary write is answered BUSY (electron/core/register/optout-intake.ts describe()).
const BUSY_WHAT_EXACT: Record<string, string> = {
  'a change': 'другое изменение',
  'other work in this window': 'другая работа в этом окне',
  'an import': 'импорт',
  'rebuilding the consent projection': 'пересборка таблицы согласий',
};

const BUSY_SENTENCE = /^the register is busy with (.+) in another window or process; try again in a moment$/;

/** What a BUSY answer names as holding the register: its `what` detail, else read from its sentence; null when neither. */
export function busyHolder(message: string, details?: Record<string, unknown>): string | null {
  if (typeof details?.what === 'string' && details.what) return details.what;
  return message.match(BUSY_SENTENCE)?.[1] ?? null;
}

/** What holds the register ("an import of big.csv (started 12 s ago)") in `lang`; unknown holders are shown as sent. */
export function translateBusyWhat(what: string, lang: string): string {
  if (!lang.startsWith('ru')) return what;
  const m = what.match(/^(.*?)(?: \(started (\d+) (s|min) ago\))?$/)!;
  const head = m[1]!;
  // "started 12 s ago" as "идёт 12 с": the same fact, without a past participle that must agree with the holder.
  const ago = m[2] ? ` (идёт ${m[2]} ${m[3] === 's' ? 'с' : 'мин'})` : '';
  const file = head.match(/^an import of (.+)$/);
  const undo = head.match(/^undoing import (\d+)$/);
  const said = BUSY_WHAT_EXACT[head] ?? (file ? `импорт файла ${file[1]}` : undo ? `отмена импорта ${undo[1]}` : head);
  return `${said}${ago}`;
}

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    /^this call lacks the host's access key: open the address the host printed when it started \((.+)\)$/,
    (m) => `нет ключа доступа: откройте адрес, который программа напечатала при запуске (${m[1]})`,
  ],
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
  // campaigns and the outbox
  [
    /^batch (\d+): the message has lint errors, so it cannot be sent; fix the text and plan again$/,
    (m) => `Рассылка ${m[1]}: в тексте есть ошибки, отправить её нельзя. Исправьте текст и запланируйте заново.`,
  ],
  [/^batch: no batch (\d+)$/, (m) => `рассылки ${m[1]} нет`],
  [/^batch (\d+) was cancelled$/, (m) => `рассылка ${m[1]} отменена`],
  [/^batch (\d+) has not been sent$/, (m) => `рассылка ${m[1]} ещё не отправлялась`],
  [/^at: (.+) is in the past; plan for now or later$/, () => 'Это время уже прошло: запланируйте на сейчас или позже.'],
  [
    /^providers: none of (.+) is set up to send (SMS|WhatsApp)$/,
    (m) => `Ни один из провайдеров (${m[1]!.replace(/"([^"]*)"/g, '«$1»')}) не настроен на отправку ${m[2]}.`,
  ],
  [/^provider: no provider named "(.+)"$/, (m) => `провайдера «${m[1]}» нет`],
  [
    /^channel: (.+) is not set up for (sms|whatsapp|any channel)$/,
    (m) => `«${m[1]}» не отправляет ${m[2] === 'any channel' ? 'ни по одному каналу' : m[2] === 'sms' ? 'SMS' : 'WhatsApp'}`,
  ],
  [/^recipient (\d+) is (\w+), not unknown: there is nothing to decide$/, (m) => `получатель ${m[1]} уже в состоянии «${m[2]}»: решать нечего`],
  [/^recipient: no recipient (\d+)$/, (m) => `получателя ${m[1]} нет`],
  [/^options\.(\w+): a secret is never stored with the options; give it as a secret$/, (m) => `${m[1]}: это секрет, он вводится в поле секрета`],
  [/^secrets\.(\w+): ([\w-]+) has no secret called \w+$/, (m) => `${m[1]}: у типа ${m[2]} нет такого секрета`],
  [
    /^provider (.+?): secrets\.(\w+) the (.+) is missing; set it in (.+)$/,
    (m) => `провайдер «${m[1]}»: не задан секрет ${m[2]} (${m[3]}) — задайте его в настройках провайдера`,
  ],
  [/^secrets\.(\w+) the (.+) is missing; set it in (.+)$/, (m) => `не задан секрет ${m[1]} (${m[2]}) — задайте его в настройках провайдера`],
  // the outbox: skip and failure reasons, a recipient's history
  [/^(\w+): gave up after (\d+) attempts$/, (m) => `${m[1]!.replace(/^HTTP_/, 'HTTP ')}: попыток было ${m[2]}, больше не повторяем`],
  [/^HTTP_(\d+): (.+)$/, (m) => `HTTP ${m[1]}: ${translateServerMessage(m[2]!, 'ru') ?? m[2]}`],
  [/^webhook: (.+)$/, (m) => `вебхук: ${m[1]}`],
  [BUSY_SENTENCE, (m) => `реестр занят (${translateBusyWhat(m[1]!, 'ru')}) в другом окне или процессе; попробуйте ещё раз чуть позже`],
  [/^paused by itself: (.+)$/, (m) => `приостановлено само и продолжится само: ${translateServerMessage(m[1]!, 'ru') ?? m[1]}`],
  [/^the webhook answered HTTP (\d+)$/, (m) => `вебхук ответил HTTP ${m[1]}`],
  [/^handed to (.+)$/, (m) => `передано провайдеру «${m[1]}»`],
  [/^accepted as (.+)$/, (m) => `принято, id ${m[1]}`],
  [/^deferred: (\w+)$/, (m) => `отложено: ${GATE_REASONS[m[1]!] ?? m[1]}`],
  [/^gate at hand-off: (\w+)$/, (m) => `не отправлено при проверке: ${GATE_REASONS[m[1]!] ?? m[1]}`],
  [/^retry: (\S+) (.+)$/, (m) => `повтор: ${m[1]} ${translateServerMessage(m[2]!, 'ru') ?? m[2]}`],
  [/^provider stopped the batch: (.+)$/, (m) => `провайдер остановил рассылку: ${translateServerMessage(m[1]!, 'ru') ?? m[1]}`],
  [/^marked sent by (.+)$/, (m) => `отмечено как отправленное: ${m[1]}`],
  [/^sent again by decision of (.+)$/, (m) => `отправлено повторно по решению: ${m[1]}`],
  [/^status from provider: (\w+)$/, (m) => `состояние от провайдера: ${m[1]}`],
  [/^not reachable on (\w+)$/, (m) => `недоступен в ${m[1] === 'whatsapp' ? 'WhatsApp' : 'SMS'}`],
  [/^(?:(?:options|secrets)\.\w+: )?(?:required|not valid): .+$/, (m) => providerProblem(m[0]) ?? m[0]],
  [/^(?:options\.\w+: )?not an option of .+$/, (m) => providerProblem(m[0]) ?? m[0]],
  // Last: "provider NAME: …" would otherwise swallow the sentences above that start with "provider".
  [
    /^provider (.+?): (.+)$/,
    (m) =>
      `провайдер «${m[1]}»: ${m[2]!
        .split('; ')
        .map((p) => providerProblem(p) ?? p)
        .join('; ')}`,
  ],
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
