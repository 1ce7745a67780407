import { Channels, Purposes, type Channel, type Purpose } from '../consent/types';
import type { ImportPreset } from './mapping';

/** The identity columns of our own contacts export, in order. */
export const CONTACT_EXPORT_COLUMNS = ['phone', 'name', 'email', 'external_id', 'tags', 'language', 'country', 'other_phones'] as const;

/** The three columns our export writes for each channel × purpose: status, since when, and the proof's summary. */
export function consentColumns(channel: Channel, purpose: Purpose): { status: string; since: string; source: string } {
  return { status: `${channel}_${purpose}`, since: `${channel}_${purpose}_since`, source: `${channel}_${purpose}_source` };
}

/** Every channel × purpose, in the export's order. */
export const CONSENT_CELLS: readonly { channel: Channel; purpose: Purpose }[] = Channels.flatMap((channel) =>
  Purposes.map((purpose) => ({ channel, purpose })),
);

/** The full header of our contacts export. */
export function contactExportHeader(): string[] {
  const out: string[] = [...CONTACT_EXPORT_COLUMNS];
  for (const c of CONSENT_CELLS) {
    const cols = consentColumns(c.channel, c.purpose);
    out.push(cols.status, cols.since, cols.source);
  }
  return out;
}

/** Reads our own contacts export back (a round trip keeps contacts and consent state). */
export const OWN_EXPORT_PRESET: ImportPreset = {
  id: 'optin-desk',
  name: 'Optin Desk export',
  signature: ['phone', 'sms marketing', 'sms marketing since', 'whatsapp marketing'],
  columns: [
    { match: 'phone', target: { field: 'mobile_phone' } },
    { match: 'name', target: { field: 'name' } },
    { match: 'email', target: { field: 'email' } },
    { match: 'external id', target: { field: 'external_id' } },
    { match: 'tags', target: { field: 'tags' } },
    { match: 'language', target: { field: 'locale' } },
    { match: 'country', target: { field: 'country' } },
    { match: 'other phones', target: { field: 'phone' } },
    ...CONSENT_CELLS.flatMap(({ channel, purpose }) => [
      { match: `${channel} ${purpose.replace('_', ' ')}`, target: { field: 'consent' as const, channels: [channel], purpose } },
      { match: `${channel} ${purpose.replace('_', ' ')} since`, target: { field: 'consent_date' as const, channels: [channel], purpose } },
      { match: `${channel} ${purpose.replace('_', ' ')} source`, target: { field: 'consent_source' as const, channels: [channel], purpose } },
    ]),
  ],
};
