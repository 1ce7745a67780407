import type { ColumnField, ColumnMapping, ColumnTarget, ImportPreset } from './mapping';
import { isSingleValued, normalizeHeader } from './mapping';

/*
 * Built-in header presets for the contact exports shops most often bring, and the generic synonym rules used
 * for files from anywhere else. Every `match` string is written already normalised (see normalizeHeader:
 * lower case, `-`/`_`/`.` → space, ё → е), so "E-mail 1 - Value" is written "e mail 1 value".
 *
 * Consent rules of thumb used throughout:
 * - Columns about e-mail only (Email Opt Out, Accepts Email Marketing, Unsubscribed from all email…) say nothing
 *   about SMS or WhatsApp: `ignore`.
 * - A boolean *opt-out* column ("SMS Opt Out" = true when the person opted out) cannot be a `consent` column,
 *   whose truthy value means "agreed". It becomes `do_not_contact`, which withdraws every consent of the row's
 *   numbers, WhatsApp included: honouring an opt-out too broadly is the safe side of an unscoped withdrawal.
 * - A column whose values are subscribed/unsubscribed words, or yes/no "accepts" answers, for one channel is a
 *   `consent` column for that channel.
 * - CRM "source" columns (Bitrix24 Источник, HubSpot Original Source, Salesforce Lead Source…) record how the
 *   customer or lead arrived ("Звонок", "Organic Search"), not how consent was collected: `ignore`.
 */

const IGNORE: ColumnTarget = { field: 'ignore' };
const PHONE: ColumnTarget = { field: 'phone' };
const MOBILE: ColumnTarget = { field: 'mobile_phone' };
const NAME: ColumnTarget = { field: 'name' };
const ORGANIZATION: ColumnTarget = { field: 'organization' };
const FIRST: ColumnTarget = { field: 'first_name' };
const MIDDLE: ColumnTarget = { field: 'middle_name' };
const LAST: ColumnTarget = { field: 'last_name' };
const EMAIL: ColumnTarget = { field: 'email' };
const EXTERNAL_ID: ColumnTarget = { field: 'external_id' };
const TAGS: ColumnTarget = { field: 'tags' };
const LOCALE: ColumnTarget = { field: 'locale' };
const COUNTRY: ColumnTarget = { field: 'country' };
const CONSENT_DATE: ColumnTarget = { field: 'consent_date' };
const CONSENT_SOURCE: ColumnTarget = { field: 'consent_source' };
const DO_NOT_CONTACT: ColumnTarget = { field: 'do_not_contact' };
const SMS_MARKETING: ColumnTarget = { field: 'consent', channels: ['sms'], purpose: 'marketing' };
const WHATSAPP_MARKETING: ColumnTarget = { field: 'consent', channels: ['whatsapp'], purpose: 'marketing' };
const ALL_MARKETING: ColumnTarget = { field: 'consent', channels: ['sms', 'whatsapp'], purpose: 'marketing' };
const PERSONAL_DATA: ColumnTarget = { field: 'consent', channels: ['sms', 'whatsapp'], purpose: 'personal_data' };

type Rule = ImportPreset['columns'][number];

function rule(match: string | RegExp, target: ColumnTarget): Rule {
  return { match, target };
}

