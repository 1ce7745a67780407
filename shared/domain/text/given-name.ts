/**
 * The given name in a person's name as a shop has it, for a greeting's {{first_name}}.
 *
 * Russian CRMs and paper registers write «ФИО» — surname, given name, patronymic («Алексеев Андрей Петрович») —
 * while people type their own name given name first («Анна Смирнова»). The first word alone greets half the shop's
 * customers by their surname. So a name of two or three words is read as Russian names are:
 *  1. a patronymic (…ович, …евна, …ична, …) says the order: right after the given name;
 *  2. else a word that is a common given name (or its everyday short form) beside one that is not is the given name;
 *  3. else a word with a surname's ending (…ов, …ева, …ский, …ина when the other is not a known given name) beside one
 *     without marks the other one;
 * and when nothing tells, the first word, as before. Names in Latin script are read given name first.
 */

const PATRONYMIC = /^[а-яё]+(?:ович|евич|ьич|ич|овна|евна|ична|инична)$/iu;

// Surname endings, most of them possessive suffixes; never a given name's ending in this list's form.
const SURNAME = /^[а-яё]+(?:ов|ова|ев|ева|ёв|ёва|ин|ын|ына|ский|ская|цкий|цкая|ской|ых|их|енко|ук|юк|чук|швили|дзе|ян|янц)$/iu;
// -ина is also a given name's ending (Марина, Ирина, Полина): a surname only beside a known given name.
const SURNAME_INA = /^[а-яё]+ина$/iu;

/** Common given names and their everyday forms (lower case, ё kept as е too). */
const GIVEN = new Set(
  `александр алексей анатолий андрей антон аркадий арсений артем артём артур богдан борис вадим валентин валерий василий
   вениамин виктор виталий владимир владислав всеволод вячеслав геннадий георгий герман глеб григорий давид даниил данил
   денис дмитрий евгений егор елисей захар иван игнат игорь илья иннокентий кирилл климент константин лев леонид макар
   максим марк матвей михаил назар никита николай олег павел петр пётр платон роман ростислав руслан савелий святослав
   семен семён сергей станислав степан тарас тимофей тимур федор фёдор филипп эдуард эльдар юрий яков ярослав айдар
   ильдар ильнур марат ринат рустам рамиль азат камиль шамиль
   александра алена алёна алина алиса алла анастасия ангелина анжела анна антонина арина валентина валерия варвара
   василиса вера вероника виктория галина дарина дарья диана евгения екатерина елена елизавета есения жанна зинаида
   злата зоя инна ирина карина кира клавдия кристина ксения лариса леся лидия лилия любовь людмила майя маргарита марина
   мария марьям милана мирослава надежда наталья наталия нелли нина оксана олеся ольга полина раиса регина римма
   светлана серафима снежана софия софья стефания таисия тамара татьяна ульяна эвелина элина эльвира эмилия юлия яна
   ясмина альбина гульнара гульшат динара диляра лейла резеда эльмира айгуль
   саша шура маша даша катя лена оля таня наташа женя дима миша сережа серёжа вова володя коля паша настя юля света ира
   аня галя люда надя вера вика лиза ксюша полина соня алеша алёша леша лёша петя ваня костя толя витя слава гриша
   стас рома тёма тема никита макс`
    .split(/\s+/u)
    .filter(Boolean),
);

const isGiven = (w: string): boolean => GIVEN.has(w.toLowerCase());
const looksSurname = (w: string, other: string): boolean => SURNAME.test(w) || (SURNAME_INA.test(w) && isGiven(other));

/** The word of `name` to greet the person by (empty for an empty name). */
export function givenName(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length < 2 || words.length > 3) return words[0] ?? '';
  const [a, b, c] = words as [string, string, string | undefined];
  // 1. The patronymic follows the given name: «Иванов Иван Иванович», «Иван Иванович Иванов», «Иван Иванович».
  if (c !== undefined && PATRONYMIC.test(c)) return b;
  if (PATRONYMIC.test(b)) return a;
  if (words.length === 3) return a;
  // 2. A known given name beside a word that is not one.
  if (isGiven(b) && !isGiven(a)) return b;
  if (isGiven(a) && !isGiven(b)) return a;
  // 3. A surname's ending on one side only.
  if (looksSurname(a, b) && !looksSurname(b, a)) return b;
  return a;
}
