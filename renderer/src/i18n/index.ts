import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import ru from './ru.json';
import formsEn from './forms.en.json';
import formsRu from './forms.ru.json';
import paperEn from './paper.en.json';
import paperRu from './paper.ru.json';
import campaignsEn from './campaigns.en.json';
import campaignsRu from './campaigns.ru.json';
import providersEn from './providers.en.json';
import providersRu from './providers.ru.json';
import integrityEn from './integrity.en.json';
import integrityRu from './integrity.ru.json';
import backupsEn from './backups.en.json';
import backupsRu from './backups.ru.json';
import startEn from './start.en.json';
import startRu from './start.ru.json';
import errorsRu from '../../../shared/contract/messages.ru.json';
import { catalogResource } from './errors';
import healthEn from './health.en.json';
import healthRu from './health.ru.json';
import certificateEn from './certificate.en.json';
import certificateRu from './certificate.ru.json';
import peopleEn from './people.en.json';
import peopleRu from './people.ru.json';
import listEn from './list.en.json';
import listRu from './list.ru.json';

/** UI languages. */
export type UiLanguage = 'en' | 'ru';

const STORAGE_KEY = 'optin.language';

function initialLanguage(): UiLanguage {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'ru') return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

void i18n.use(initReactI18next).init({
  // Each feature keeps its words in its own file, under its own top-level key.
  // The core's messages (errors by key) live under errors.<key>: the English is built from the shared catalog, so it
  // always matches what the CLI and the HTTP host print; shared/contract/messages.ru.json holds the Russian of every key.
  resources: {
    en: {
      translation: {
        ...en,
        ...formsEn,
        ...paperEn,
        ...campaignsEn,
        ...providersEn,
        ...integrityEn,
        ...backupsEn,
        ...startEn,
        ...healthEn,
        ...certificateEn,
        ...peopleEn,
        ...listEn,
        errors: { ...en.errors, ...catalogResource() },
      },
    },
    ru: {
      translation: {
        ...ru,
        ...formsRu,
        ...paperRu,
        ...campaignsRu,
        ...providersRu,
        ...integrityRu,
        ...backupsRu,
        ...startRu,
        ...healthRu,
        ...certificateRu,
        ...peopleRu,
        ...listRu,
        errors: { ...ru.errors, ...errorsRu },
      },
    },
  },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

/** Switch the UI language and remember it. */
export function setLanguage(lang: UiLanguage): void {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export default i18n;
