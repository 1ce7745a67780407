import { wordPattern } from './text';

/*
 * Word lists in English and Russian. Russian stems end in \p{L}* so every case and number matches
 * (скидка, скидки, скидкой…); \b and \e are Cyrillic-safe word edges (see wordPattern).
 */

const L = String.raw`\p{L}*`;

/** Promotional wording: what turns a service or confirmation message into advertising. */
export const PROMO = wordPattern(
  [
    String.raw`\b(sale|sales|discount|discounts|discounted|offer|offers|deal|deals|promo|promos|promotion|promotions|promo ?code|coupon|coupons|voucher|vouchers|bonus|cashback|clearance|bogo)\e`,
    String.raw`\b(shop now|buy now|order now|buy one|new arrivals|new collection|special price|special prices|black friday|cyber monday)\e`,
    String.raw`\d+ ?% ?off\e`,
    // Price wording: "half price", "£5 off", "2 for 1", "buy 2 get 1", "save £10", "was £20 now £15".
    String.raw`\b(half[- ]price|half off|price drop|two for one|2 ?for ?1|3 ?for ?2|buy \d+,? get \d+|bogof)\e`,
    String.raw`(?<![\p{L}\p{N}])[£$€]\d+(?:[.,]\d{1,2})? ?off\e`,
    String.raw`\b(save|saving) (up to )?[£$€]?\d+`,
    String.raw`\bwas [£$€]\d+(?:[.,]\d{1,2})?,? now [£$€]\d+`,
    // German (de and eu packs): Rabatt, Angebot, Aktion, Gutschein, Sonderpreis, Ausverkauf, "zum halben Preis", "20 Prozent".
    String.raw`\b(rabatt\p{L}*|angebot\p{L}*|aktion|aktionen|aktionspreis\p{L}*|gutschein\p{L}*|sonderpreis\p{L}*|sonderangebot\p{L}*|ausverkauf|schlussverkauf|gratis|jetzt kaufen|jetzt bestellen)\e`,
    String.raw`\b(halben preis|halbe preis|\d+ ?prozent)\e`,
    String.raw`(?<![\p{L}\p{N}])[-−–]?\d{1,2} ?%(?![\p{L}\p{N}])`,
    String.raw`\bfree (gift|shipping|delivery|sample)s?\e`,
    `\\b(скидк|акци|распродаж|выгодн|спецпредложени|промокод|купон|кешбэк|кэшбэк|бонус|новинк|подар)${L}`,
    String.raw`\b(купите|покупайте|закажите|приходите за покупками|черная пятница|чёрная пятница)\e`,
    `\\bбесплатн${L} (доставк|подар|образ)${L}`,
  ].join('|'),
);

/** Guarantees and "no risk" promises. */
export const GUARANTEE = wordPattern(
  [
    String.raw`\b(guaranteed|guarantee|guarantees|risk[- ]free|no risk|money[- ]back|100 ?% (guaranteed|satisfaction|safe|effective|results))\e`,
    `\\b(гарантир${L}|гаранти[яюи]|без риска|100 ?% (результат|эффект|гаранти)${L})`,
  ].join('|'),
);

/** The word "free" (not "feel free", "gluten-free"…). */
export const FREE = wordPattern(
  [
    String.raw`(?<![-\p{L}])(?<!feel )(?<!toll[- ])free\e(?![-])`,
    String.raw`\b(for nothing|at no cost|complimentary|no charge)\e`,
    `\\b(бесплатн${L}|даром|в подарок)`,
  ].join('|'),
);

/** Words that state the conditions of a "free" offer. */
export const CONDITIONS = wordPattern(
  [
    String.raw`\*`,
    String.raw`\b(with (any |every |your )?(purchase|order)|when you (buy|spend|order)|on orders|orders (over|above|from)|min(imum)? (order|spend|purchase)|conditions apply|terms apply|t ?& ?cs?|see (details|site|terms)|details (at|on|in)|if you (buy|spend|order))\e`,
    `\\b(при (покупк|заказ|оплат|услови)${L}|от \\d+|услови${L}|подробност${L}|подробнее|если (вы )?(купит|закаж|оплат)${L})`,
  ].join('|'),
);

/** Pressure to decide at once. */
export const URGENCY = wordPattern(
  [
    String.raw`\b(last chance|only today|today only|just today|act (now|fast)|hurry( up)?|ends (tonight|today|soon|at midnight)|expires (tonight|today|soon|in \d+)|final (hours|days|call)|limited time|only \d+ (left|remaining)|while (stocks|supplies) last|don'?t miss( out)?|now or never|last day|before it'?s gone)\e`,
    `\\b(последн${L} (шанс|день|дни|час)${L}|только сегодня|только до|успе(й|йте|ть)\\e|спеши${L}|торопи${L}|осталось (всего |только )?\\d+ (час|минут|дн|шт)${L}|заканчива${L}|не упусти${L}|сейчас или никогда|ограниченное время|время ограничено)`,
  ].join('|'),
);

