import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Grid, Group, List, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Channels, Purposes, type Channel } from '../../../../shared/domain/consent/types';
import type { ConsentEvent } from '../../../../shared/contract/api';
import { useRepliesStore, type ReplyResult } from '../../stores/replies.store';
import { useSettingsStore } from '../../stores/settings.store';
import { useAppStore } from '../../stores/app.store';
import { DateTimeField } from '../../components/DateField';
import { isLocalDateTime } from '../../components/dates';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatPhone, localInputToIso } from '../../components/format';
import { PhoneHint, StaffSelect } from './parts';
import { translateSaid, type Said } from '../../i18n/errors';

const CLASS_COLOR: Record<ReplyResult['classified'], string> = {
  opt_out: 'red',
  opt_in: 'green',
  confirm: 'green',
  help: 'blue',
  complaint: 'orange',
  other: 'gray',
};

/**
 * The register's note about a reply, in the person's language, by its key: the Replies screen's own fuller wording
 * for the notes it knows, else the catalog's (translateSaid); a note without a key is shown as sent.
 */
export function replyNote(t: TFunction, note: Said): string {
  const p = note.params ?? {};
  const text = (name: string) => String(p[name] ?? '');
  switch (note.key) {
    case 'inbound.alreadyReceived':
      return t('replies.notes.alreadyReceived');
    case 'inbound.nothingPending':
      return t('replies.notes.nothingPending');
    case 'inbound.winbackDeclined':
      return t('replies.notes.winbackDeclined');
    case 'inbound.noForm':
      return t('replies.notes.noForm', { code: text('code') });
    case 'inbound.formChannel':
      return t('replies.notes.formChannel', { code: text('code'), channel: t(`channel.${text('channel')}`) });
    case 'consent.downgradeDoubleOptIn':
    case 'consent.downgradeDoubleOptInFile':
      return t('replies.notes.doubleOptIn', { pack: text('pack').toUpperCase() });
    case 'consent.downgradeNotAccepted':
      return t('replies.notes.notAccepted', { pack: text('pack').toUpperCase(), method: t(`method.${text('method')}`) });
    case 'consent.downgradeMissing':
      return t('replies.notes.missing', {
        pack: text('pack').toUpperCase(),
        missing: text('missing')
          .split(', ')
          .map((k) => t(`evidenceKind.${k}`, { defaultValue: k }))
          .join(', '),
      });
    default:
      return translateSaid(t, note);
  }
}

/** What the events did, one line per kind of change: "Withdrawn: SMS · Marketing, WhatsApp · Marketing". */
export function eventLines(t: TFunction, events: readonly ConsentEvent[], first?: Channel): { action: string; text: string }[] {
  const byAction = new Map<string, ConsentEvent[]>();
  // The channel the reply came on first, then the app's usual order of channels and purposes.
  const rank = (e: ConsentEvent) => (e.channel === first ? -100 : Channels.indexOf(e.channel) * 10) + Purposes.indexOf(e.purpose);
  for (const e of [...events].sort((a, b) => rank(a) - rank(b))) byAction.set(e.action, [...(byAction.get(e.action) ?? []), e]);
  return [...byAction].map(([action, list]) => ({
    action,
    text: t(`replies.effect.${action}`, {
      cells: list.map((e) => `${t(`channel.${e.channel}`)} · ${t(`purpose.${e.purpose}`)}`).join(', '),
      defaultValue: `${t(`action.${action}`)}: {{cells}}`,
    }),
  }));
}

