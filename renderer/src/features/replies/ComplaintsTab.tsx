import { useState } from 'react';
import { Badge, Button, Card, Grid, Group, Loader, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRepliesStore } from '../../stores/replies.store';
import { useSettingsStore } from '../../stores/settings.store';
import { ErrorAlert, useFieldError } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { CustomerLink, PhoneHint, StaffSelect } from './parts';
import { staffLabel } from '../../components/staff';

/** Complaints: what customers said (or staff noted), newest first, and a form to note one from a call or the till. */
export function ComplaintsTab() {
  const { t, i18n } = useTranslation();
  const complaints = useRepliesStore((s) => s.complaints);
  const more = useRepliesStore((s) => s.complaintsMore);
  const error = useRepliesStore((s) => s.complaintsError);
  const loadComplaints = useRepliesStore((s) => s.loadComplaints);
  const timeZone = useSettingsStore((s) => s.settings?.timezone);

  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, lg: 8 }}>
        <Card withBorder padding={0}>
          <Text size="sm" c="dimmed" px="md" py="sm">
            {t('replies.complaints.hint')}
          </Text>
          <ErrorAlert error={error} />
          {!complaints ? (
            !error && <Loader size="sm" m="md" />
          ) : complaints.length === 0 ? (
            <Text c="dimmed" ta="center" p="lg" data-testid="complaints-empty">
              {t('replies.complaints.empty')}
            </Text>
          ) : (
            <Table verticalSpacing="sm" data-testid="complaints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('replies.complaints.at')}</Table.Th>
                  <Table.Th>{t('replies.customer')}</Table.Th>
                  <Table.Th>{t('replies.complaints.what')}</Table.Th>
                  <Table.Th>{t('replies.complaints.by')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {complaints.map((c) => (
                  <Table.Tr key={c.id} data-testid="complaint">
                    <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                      <Text size="sm">{formatDateTime(c.at, timeZone, i18n.language)}</Text>
                    </Table.Td>
                    <Table.Td style={{ verticalAlign: 'top' }}>
                      <CustomerLink contactId={c.contactId} name={c.name} phone={c.phone} />
                    </Table.Td>
                    <Table.Td style={{ verticalAlign: 'top' }}>
                      <Badge size="xs" variant="light" color={c.text !== null ? 'orange' : 'gray'} tt="none" mb={4}>
                        {c.text !== null ? t('replies.complaints.theirMessage') : t('replies.complaints.staffNote')}
                      </Badge>
                      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                        {c.text !== null ? `«${c.text}»` : c.note}
                      </Text>
                      {c.text !== null && c.note && c.note !== c.text.slice(0, 500) && (
                        <Text size="xs" c="dimmed" mt={2}>
                          {t('replies.complaints.note', { note: c.note })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ verticalAlign: 'top' }}>
                      <Text size="sm">{staffLabel(c.recordedBy, t)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {more && (
            <Group justify="center" p="sm">
              <Button variant="subtle" size="xs" onClick={() => void loadComplaints(true)}>
                {t('replies.more')}
              </Button>
            </Group>
          )}
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 4 }}>
        <RecordComplaint />
      </Grid.Col>
    </Grid>
  );
}

/** Note a complaint a customer made in person or by phone. */
function RecordComplaint() {
  const { t } = useTranslation();
  const recordComplaint = useRepliesStore((s) => s.recordComplaint);
  const [phone, setPhone] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const fieldError = useFieldError(error);

  const submit = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await recordComplaint(phone, note);
      setPhone('');
      setNote('');
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder padding="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Title order={5}>{t('replies.complaints.recordTitle')}</Title>
          <Text size="xs" c="dimmed">
            {t('replies.complaints.recordHint')}
          </Text>
          <div>
            <TextInput
              label={t('replies.phone')}
              value={phone}
              onChange={(e) => {
                setPhone(e.currentTarget.value);
                setSaved(false);
              }}
              required
              error={fieldError('phone')}
              classNames={{ input: 'mono' }}
              data-testid="complaint-phone"
            />
            <PhoneHint phone={phone} lookup />
          </div>
          <Textarea
            label={t('replies.complaints.noteLabel')}
            placeholder={t('replies.complaints.notePlaceholder')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={3}
            required
            error={fieldError('note')}
            data-testid="complaint-note"
          />
          <StaffSelect />
          <ErrorAlert error={error} />
          {saved && (
            <Text size="sm" c="green.8" data-testid="complaint-saved">
              ✓ {t('replies.complaints.saved')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={busy} disabled={!phone.trim() || !note.trim()} data-testid="complaint-save">
              {t('replies.complaints.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
