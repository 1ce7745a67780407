import type { TFunction } from 'i18next';
import type { Provider } from '../../stores/providers.store';
import { translateSaid } from '../../i18n/errors';

/**
 * One problem with a provider's settings in the person's language: the option or secret by its label (options.from →
 * Sender), then what is wrong, by its key.
 */
export function providerProblem(t: TFunction, p: Provider['problems'][number]): string {
  const what = translateSaid(t, p);
  const option = p.path.match(/^(?:options|secrets)\.(\w+)$/)?.[1];
  const label = option ? t(`providers.option.${option}`, { defaultValue: option }) : p.path === 'kind' ? t('providers.kindLabel') : '';
  return label ? `${label}: ${what}` : what;
}
