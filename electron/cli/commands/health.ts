import type { Output } from '../../../shared/contract/api';
import { asInt } from '../args';
import { command, type Group } from '../spec';
import { healthWarningLine, pad, pct } from './format';

function report(v: Output<'health.report'>): string {
  const reasons = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
  const head = `${pad('', 0)}${pad('handed', 8)}${pad('deliv.', 8)}${pad('failed', 8)}${pad('opt-outs', 10)}${pad('rate', 9)}${pad('compl.', 8)}${pad('rate', 9)}`;
  const figures = (x: Output<'health.report'>['weeks'][number] | Output<'health.report'>['campaigns'][number]) =>
    `${pad(String(x.handedOff), 8)}${pad(String(x.delivered), 8)}${pad(String(x.failed), 8)}${pad(String(x.optOuts), 10)}${pad(pct(x.rates.optOut), 9)}${pad(String(x.complaints), 8)}${pad(pct(x.rates.complaint), 9)}${reasons(x.failedByReason)}`;
  const t = v.thresholds;
  return [
    `health from ${v.from} to ${v.to} (${v.timeZone}); pack ${t.pack}: warn above ${pct(t.optOutRate)} opt-outs within ${t.optOutWindowHours} h, ${pct(t.complaintRate)} complaints within ${t.complaintWindowDays} days`,
    '',
    `${pad('campaign', 34)}${head}`,
    ...v.campaigns.map((c) => `${pad(`${c.campaign} ${c.name}`.slice(0, 33), 34)}${figures(c)}`),
    ...(v.campaigns.length ? [] : ['  (no campaign handed off in these weeks)']),
    '',
    `${pad('week', 22)}${head}`,
    ...v.weeks.map((w) => `${pad(`${w.week} (${w.from})`, 22)}${figures(w)}`),
    '',
    v.quality.stored ? `WhatsApp quality signals: ${v.quality.signals.length}` : 'WhatsApp quality signals: none stored by this register yet',
    ...(v.warnings.length ? ['warnings:', ...v.warnings.map((w) => `  ${healthWarningLine(w)}`)] : ['no warnings']),
  ].join('\n');
}

export const healthGroup: Group = {
  title: 'Health',
  commands: [
    command({
      words: ['health'],
      summary: 'per campaign and week: handed off, delivered, failed, opt-outs within 48 h, complaints',
      details: [
        "Weeks are ISO weeks of the shop's calendar. An opt-out counts against the recipient's latest message before it",
        "when it came within the pack's window (48 h); a warning names the campaign, the count, what was handed off and the",
        "pack's threshold. The same warnings are shown on the next campaign plan.",
      ],
      method: 'health.report',
      flags: [
        { name: 'weeks', value: 'N', summary: 'how many weeks, this one included (1-104, default 8)', field: 'weeks', as: asInt },
        { name: 'campaign', aliases: ['batch'], value: 'ID', summary: "only this campaign's messages", field: 'campaign', as: asInt },
      ],
      human: report,
    }),
  ],
};