/** Claims of being the best without stated grounds. */
export const SUPERLATIVE = wordPattern(
  [
    String.raw`\b(the best|best (price|prices|deal|deals|quality|shop|store|in town|ever|choice)|lowest prices?|cheapest|number one|unbeatable|unrivalled|unrivaled|world'?s (best|leading)|the finest|nobody beats)\e`,
    String.raw`(?<![\p{L}\p{N}])(#|no\.? ?|№ ?)1\e`,
    `\\b(лучш${L}|сам${L} (низк|дешев|лучш|выгодн|качествен|популярн)${L}|дешевле всех|номер один|первы${L} в (городе|россии|мире)|непревзойд${L}|лидер рынка|(вне|без) конкуренции)`,
  ].join('|'),
);

/** Restricted product categories (see the pack's `messaging.restricted` for what each pack demands). */
export const RESTRICTED_CATEGORIES = ['alcohol', 'tobacco', 'gambling', 'loans', 'medicines', 'weapons'] as const;
/** A restricted product category. */
export type RestrictedCategory = (typeof RESTRICTED_CATEGORIES)[number];

/** How each restricted category is recognised. */
export const RESTRICTED: Record<RestrictedCategory, RegExp> = {
  alcohol: wordPattern(
    [
      String.raw`\b(beer|beers|wine|wines|vodka|whisky|whiskey|rum|gin|tequila|champagne|prosecco|liquor|spirits|cocktail|cocktails|alcohol|alcoholic|brandy|cognac|cider|booze)\e`,
      `\\b(пив[оа]${L}|вин(о|а|у|ом|ный|ная|ное|ные|ных|ами)\\e|водк${L}|виски|текил${L}|шампанск${L}|коньяк${L}|алкогол${L}|ликер${L}|ликёр${L}|сидр${L}|коктейл${L}|бренди|джин\\e)`,
    ].join('|'),
  ),
  tobacco: wordPattern(
    [
      String.raw`\b(tobacco|cigarette|cigarettes|cigar|cigars|vape|vapes|vaping|e-?cig|e-?cigs|e-?cigarettes?|nicotine|hookah|shisha|snus|iqos|heets)\e`,
      `\\b(табак${L}|табачн${L}|сигарет${L}|сигар(а|ы|у|ой)?\\e|вейп${L}|никотин${L}|кальян${L}|снюс${L}|айкос|стики)`,
    ].join('|'),
  ),
  gambling: wordPattern(
    [
      String.raw`\b(casino|casinos|betting|bet now|place a bet|poker|jackpot|slots|slot machines?|gambling|wager|bookmaker|sportsbook|lottery|roulette)\e`,
      `\\b(казино|ставк${L} на спорт|сделай${L} ставк${L}|букмекер${L}|покер${L}|джекпот${L}|игров${L} автомат${L}|лотере${L}|рулетк${L}|тотализатор${L})`,
    ].join('|'),
  ),
  loans: wordPattern(
    [
      String.raw`\b(loan|loans|payday|lender|lending|mortgage|microfinance|borrow|apr|debt relief|debt consolidation|credit card|credit cards|credit line|credit score|instalments?|installments?|investment|investing)\e`,
      `\\b(кредит${L}|займ${L}|заём|заем${L}|микрозайм${L}|ипотек${L}|рассрочк${L}|инвестиц${L}|инвестир${L})`,
    ].join('|'),
  ),
  medicines: wordPattern(
    [
      String.raw`\b(medicine|medicines|medication|medications|pharmacy|prescription|pills|drugstore|supplements?|treatment|treatments|clinic|dental|dentist|therapy|cure|cures|weight loss|cbd)\e`,
      `\\b(лекарств${L}|препарат${L}|таблетк${L}|аптек${L}|бад|бады|биодобавк${L}|медицинск${L} услуг${L}|лечени${L}|клиник${L}|стоматолог${L}|терапи${L}|процедур${L})`,
    ].join('|'),
  ),
  weapons: wordPattern(
    [
      String.raw`\b(gun|guns|firearm|firearms|rifle|rifles|pistol|pistols|ammo|ammunition|handgun|handguns|shotgun|shotguns|crossbow)\e`,
      `\\b(оружи${L}|ружь${L}|ружье|ружьё|пистолет${L}|патрон${L}|карабин${L}|травматическ${L}|арбалет${L})`,
    ].join('|'),
  ),
};

/** How a recurring programme states its frequency ("up to 4 msgs/month", "до 4 сообщений в месяц"). */
export const FREQUENCY = wordPattern(
  [
    String.raw`\b(msg|msgs|message|messages) (frequency|freq) (varies|may vary)\e`,
    String.raw`\b(up to |max |about )?\d+ (msg|msgs|message|messages|texts?)( ?/ ?| per | a | each )(day|week|wk|month|mo|year)\e`,
    String.raw`\brecurring (msgs|messages|texts)\e`,
    `\\b(до |не более )?\\d+ (сообщени|смс|sms)${L} (в|за) (день|недел${L}|месяц)`,
    `\\bчастота (сообщени|рассылк)${L}`,
  ].join('|'),
);

