import { buildTable, type Table } from '../parse';
import type { Group } from '../spec';
import { backupsGroup } from './backups';
import { campaignsGroup } from './campaigns';
import { consentGroup, contactsGroup, segmentsGroup } from './contacts';
import { formsGroup } from './forms';
import { healthGroup } from './health';
import { lintGroup } from './lint';
import { providersGroup } from './providers';
import { relayGroup } from './relay';
import { auditGroup, repliesGroup } from './register';
import { settingsGroup } from './settings';
import { transferGroup } from './transfer';

/**
 * The `optin` command table, in the order the help shows it. A new command is one entry in its area's file (or a new
 * area's group here); the parser, the help and the error messages follow from it.
 */
export const GROUPS: readonly Group[] = [
  contactsGroup,
  segmentsGroup,
  consentGroup,
  settingsGroup,
  formsGroup,
  campaignsGroup,
  healthGroup,
  providersGroup,
  repliesGroup,
  transferGroup,
  lintGroup,
  auditGroup,
  backupsGroup,
  relayGroup,
];

export const TABLE: Table = buildTable(GROUPS);
