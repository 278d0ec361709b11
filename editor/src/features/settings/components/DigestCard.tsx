import { Alert, Box, Button, Card, Group, Loader, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { digestSettingsSchema, type DigestSettings } from '../../../../../engine/digest/schemas';
import { api, type ApiError } from '../../../lib/api';

interface DigestPreview { localDate: string; enabled: boolean; subject: string; text: string; html: string }

const digestKey = ['settings', 'digest'] as const;
const previewKey = ['settings', 'digest', 'preview'] as const;

const hours = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00` }));

/** Every IANA zone the browser knows (UTC first), for the time zone select. */
function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/** The daily digest: on or off, the local hour and time zone it comes at, and a preview of today's. */
export function DigestCard() {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: digestKey, queryFn: ({ signal }) => api<DigestSettings>('/api/me/digest', { signal }) });
  const [showPreview, setShowPreview] = useState(false);
  const preview = useQuery({ queryKey: previewKey, queryFn: ({ signal }) => api<DigestPreview>('/api/me/digest/preview', { signal }), enabled: showPreview, retry: false });
  const save = useMutation<DigestSettings, ApiError, DigestSettings>({
    mutationFn: (s) => api<DigestSettings>('/api/me/digest', { method: 'PUT', body: s }),
    onSuccess: (s) => {
      qc.setQueryData(digestKey, s);
      void qc.invalidateQueries({ queryKey: previewKey });
      notifications.show({ color: 'green', message: s.enabled ? `Your digest comes at ${String(s.hour).padStart(2, '0')}:00 (${s.timeZone})` : 'No more daily digest' });
    },
    onError: (err) => notifications.show({ color: 'red', message: err.message }),
  });
  const zones = useMemo(() => timeZones().map((z) => ({ value: z, label: z.replace(/_/g, ' ') })), []);
  const current = save.isPending && save.variables ? save.variables : settings.data;
  const change = (patch: Partial<DigestSettings>) => {
    if (!current) return;
    const next = digestSettingsSchema.safeParse({ ...current, ...patch });
    if (next.success) save.mutate(next.data);
  };
  return (
    <Card withBorder radius="md" data-testid="settings-digest">
      <Title order={2} fz="md" mb="sm">Daily digest</Title>
      {settings.error && <Alert color="red">{settings.error.message}</Alert>}
      {settings.isPending ? <Loader size="sm" /> : current && (
        <Stack gap="sm">
          <Switch checked={current.enabled} label="Send me the daily digest"
            description="Each morning: whom to contact today, whom you forgot, offers waiting for a confirmation."
            onChange={(e) => change({ enabled: e.currentTarget.checked })} />
          <Group grow align="flex-start" maw={460}>
            <Select label="At" data={hours} value={String(current.hour)} allowDeselect={false} disabled={!current.enabled}
              onChange={(v) => v !== null && change({ hour: Number(v) })} error={save.error?.fieldErrors.hour} />
            <Select label="Time zone" data={zones} value={current.timeZone} searchable allowDeselect={false} disabled={!current.enabled}
              onChange={(v) => v && change({ timeZone: v })} error={save.error?.fieldErrors.timeZone} nothingFoundMessage="No such time zone" />
          </Group>
          <Group>
            <Button variant="default" size="sm" onClick={() => { setShowPreview(true); void preview.refetch(); }} loading={preview.isFetching} data-testid="digest-preview-button">
              Preview my digest for today
            </Button>
          </Group>
          {preview.error && <Alert color="red" title="The preview could not be made">{preview.error.message}</Alert>}
          {showPreview && preview.data && (
            <Box data-testid="digest-preview">
              <Text size="xs" c="dimmed">For {preview.data.localDate}{preview.data.enabled ? '' : ' (switched off: it would not be sent)'}</Text>
              <Text fw={600} size="sm" mb={4}>{preview.data.subject}</Text>
              {/* The mail's own HTML, isolated: no scripts, no access to the app. */}
              <iframe title="Digest preview" sandbox="" srcDoc={preview.data.html}
                style={{ width: '100%', height: 380, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6, background: 'white' }} />
            </Box>
          )}
        </Stack>
      )}
    </Card>
  );
}