/** A rule whose single-valued meaning holds only when no other column of the file has it (see ImportPreset). */
function weakRule(match: string | RegExp, target: ColumnTarget): Rule {
  return { match, target, weak: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Google Contacts. Current export ("Google CSV", 2023+): First Name, Middle Name, Last Name, Phonetic …, Labels,
// E-mail 1 - Label/Value, Phone 1 - Label/Value, Address 1 - …; several values of one kind in one cell joined by
// " ::: ". Older export: Name, Given Name, Additional Name, Family Name, … Yomi, Language, Group Membership,
// E-mail 1 - Type/Value, Phone 1 - Type/Value. The per-row label ("Mobile") is not a column meaning, so every
// "Phone N - Value" is a plain phone column.
// ---------------------------------------------------------------------------------------------------------------
const GOOGLE: ImportPreset = {
  id: 'google-contacts',
  name: 'Google Contacts',
  signature: ['phone 1 value'],
  columns: [
    rule(/^phone \d+ value$/, PHONE),
    rule(/^phone \d+ (label|type)$/, IGNORE),
    rule(/^e mail \d+ value$/, EMAIL),
    rule(/^e mail \d+ (label|type)$/, IGNORE),
    rule(/(phonetic|yomi)/, IGNORE),
    rule('name', NAME),
    rule(/^(first name|given name)$/, FIRST),
    rule(/^(middle name|additional name)$/, MIDDLE),
    rule(/^(last name|family name)$/, LAST),
    rule(/^(name prefix|name suffix|nickname|short name|maiden name|initials|file as)$/, IGNORE),
    rule(/^(labels|group membership)$/, TAGS),
    rule('language', LOCALE),
    rule(/^address \d+ country$/, COUNTRY),
    // A club or a supplier saved under its company name only: the name shown when the row has no person's name.
    rule(/^organization( \d+)? name$/, ORGANIZATION),
    rule(/^(custom field|relation|event|website|im|organization|address) \d+ /, IGNORE),
    rule(/^organization (title|department|job description|symbol|location|phonetic name)$/, IGNORE),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Microsoft Outlook (desktop "Export to a file → CSV" and Outlook.com / Google's "Outlook CSV"): one column per
// Outlook field, most of them empty. "Title" is the salutation; the assistant's, manager's, spouse's names and
// numbers belong to other people; a company's main line is not the person's number.
// ---------------------------------------------------------------------------------------------------------------
const OUTLOOK: ImportPreset = {
  id: 'outlook',
  name: 'Microsoft Outlook',
  signature: ['e mail address', 'mobile phone', 'business phone'],
  columns: [
    rule('mobile phone', MOBILE),
    rule(/^(primary phone|home phone|home phone 2|business phone|business phone 2|other phone|car phone)$/, PHONE),
    rule(/^(assistant's phone|company main phone|callback|radio phone|isdn|telex|tty\/tdd phone|pager|business fax|home fax|other fax)$/, IGNORE),
    rule(/^e mail( \d)? address$/, EMAIL),
    rule(/^e mail( \d)? (type|display name)$/, IGNORE),
    rule('first name', FIRST),
    rule('middle name', MIDDLE),
    rule('last name', LAST),
    rule(/^(title|suffix|nickname|initials|given yomi|surname yomi|company yomi)$/, IGNORE),
    rule(/^(manager's name|assistant's name|spouse|children|referred by)$/, IGNORE),
    rule('categories', TAGS),
    rule('language', LOCALE),
    rule('home country/region', COUNTRY),
    rule(/^(business|other) country\/region$/, IGNORE),
    rule(/^(notes|keywords|account|user \d)$/, IGNORE),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Apple Contacts / iCloud. iCloud only exports vCard; shops turn it into CSV with a converter. We follow the
// column style of the common vCard→CSV converters that name fields after the vCard properties (Formatted Name =
// FN; Given/Family/Additional Name = the N components; UID) and phone columns after the TYPE label Apple writes
// (iPhone, Mobile, Home Phone, Work Phone, Main Phone). Some converters write "Full name" instead of
// "Formatted Name"; both are accepted. Not tied to one confirmed tool.
// ---------------------------------------------------------------------------------------------------------------
const APPLE: ImportPreset = {
  id: 'apple-icloud',
  name: 'Apple Contacts / iCloud (vCard converted to CSV)',
  signature: ['given name', 'family name', 'iphone'],
  columns: [
    rule(/^(iphone|mobile|mobile phone|cell)$/, MOBILE),
    rule(/^(phone|home phone|work phone|main phone|other phone|phone \d+)$/, PHONE),
    rule(/^(home fax|work fax|other fax|fax|pager)$/, IGNORE),
    rule(/^(formatted name|full name|display name)$/, NAME),
    rule('given name', FIRST),
    rule(/^(additional names?|middle name)$/, MIDDLE),
    rule('family name', LAST),
    rule(/^(name prefix|name suffix|prefix|suffix|nickname|phonetic .*)$/, IGNORE),
    rule(/^(email|e mail|home email|work email|other email|email \d+)$/, EMAIL),
    rule(/^(categories|groups)$/, TAGS),
    rule('country', COUNTRY),
    rule('uid', EXTERNAL_ID),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// HubSpot contacts export ("Record ID", "Marketing contact status" are in the default view). "Marketing contact
// status" is HubSpot's billing tier (may HubSpot send marketing e-mail/ads), not a consent; "Unsubscribed from all
// email" and "Opted out of email: …" are e-mail only; "Legal basis for processing contact's data" is the GDPR
// basis, not an SMS/WhatsApp consent; "Original Source" is the traffic source ("Offline Sources").
// ---------------------------------------------------------------------------------------------------------------
const HUBSPOT: ImportPreset = {
  id: 'hubspot',
  name: 'HubSpot',
  signature: ['record id', 'marketing contact status'],
  columns: [
    rule(/^record id( contact)?$/, EXTERNAL_ID),
    rule('first name', FIRST),
    rule('last name', LAST),
    rule(/^(email|work email|private e mail address)$/, EMAIL),
    rule(/^(mobile phone number|whatsapp phone number)$/, MOBILE),
    rule('phone number', PHONE),
    rule('fax number', IGNORE),
    rule('marketing contact status', IGNORE),
    rule(/^marketing contact until next update$/, IGNORE),
    rule('unsubscribed from all email', IGNORE),
    rule(/^opted out of email/, IGNORE),
    rule(/^legal basis for processing/, IGNORE),
    rule(/^(original|latest) source/, IGNORE),
    rule('preferred language', LOCALE),
    rule('country/region', COUNTRY),
    rule(/^ip /, IGNORE),
    rule(/^(contact owner|create date|lead status|lifecycle stage|last activity date)$/, IGNORE),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Salesforce Contacts / Leads report ("Contact ID" or "Lead ID", "Mobile", "Email Opt Out", "Do Not Call", "Fax Opt
// Out"), plus the API names Data Loader writes (MobilePhone, DoNotCall, HasOptedOutOfEmail). "Do Not Call" (1/0)
// is a do-not-contact flag; "Email Opt Out" is e-mail only; "Lead Source" is how the lead arrived.
// ---------------------------------------------------------------------------------------------------------------
const SALESFORCE: ImportPreset = {
  id: 'salesforce',
  name: 'Salesforce',
  signature: ['email opt out', 'do not call'],
  columns: [
    rule(/^(contact id|lead id|id|contactid|leadid)$/, EXTERNAL_ID),
    rule(/^(first name|firstname)$/, FIRST),
    rule(/^(middle name|middlename)$/, MIDDLE),
    rule(/^(last name|lastname)$/, LAST),
    rule(/^(full name|name|contact name|lead name)$/, NAME),
    rule(/^(mobile|mobile phone|mobilephone)$/, MOBILE),
    rule(/^(phone|home phone|homephone|other phone|otherphone)$/, PHONE),
    rule(/^(asst phone|assistant phone|assistantphone|fax)$/, IGNORE),
    rule(/^(email|email address)$/, EMAIL),
    rule(/^(email opt out|hasoptedoutofemail|fax opt out|hasoptedoutoffax|email bounced (reason|date))$/, IGNORE),
    rule(/^(do not call|donotcall)$/, DO_NOT_CONTACT),
    rule(/^(mailing country|mailingcountry|country)$/, COUNTRY),
    rule(/^(other country|othercountry)$/, IGNORE),
    rule(/^(lead source|leadsource)$/, IGNORE),
    rule(/^(salutation|title|account name|account owner|contact owner|lead owner|lead status|company \/ account)$/, IGNORE),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Zoho CRM contacts export ("Record Id" values like zcrm_…, "Email Opt Out", "Tag"). "SMS Opt Out" (true/false,
// added by Zoho's SMS integrations) is a boolean opt-out: `do_not_contact`, see the note at the top.
// "Unsubscribed Mode/Time" are Zoho's e-mail unsubscribes; "Data Source" is how the record entered Zoho.
// ---------------------------------------------------------------------------------------------------------------
const ZOHO: ImportPreset = {
  id: 'zoho',
  name: 'Zoho CRM',
  signature: ['record id', 'email opt out'],
  columns: [
    rule('record id', EXTERNAL_ID),
    rule('first name', FIRST),
    rule('last name', LAST),
    rule('full name', NAME),
    rule('mobile', MOBILE),
    rule(/^(phone|home phone|other phone)$/, PHONE),
    rule(/^(asst phone|fax)$/, IGNORE),
    rule(/^(email|secondary email)$/, EMAIL),
    rule('email opt out', IGNORE),
    rule('sms opt out', DO_NOT_CONTACT),
    rule(/^unsubscribed (mode|time)$/, IGNORE),
    rule('tag', TAGS),
    rule('mailing country', COUNTRY),
    rule('other country', IGNORE),
    rule(/^(lead source|data source|data processing basis( details)?|contact through (email|phone|survey))$/, IGNORE),
    rule(/^(contact owner|account name|reports to|assistant|created by|modified by|salutation|title)$/, IGNORE),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Mailchimp audience export ("Email Address", merge fields, then MEMBER_RATING, OPTIN_TIME, OPTIN_IP, CONFIRM_TIME,
// CONFIRM_IP, LATITUDE … CC, REGION, LAST_CHANGED, LEID, EUID, NOTES, TAGS; the unsubscribed/cleaned exports add
// UNSUB_* / CLEAN_*). The subscription itself is an e-mail one; OPTIN_TIME is kept as the consent date (used only
// when the shop maps a consent column). CC is the geolocated country code. "SMS Phone Number" / "SMS Subscription
// Status" come with Mailchimp SMS audiences — header spelling unconfirmed.
// ---------------------------------------------------------------------------------------------------------------
const MAILCHIMP: ImportPreset = {
  id: 'mailchimp',
  name: 'Mailchimp',
  signature: ['email address', 'optin time', 'leid'],
  columns: [
    rule('email address', EMAIL),
    rule('first name', FIRST),
    rule('last name', LAST),
    rule(/^sms phone( number)?$/, MOBILE),
    rule(/^sms (subscription )?status$/, SMS_MARKETING),
    rule(/^(phone number|phone)$/, PHONE),
    rule('optin time', CONSENT_DATE),
    rule(
      /^(optin ip|confirm time|confirm ip|member rating|latitude|longitude|gmtoff|dstoff|timezone|region|last changed|euid|notes|address|birthday)$/,
      IGNORE,
    ),
    rule(/^(unsub|clean) /, IGNORE),
    rule('cc', COUNTRY),
    rule('leid', EXTERNAL_ID),
    rule('tags', TAGS),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Shopify customers export. Current header set: Customer ID, First Name, Last Name, Email, Accepts Email
// Marketing, Default Address Company/Address1/Address2/City/Province Code/Country Code/Zip/Phone, Phone, Accepts
// SMS Marketing, Total Spent, Total Orders, Note, Tax Exempt, Tags (older exports: Company, Address1, …, Country,
// Country Code, Zip, Phone). "Phone" is the customer's own number, the one "Accepts SMS Marketing" (yes/no) is
// about; the address phone is a plain phone.
// ---------------------------------------------------------------------------------------------------------------
const SHOPIFY: ImportPreset = {
  id: 'shopify-customers',
  name: 'Shopify customers',
  signature: ['accepts email marketing', 'accepts sms marketing'],
  columns: [
    rule('customer id', EXTERNAL_ID),
    rule('first name', FIRST),
    rule('last name', LAST),
    rule('email', EMAIL),
    rule('accepts email marketing', IGNORE),
    rule('accepts sms marketing', SMS_MARKETING),
    // Unconfirmed: not in the standard export, but some apps add the SMS consent timestamp under this name.
    rule(/^sms marketing consent (updated at|date|collected at)$/, CONSENT_DATE),
    rule('phone', MOBILE),
    rule('default address phone', PHONE),
    rule(/^(default address country code|country code)$/, COUNTRY),
    rule(/^(default address )?(country|company|address1|address2|city|province|province code|zip)$/, IGNORE),
    rule('tags', TAGS),
    rule(/^(note|tax exempt|total spent|total orders)$/, IGNORE),
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Bitrix24 CRM contacts export, Russian and English interface (one rule list for both). Multi-field columns are
// named after Bitrix's field types: Рабочий/Мобильный/Домашний/Другой телефон, Телефон для рассылок, Рабочий/
// Частный/Другой e-mail, E-mail для рассылок (EN: Work Phone, Mobile, Home Phone, SMS marketing phone, Other Phone
// Number, Work/Home/Other E-mail, Newsletters email). "Отчество"/"Second name" is the patronymic. "Источник"/
// "Source" is a list of acquisition channels (Звонок, Веб-сайт, CRM-форма…), not consent evidence. "Не
// обзванивать" and consent checkboxes are custom fields (UF_CRM_…) exported under their label.
// ---------------------------------------------------------------------------------------------------------------
const BITRIX_COLUMNS: Rule[] = [
  rule('id', EXTERNAL_ID),
  // Russian interface
  rule('имя', FIRST),
  rule('отчество', MIDDLE),
  rule('фамилия', LAST),
  rule(/^(имя, фамилия|фио|полное имя)$/, NAME),
  rule('обращение', IGNORE),
  rule(/^(мобильный телефон|телефон для рассылок)$/, MOBILE),
  rule(/^(рабочий|домашний|другой) телефон$/, PHONE),
  rule(/^номер (факса|пейджера)$/, IGNORE),
  rule(/^((рабочий|частный|другой) e mail|e mail для рассылок)$/, EMAIL),
  rule('контакт whatsapp', MOBILE),
  rule('страна', COUNTRY),
  rule(/^(источник|дополнительно об источнике)$/, IGNORE),
  rule(/^не (обзванивать|звонить|беспокоить)$/, DO_NOT_CONTACT),
  rule(
    /^(тип контакта|ответственный|дата создания|дата изменения|кем создан|кем изменен|доступен для всех|участвует в экспорте контактов|комментарий|должность|компания|дата рождения)$/,
    IGNORE,
  ),
  // English interface
  rule('first name', FIRST),
  rule('second name', MIDDLE),
  rule('last name', LAST),
  rule('salutation', IGNORE),
  rule(/^(mobile|mobile phone|sms marketing phone)$/, MOBILE),
  rule(/^(work phone|home phone|other phone|other phone number)$/, PHONE),
  rule(/^(fax|pager|pager number)$/, IGNORE),
  rule(/^((work|home|personal|other) e mail|newsletters email)$/, EMAIL),
  rule('country', COUNTRY),
  rule(/^(source|source information)$/, IGNORE),
  rule(
    /^(contact type|responsible person|created on|modified on|created by|modified by|available to everyone|included in export|comment|position|company|date of birth)$/,
    IGNORE,
  ),
];

const BITRIX_RU: ImportPreset = {
  id: 'bitrix24',
  name: 'Bitrix24',
  signature: ['мобильный телефон', 'рабочий e mail'],
  columns: BITRIX_COLUMNS,
};

const BITRIX_EN: ImportPreset = {
  id: 'bitrix24-en',
  name: 'Bitrix24 (English interface)',
  signature: ['second name', 'work phone', 'work e mail'],
  columns: BITRIX_COLUMNS,
};

// ---------------------------------------------------------------------------------------------------------------
// amoCRM contacts export. Russian (confirmed from public parsers of real exports): ID, Тип, Полное имя контакта,
// Имя, Фамилия, Название компании, Ответственный, Дата создания контакта, …, Теги, Примечание 1…5, Рабочий
// телефон, Рабочий прямой телефон, Мобильный телефон, Факс, Домашний телефон, Другой телефон, Рабочий/Личный/
// Другой email, Web, Адрес, Должность, then custom fields. Newer exports write "Полное имя", «Рабочий e-mail»,
// «Частный e-mail», «Комментарий», «Дата создания» and «Источник». In a shop's amoCRM «Источник» says how the
// customer came and gave their number («анкета в магазине», «сайт»): it is kept as the consent's source (the
// evidence the packs ask for) for the consent columns of the same row, so a «да» with a date and a source is a
// consent, not an unproven claim. «Дата создания» is the consent's date only when the file has no consent date of
// its own. «Комментарий» / «Примечание» are free notes the register has no place for: ignored on purpose. The
// English (Kommo) spellings are inferred from the same field set — unconfirmed.
// ---------------------------------------------------------------------------------------------------------------
const AMO_COLUMNS: Rule[] = [
  rule('id', EXTERNAL_ID),
  // Russian interface
  rule(/^(полное имя( контакта)?|имя контакта)$/, NAME),
  rule('имя', FIRST),
  rule('фамилия', LAST),
  rule('мобильный телефон', MOBILE),
  rule(/^(рабочий|рабочий прямой|домашний|другой) телефон$/, PHONE),
  rule('факс', IGNORE),
  rule(/^(рабочий|личный|частный|другой) (email|e mail)$/, EMAIL),
  rule('теги', TAGS),
  rule(/^(примечание( \d+)?|комментарий)$/, IGNORE),
  rule(/^источник( контакта)?$/, CONSENT_SOURCE),
  weakRule(/^дата создания( контакта)?$/, CONSENT_DATE),
  rule(
    /^(тип|название компании|компания|компания контакта|ответственный|ответственный за контакт|кем создан|кем создан контакт|сделки|дата редактирования|кем редактирован|web|адрес|должность)$/,
    IGNORE,
  ),
  // English interface (Kommo)
  rule(/^(full name|contact full name)$/, NAME),
  rule('first name', FIRST),
  rule('last name', LAST),
  rule('mobile phone', MOBILE),
  rule(/^(work|work direct|home|other) phone$/, PHONE),
  rule('fax', IGNORE),
  rule(/^(work|personal|private|other) (email|e mail)$/, EMAIL),
  rule('tags', TAGS),
  rule(/^(note( \d+)?|comment)$/, IGNORE),
  rule('source', CONSENT_SOURCE),
  weakRule('date created', CONSENT_DATE),
  rule(/^(type|company name|company|responsible user|created by|leads|modified|modified by|web|address|position)$/, IGNORE),
];

const AMO_RU: ImportPreset = {
  id: 'amocrm',
  name: 'amoCRM',
  signature: ['мобильный телефон', 'рабочий прямой телефон', 'рабочий email'],
  // Newer exports: the full name column and e-mails spelt «e-mail» (Bitrix24 has no «Полное имя контакта»).
  altSignatures: [
    ['полное имя контакта', 'мобильный телефон', 'рабочий e mail'],
    ['полное имя контакта', 'мобильный телефон', 'частный e mail'],
  ],
  columns: AMO_COLUMNS,
};

const AMO_EN: ImportPreset = {
  id: 'amocrm-en',
  name: 'amoCRM / Kommo (English interface)',
  signature: ['mobile phone', 'work direct phone', 'work email'],
  columns: AMO_COLUMNS,
};

// ---------------------------------------------------------------------------------------------------------------
// Generic synonyms (English and Russian) for files of unknown origin, tried in order after a preset's own rules.
// Order matters: e-mail-only consent before any consent; dates and sources before consent; opt-outs before
// consents; personal-data and per-channel consents before the generic one.
// ---------------------------------------------------------------------------------------------------------------
const OPT_OUT_WORDS = '(?:unsub|opt ?out|opted out|отпис|отказ|withdraw|отозван|отзыв|revok)';

/** Synonym rules for files from unknown sources, English and Russian; tried after a preset's own rules. */
export const GENERIC_COLUMNS: ImportPreset['columns'] = [
  // E-mail-only consent or opt-out: says nothing about SMS or WhatsApp.
  rule(/^(?=.*(?:e ?mail|почт|newsletter))(?=.*(?:opt|consent|subscri|accept|permission|unsub|согласи|подпис|отпис|отказ)).*$/, IGNORE),
  // Identifiers first, so "номер клиента" is not read as a phone.
  rule(
    /^(?:id|ид|uid|guid|external id|ext id|customer id|client id|contact id|record id|member id|customer number|customer no|client number|код|код клиента|номер клиента|id клиента|идентификатор|внешний id)$/,
    EXTERNAL_ID,
  ),
  // A phone column that names a messaging channel or says mobile: "SMS phone", "номер WhatsApp", "Mobile number".
  rule(
    /^(?!.*(?:consent|согласи|opt|subscri|подпис|отпис|отказ))(?=.*(?:phone|телефон|номер|number|^тел(?: |$)))(?=.*(?:sms|смс|whats ?app|ватсап|вотсап|viber|вайбер|рассыл|mobile|мобильн|сотов|cell)).*$/,
    MOBILE,
  ),
  rule(/^(?:mobile|mob|mobile no|cell|cellphone|cell phone|handy|iphone|whats ?app|ватсап|вотсап|мобильный|моб|моб тел|сотовый)$/, MOBILE),
  // German files (the de and eu packs): Handy, Mobilnummer, Telefon, Telefonnummer, Tel.-Nr., Rufnummer.
  rule(/^(?:mobil|mobilnummer|mobiltelefon|mobilfunknummer|handynummer|handy nr)$/, MOBILE),
  rule(/^(?:telefon|telefonnummer|tel nr|telefon nr|rufnummer|festnetz|festnetznummer)$/, PHONE),
  rule(
    /^(?:(?:primary|main|home|work|business|office|other|contact|customer|client|personal|landline|direct)\s)?(?:phone|telephone|tel|phone number|telephone number|tel no|phone no|phone #|tel #|phones)(?:\s\d+)?$/,
    PHONE,
  ),
  rule(
    /^(?:(?:рабочий|домашний|другой|основной|контактный|личный|стационарный|городской)\s)?(?:(?:телефон|тел|номер телефона)(?:\s(?:клиента|покупателя|контакта|\d+))?|телефоны|номер|контактный номер)$/,
    PHONE,
  ),
  rule(
    /^(?:name|full name|fullname|contact name|customer name|client name|display name|customer|client|фио|ф и о|полное имя|имя клиента|имя покупателя|клиент|покупатель|имя фамилия|фамилия имя|фамилия имя отчество|имя, фамилия|фамилия, имя|фамилия, имя, отчество|полное имя контакта|имя контакта)$/,
    NAME,
  ),
  rule(/^(?:organization name|organisation name|organization|organisation|название организации|организация)$/, ORGANIZATION),
  rule(/^(?:first name|firstname|first|given name|forename|fname|имя)$/, FIRST),
  rule(/^(?:middle name|middlename|middle|patronymic|отчество)$/, MIDDLE),
  rule(/^(?:last name|lastname|last|surname|family name|lname|фамилия)$/, LAST),
  rule(
    /^(?:e ?mail|e ?mail address|e ?mail адрес|mail|электронная почта|эл почта|эл адрес|адрес электронной почты|адрес эл почты|почта|емейл|имейл|емэйл)$/,
    EMAIL,
  ),
  rule(
    /^(?:tags?|labels?|groups?|group membership|categories|category|segments?|теги|тег|метки|метка|группы|группа|категории|категория|сегменты?|ярлыки)$/,
    TAGS,
  ),
  rule(/^(?:language|lang|locale|preferred language|communication language|язык|язык общения|локаль)$/, LOCALE),
  rule(/^(?:country|country code|country\/region|country region|countrycode|страна|код страны)$/, COUNTRY),
  // When consent was given or withdrawn.
  rule(
    /^(?=.*(?:consent|opt ?in|opt ?out|opted|optin|subscri|согласи|подписк|отпис|отказ))(?=.*(?:date|time|timestamp|(?:^| )at$|(?:^| )on$|дата|время|когда)).*$/,
    CONSENT_DATE,
  ),
  // How or where consent was collected.
  rule(
    /^(?=.*(?:consent|opt ?in|opted in|optin|согласи|подписк))(?=.*(?:source|method|channel|(?:^| )how(?: |$)|collected|evidence|источник|способ|канал|откуда|форма|основание)).*$/,
    CONSENT_SOURCE,
  ),
  // Opt-out / do-not-contact flags (boolean: true = opted out), also when scoped to one channel, see the top note.
  rule(
    /^(?:(?:sms|смс|whats ?app|ватсап|marketing|маркетинг)\s)?(?:do not contact|do not call|do not disturb|do not text|do not message|don't contact|dont contact|don't call|dont call|dnc|dnd|no contact|opt out|optout|opted out|unsubscribed|unsubscribe|consent withdrawn|consent revoked|согласие отозвано|blacklist|black list|stop list|черный список|стоп лист|не беспокоить|не звонить|не обзванивать|не писать|не контактировать|отписан|отписался|отписка|отказ|отказ от рассылки|отказ от рассылок|отказ от рекламы)(?:\s(?:from|от))?(?:\s(?:all|sms|смс|whats ?app|ватсап|marketing|рекламы|рассылки|рассылок|смс рассылки|sms marketing))?$/,
    DO_NOT_CONTACT,
  ),
  // Russia's separate consent to personal-data processing (152-FZ).
  rule(
    new RegExp(
      `^(?!.*${OPT_OUT_WORDS})(?:(?=.*(?:согласи|consent|accept|opt|agree))(?=.*(?:персональн|пдн|personal data|personal information|data processing|обработк|152 ?фз|gdpr)).*|пдн|152 ?фз)$`,
    ),
    PERSONAL_DATA,
  ),
  // One-channel consent: "SMS consent", "согласие на смс", "SMS subscription status", "Accepts SMS marketing".
  rule(
    new RegExp(
      `^(?!.*${OPT_OUT_WORDS})(?=.*(?:sms|смс))(?=.*(?:consent|opt ?in|opted in|optin|subscri|accept|permission|marketing|согласи|подписк|подписан|рассылк|реклам|status|статус)).*$`,
    ),
    SMS_MARKETING,
  ),
  rule(
    new RegExp(
      `^(?!.*${OPT_OUT_WORDS})(?=.*(?:whats ?app|ватсап|вотсап))(?=.*(?:consent|opt ?in|opted in|optin|subscri|accept|permission|marketing|согласи|подписк|подписан|рассылк|реклам|status|статус)).*$`,
    ),
    WHATSAPP_MARKETING,
  ),
  // Generic marketing consent: both messaging channels.
  rule(
    new RegExp(
      `^(?!.*${OPT_OUT_WORDS})(?=.*(?:consent|opt ?in|opted in|optin|subscri|accepts marketing|marketing permission|согласи|подписк|подписан)).*$`,
    ),
    ALL_MARKETING,
  ),
];

// ---------------------------------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** The presets shipped with the app, recognised by {@link autoMap}. */
export const BUILT_IN_PRESETS: readonly ImportPreset[] = deepFreeze([
  GOOGLE,
  OUTLOOK,
  APPLE,
  HUBSPOT,
  SALESFORCE,
  ZOHO,
  MAILCHIMP,
  SHOPIFY,
  BITRIX_RU,
  BITRIX_EN,
  AMO_RU,
  AMO_EN,
]);
deepFreeze(GENERIC_COLUMNS);

/** The built-in preset with this id, if any. */
export function presetById(id: string): ImportPreset | undefined {
  return BUILT_IN_PRESETS.find((p) => p.id === id);
}

interface CompiledRule {
  test: (normalized: string) => boolean;
  target: ColumnTarget;
  weak: boolean;
}

const compiledRules = new WeakMap<object, CompiledRule[]>();
const compiledSignatures = new WeakMap<object, string[]>();

function compileRules(rules: ImportPreset['columns']): CompiledRule[] {
  let out = compiledRules.get(rules);
  if (out === undefined) {
    out = rules.map(({ match, target, weak }): CompiledRule => {
      if (typeof match === 'string') {
        const wanted = normalizeHeader(match);
        return { test: (h) => h === wanted, target, weak: weak === true };
      }
      return {
        test: (h) => {
          match.lastIndex = 0;
          return match.test(h);
        },
        target,
        weak: weak === true,
      };
    });
    compiledRules.set(rules, out);
  }
  return out;
}

function compileSignature(signature: string[]): string[] {
  let out = compiledSignatures.get(signature);
  if (out === undefined) {
    out = signature.map(normalizeHeader).filter((s) => s !== '');
    compiledSignatures.set(signature, out);
  }
  return out;
}

const GENERIC_COMPILED = compileRules(GENERIC_COLUMNS);

function copyTarget(t: ColumnTarget): ColumnTarget {
  const out: ColumnTarget = { field: t.field };
  if (t.channels !== undefined) out.channels = [...t.channels];
  if (t.purpose !== undefined) out.purpose = t.purpose;
  return out;
}

/**
 * Recognises the preset whose signature is fully present (the longest signature wins, then list order) and maps
 * each column by that preset's rules, then {@link GENERIC_COLUMNS}, else `ignore`; single-valued fields go to the
 * first column that claims them.
 */
export function autoMap(
  headers: readonly string[],
  presets: readonly ImportPreset[] = BUILT_IN_PRESETS,
  options: { force?: ImportPreset } = {},
): { preset: ImportPreset | null; mapping: ColumnMapping[] } {
  const normalized = headers.map(normalizeHeader);
  const present = new Set(normalized);

  // A preset the person chose applies whether or not its signature is in the file.
  let preset: ImportPreset | null = options.force ?? null;
  let bestSize = options.force ? Number.POSITIVE_INFINITY : 0;
  for (const p of presets) {
    for (const raw of [p.signature, ...(p.altSignatures ?? [])]) {
      const signature = compileSignature(raw);
      if (signature.length > bestSize && signature.every((s) => present.has(s))) {
        preset = p;
        bestSize = signature.length;
      }
    }
  }

  const rules = preset === null ? GENERIC_COMPILED : [...compileRules(preset.columns), ...GENERIC_COMPILED];
  const matched = normalized.map((h): CompiledRule | null => (h === '' ? null : (rules.find((r) => r.test(h)) ?? null)));
  // A weak meaning yields to any column that has it outright, wherever that column stands.
  const strong = new Set<ColumnField>();
  for (const r of matched) if (r && !r.weak) strong.add(r.target.field);
  const taken = new Set<ColumnField>();
  const mapping = headers.map((header, column): ColumnMapping => {
    const r = matched[column] ?? null;
    let target = r ? r.target : IGNORE;
    if (r?.weak && isSingleValued(target) && strong.has(target.field)) target = IGNORE;
    // A date or source scoped to one consent column (as in our own export) belongs to that column only.
    if (isSingleValued(target)) {
      if (taken.has(target.field)) target = IGNORE;
      else taken.add(target.field);
    }
    return { column, header, target: copyTarget(target) };
  });
  return { preset, mapping };
}
