import type { LintRule } from '../types';
import { ruSenderName, senderId, smsSender } from './identity';
import { doiConfirmKeyword, optOutKeywordValid, optOutPresent, usDisclosures } from './optout';
import { caps, claimFree, claimGuarantee, claimSuperlative, claimUrgency, exclamation } from './claims';
import { doiNeutral, purposeMismatch, restricted } from './content';
import { invisibleChar, segmentBudget, smsEncoding, smsLength, ucs2Trigger } from './sms';
import { placeholder, placeholderFallback } from './placeholders';
import { links } from './links';
import { language, limits, varAdjacent, varEdge, varRatio, varSequential, whitespace } from './whatsapp';
import { quietHours } from './timing';

/** Every rule, in the order their diagnostics are listed when they share a position. */
export const ALL_RULES: readonly LintRule[] = [
  senderId,
  smsSender,
  ruSenderName,
  optOutPresent,
  optOutKeywordValid,
  usDisclosures,
  doiConfirmKeyword,
  doiNeutral,
  purposeMismatch,
  restricted,
  claimGuarantee,
  claimFree,
  claimUrgency,
  claimSuperlative,
  caps,
  exclamation,
  placeholder,
  placeholderFallback,
  links,
  smsEncoding,
  ucs2Trigger,
  invisibleChar,
  segmentBudget,
  smsLength,
  varSequential,
  varEdge,
  varAdjacent,
  varRatio,
  limits,
  whitespace,
  language,
  quietHours,
];