/** "Msg & data rates may apply" in its usual spellings. */
export const RATES = wordPattern(
  String.raw`\b(msg|message|messaging) ?(&|and) ?data rates may apply\e|\bза сообщения может взиматься плата|\bстоимость (sms|смс|сообщени\p{L}*) по тарифу`,
);

/** A HELP instruction: the keyword in capitals, or after "reply"/"ответьте". Case matters: "we can help" is not one. */
export const HELP = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(HELP|INFO|ПОМОЩЬ|СПРАВКА)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])([Rr]eply|[Tt]ext|[Оо]тветьте|[Нн]апишите) ["«]?(help|info|помощь|справка)(?![\p{L}\p{N}])`,
  'gu',
);

/*
 * Cheap gates in front of the word lists: a pattern runs only when some word of the text starts with one of its
 * stems (at most 6 letters) or, for "=x", the text contains x. Scanning a Cyrillic text with a dozen Unicode
 * patterns costs far more than looking up a few word starts, and most texts touch few lists. Every alternative of
 * a pattern must be covered by a stem here, or it would never be found (the rule tests check each list).
 */
const GATES = new Map<RegExp, readonly string[]>([
  [
    PROMO,
    'sale sales discou offer offers deal deals promo promos coupon vouche bonus cashba cleara bogo shop buy order new specia black cyber free =% half price two for =for =£ =$ =€ save saving was rabatt angebo aktion gutsch sonder ausver schlus gratis jetzt halben halbe prozen скидк акци распро выгодн спецпр промок купон кешбэк кэшбэк бонус новинк подар купите покупа закажи приход черна чёрна беспла'.split(
      ' ',
    ),
  ],
  [GUARANTEE, 'guaran risk no money 100 гарант без'.split(' ')],
  [FREE, 'free nothin cost compli charge беспла даром подаро'.split(' ')],
  [CONDITIONS, '=* =& with when on orders min minimu condit terms t see detail if при от услови подроб если'.split(' ')],
  [
    URGENCY,
    'last only today just act hurry ends expire final limite while don dont now before послед только успе спеши торопи остал заканч упусти сейчас ограни время'.split(
      ' ',
    ),
  ],
  [SUPERLATIVE, 'best lowest cheape number unbeat unriva world finest nobody =# no =№ лучш сам дешевл номер перв непрев лидер вне без'.split(' ')],
  [
    RESTRICTED.alcohol,
    'beer beers wine wines vodka whisky whiske rum gin tequil champa prosec liquor spirit cockta alcoho brandy cognac cider booze пив вин водк виски текил шампан коньяк алкого ликер ликёр сидр коктей бренди джин'.split(
      ' ',
    ),
  ],
  [
    RESTRICTED.tobacco,
    'tobacc cigare cigar cigars vape vapes vaping ecig ecigs ecigar cig cigs nicoti hookah shisha snus iqos heets табак табачн сигаре сигар вейп никоти кальян снюс айкос стики'.split(
      ' ',
    ),
  ],
  [
    RESTRICTED.gambling,
    'casino bettin bet place poker jackpo slots slot gambli wager bookma sports lotter roulet казино ставк сделай букмек покер джекпо игров лотере рулетк тотали'.split(
      ' ',
    ),
  ],
  [
    RESTRICTED.loans,
    'loan loans payday lender lendin mortga microf borrow apr debt credit instal invest кредит займ заём заем микроз ипотек рассро инвест'.split(' '),
  ],
  [
    RESTRICTED.medicines,
    'medici medica pharma prescr pills drugst supple treatm clinic dental dentis therap cure cures weight cbd лекарс препар таблет аптек бад бады биодоб медици лечени клиник стомат терапи процед'.split(
      ' ',
    ),
  ],
  [
    RESTRICTED.weapons,
    'gun guns firear rifle rifles pistol ammo ammuni handgu shotgu crossb оружи ружь ружье ружьё пистол патрон караби травма арбале'.split(' '),
  ],
]);

/** Word starts (2–6 letters) of a lower-case text, for the gates. */
export function wordStarts(lower: string): Set<string> {
  const starts = new Set<string>();
  const words = lower.match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words) {
    if (w.length === 1) starts.add(w);
    for (let n = 2; n <= Math.min(6, w.length); n++) starts.add(w.slice(0, n));
  }
  return starts;
}

/** Whether a pattern may match the text at all (false only when none of its stems occurs). */
export function mayMatch(pattern: RegExp, lower: string, starts: Set<string>): boolean {
  const gate = GATES.get(pattern);
  if (!gate) return true;
  return gate.some((g) => (g.startsWith('=') ? lower.includes(g.slice(1)) : starts.has(g)));
}
