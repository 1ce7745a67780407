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
};

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^at most (\d+) days under this pack$/, (m) => `не больше ${m[1]} дн. по этим правилам`],
  [/^at most (\d+) hours under this pack$/, (m) => `не больше ${m[1]} ч по этим правилам`],
  [/^the send window must lie within (\S+)-(\S+)$/, (m) => `окно отправки должно быть в пределах ${m[1]}–${m[2]}`],
  [/^at most (\d+) messages per (\d+) days under this pack$/, (m) => `не больше ${m[1]} сообщений за ${m[2]} дн. по этим правилам`],
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