/** Type in a reply a customer sent (read off the shop phone) until a provider brings them in by itself. */
export function RecordReply() {
  const { t } = useTranslation();
  const receive = useRepliesStore((s) => s.receive);
  const reply = useRepliesStore((s) => s.reply);
  const timeZone = useSettingsStore((s) => s.settings?.timezone ?? 'UTC');
  const [from, setFrom] = useState('');
  const [channel, setChannel] = useState<Channel>('sms');
  const [text, setText] = useState('');
  const [at, setAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = useFieldError(error);

  const submit = async () => {
    // What was typed is not a date and time yet: the field says how to write it; nothing is recorded.
    if (at && !isLocalDateTime(at)) return;
    setBusy(true);
    setError(null);
    try {
      await receive({ from, channel, text, ...(at ? { at: localInputToIso(at, timeZone) } : {}) });
      setFrom('');
      setText('');
      setAt('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Card withBorder padding="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <Stack gap="sm">
              <Title order={5}>{t('replies.record.title')}</Title>
              <Text size="sm" c="dimmed">
                {t('replies.record.hint')}
              </Text>
              <Group grow align="flex-start">
                <div>
                  <TextInput
                    label={t('replies.record.from')}
                    value={from}
                    onChange={(e) => setFrom(e.currentTarget.value)}
                    required
                    error={fieldError('from')}
                    classNames={{ input: 'mono' }}
                    data-testid="reply-from"
                  />
                  <PhoneHint phone={from} />
                </div>
                <Stack gap={4}>
                  <Text size="sm" fw={500}>
                    {t('replies.channel')}
                  </Text>
                  <SegmentedControl
                    value={channel}
                    onChange={(v) => setChannel(v as Channel)}
                    data={[
                      { value: 'sms', label: t('channel.sms') },
                      { value: 'whatsapp', label: t('channel.whatsapp') },
                    ]}
                    data-testid="reply-channel"
                  />
                </Stack>
              </Group>
              <Textarea
                label={t('replies.record.text')}
                description={t('replies.record.textHint')}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                autosize
                minRows={3}
                required
                error={fieldError('text')}
                data-testid="reply-text"
              />
              <Group grow align="flex-start">
                <DateTimeField
                  label={t('replies.record.at')}
                  description={t('replies.record.atHint', { zone: timeZone })}
                  inputWrapperOrder={['label', 'input', 'description', 'error']}
                  value={at}
                  onChange={setAt}
                  error={fieldError('at')}
                  data-testid="reply-at"
                />
                <StaffSelect />
              </Group>
              <ErrorAlert error={error} />
              <Group justify="flex-end">
                <Button type="submit" loading={busy} disabled={!from.trim() || !text.trim()} data-testid="reply-save">
                  {t('replies.record.save')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>{reply && <ReplyOutcome input={reply.input} result={reply.result} />}</Grid.Col>
    </Grid>
  );
}

/** What the register made of the reply: its kind, what it changed, and why it changed nothing when it did not. */
function ReplyOutcome({ input, result }: { input: { from: string; text: string; channel?: Channel }; result: ReplyResult }) {
  const { t } = useTranslation();
  const go = useAppStore((s) => s.go);
  const lines = eventLines(t, result.events, input.channel ?? 'sms');
  const contactId = result.events[0]?.contactId;
  return (
    <Card withBorder padding="md" data-testid="reply-result" data-classified={result.classified}>
      <Stack gap="sm">
        <Group gap="sm">
          <Text size="sm" c="dimmed">
            {t('replies.result.classified')}
          </Text>
          <Badge size="lg" color={CLASS_COLOR[result.classified]} tt="none" data-testid="reply-class">
            {t(`replies.classes.${result.classified}`)}
            {result.formCode ? ` · ${result.formCode}` : ''}
          </Badge>
        </Group>
        <Text size="sm">
          <Text span c="dimmed">
            {t('replies.result.message', { channel: t(`channel.${input.channel ?? 'sms'}`), from: formatPhone(input.from) })}
          </Text>{' '}
          «{input.text}»
        </Text>
        <Text size="sm">{t(`replies.explain.${result.classified}`)}</Text>
        {result.duplicate && (
          <Alert color="gray" variant="light" p="xs">
            {t('replies.notes.duplicate')}
          </Alert>
        )}
        {lines.length > 0 ? (
          <List size="sm" spacing={4} data-testid="reply-events">
            {lines.map((l) => (
              <List.Item key={l.action} data-action={l.action}>
                <Text size="sm" fw={500} c={l.action === 'revoke' ? 'red.8' : l.action === 'grant' || l.action === 'confirm' ? 'green.8' : undefined}>
                  {l.text}
                </Text>
              </List.Item>
            ))}
          </List>
        ) : (
          <Text size="sm" c="dimmed" data-testid="reply-no-events">
            {t('replies.result.noEvents')}
          </Text>
        )}
        {result.note && !result.duplicate && (
          <Alert color="yellow" variant="light" p="xs" data-testid="reply-note">
            {replyNote(t, result.noteSaid ?? { message: result.note })}
          </Alert>
        )}
        {contactId !== undefined && (
          <Anchor component="button" type="button" size="sm" onClick={() => go({ screen: 'contact', contactId })} style={{ alignSelf: 'flex-start' }}>
            {t('replies.result.openContact')}
          </Anchor>
        )}
      </Stack>
    </Card>
  );
}
