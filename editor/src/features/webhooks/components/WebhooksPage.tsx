import { Alert, Badge, Button, Checkbox, Group, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconPlugConnected, IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { webhookEvents, webhookUrlProblem } from '../../../../../engine/webhooks/schemas';
import { ApiError } from '../../../lib/api';
import { formatRelative } from '../../../lib/format';
import {
  useCreateWebhook, useDeleteWebhook, usePingWebhook, useResumeWebhook, useRotateSecret, useWebhooks, type WebhookBody, type WebhookSubscription,
} from '../api/webhooks';
import { DeliveryLog } from './DeliveryLog';
import { SecretOnce } from '../../admin/components/common';

type FormValues = { name: string; url: string; events: string[]; pauseAfterFailures: number | string; pauseAfterHours: number | string };

/** Admin → Webhooks: subscribe receivers to lead events, see what each got, ping, resume, rotate the secret. */
export function WebhooksPage() {
  const subs = useWebhooks();
  const create = useCreateWebhook();
  const remove = useDeleteWebhook();
  const ping = usePingWebhook();
  const resume = useResumeWebhook();
  const rotate = useRotateSecret();
  const [secret, setSecret] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string>();
  const form = useForm<FormValues>({
    initialValues: { name: '', url: '', events: ['lead.captured', 'lead.won', 'lead.lost'], pauseAfterFailures: '', pauseAfterHours: 24 },
    validate: {
      name: (v) => (v.trim() ? null : 'is required'),
      url: (v) => (v.trim() ? webhookUrlProblem(v.trim()) : 'is required'),
      events: (v) => (v.length ? null : 'pick at least one event'),
    },
  });
  const shown = subs.data?.find((s) => s.id === selected) ?? subs.data?.[0] ?? null;

  const submit = (v: FormValues) => {
    setRefusal(undefined);
    const body: WebhookBody = {
      name: v.name.trim(), url: v.url.trim(), events: v.events,
      pauseAfterFailures: v.pauseAfterFailures === '' ? null : Number(v.pauseAfterFailures), pauseAfterHours: Number(v.pauseAfterHours || 24),
    };
    create.mutate(body, {
      onSuccess: (r) => {
        form.reset();
        setSelected(r.id);
        setSecret(r.secret);
      },
      onError: (err) => {
        if (err instanceof ApiError && Object.keys(err.fieldErrors).length) form.setErrors(err.fieldErrors);
        else setRefusal(err.message);
      },
    });
  };
  const fail = (err: Error) => notifications.show({ color: 'red', message: err.message });
  const sendPing = (s: WebhookSubscription) => {
    setSelected(s.id);
    ping.mutate(s.id, { onSuccess: () => notifications.show({ message: `Test ping queued for “${s.name}”; its answer shows in the log below` }), onError: fail });
  };
  const askRotate = (s: WebhookSubscription) => modals.openConfirmModal({
    title: `New secret for “${s.name}”?`, children: <Text size="sm">Deliveries are signed with the new secret from now on; update the receiver right away.</Text>,
    labels: { confirm: 'Rotate', cancel: 'Cancel' },
    onConfirm: () => rotate.mutate(s.id, { onSuccess: (r) => setSecret(r.secret), onError: fail }),
  });
  const askDelete = (s: WebhookSubscription) => modals.openConfirmModal({
    title: `Delete “${s.name}”?`, children: <Text size="sm">Its delivery log and anything still queued for it are dropped; the receiver gets nothing more.</Text>,
    labels: { confirm: 'Delete', cancel: 'Cancel' }, confirmProps: { color: 'red' },
    onConfirm: () => remove.mutate(s.id, { onSuccess: () => notifications.show({ message: `“${s.name}” deleted` }), onError: fail }),
  });

  return (
    <Stack data-testid="admin-webhooks-page">
      <form onSubmit={form.onSubmit(submit)}>
        <Stack gap="xs">
          <Group align="flex-start">
            <TextInput label="Name" placeholder="e.g. CRM sync" w={220} {...form.getInputProps('name')} />
            <TextInput label="Receiver URL" placeholder="https://crm.example.com/hooks/leadflow" w={420} {...form.getInputProps('url')} />
            <NumberInput label="Pause after failed attempts" description="in a row; empty: time rule only" min={1} max={100000} w={200} {...form.getInputProps('pauseAfterFailures')} />
            <NumberInput label="… or after hours failing" min={1} max={720} w={160} {...form.getInputProps('pauseAfterHours')} />
          </Group>
          <Checkbox.Group label="Events" {...form.getInputProps('events')}>
            <Group mt={4}>{webhookEvents.map((e) => <Checkbox key={e} value={e} label={e} />)}</Group>
          </Checkbox.Group>
          <Group><Button type="submit" leftSection={<IconPlugConnected size={16} />} loading={create.isPending}>Add subscription</Button></Group>
        </Stack>
      </form>
      {refusal && <Alert color="red">{refusal}</Alert>}
      {subs.error && <Alert color="red">{subs.error.message}</Alert>}
      {subs.data?.length === 0 && <Text size="sm" c="dimmed">No webhooks yet. Add a receiver URL above; each delivery is signed with a secret shown once.</Text>}
      {!!subs.data?.length && (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr><Table.Th>Name</Table.Th><Table.Th>Receiver</Table.Th><Table.Th>Events</Table.Th><Table.Th>Status</Table.Th><Table.Th>Queued / delivered</Table.Th><Table.Th /></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {subs.data.map((s) => (
              <Table.Tr key={s.id} data-testid={`webhook-${s.name}`} onClick={() => setSelected(s.id)} style={{ cursor: 'pointer' }} bg={shown?.id === s.id ? 'var(--mantine-color-blue-light)' : undefined}>
                <Table.Td><Text size="sm" fw={600}>{s.name}</Text><Text size="xs" c="dimmed">added {formatRelative(s.createdAt)}</Text></Table.Td>
                <Table.Td><Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>{s.url}</Text></Table.Td>
                <Table.Td><Text size="xs">{s.events.join(', ')}</Text></Table.Td>
                <Table.Td style={{ minWidth: 130 }}>
                  {s.status === 'paused'
                    ? <><Badge color="red" variant="dot">paused</Badge><Text size="xs" c="red">{s.pausedReason}</Text></>
                    : <Badge color="green" variant="dot">active</Badge>}
                  {s.status === 'active' && s.consecutiveFailures > 0 && <Text size="xs" c="orange">{s.consecutiveFailures} failed attempts in a row</Text>}
                </Table.Td>
                <Table.Td><Text size="sm">{s.pending} / {s.delivered}</Text></Table.Td>
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="light" leftSection={<IconSend size={14} />} onClick={() => sendPing(s)} loading={ping.isPending && ping.variables === s.id}>Ping</Button>
                    {s.status === 'paused' && <Button size="xs" variant="light" color="green" onClick={() => resume.mutate(s.id, { onError: fail })}>Resume</Button>}
                    <Button size="xs" variant="subtle" onClick={() => askRotate(s)}>Rotate secret</Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => askDelete(s)}>Delete</Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {shown && <DeliveryLog subscription={shown} />}
      <SecretOnce
        title="The signing secret" what="secret" secret={secret} onClose={() => setSecret(null)} testId="webhook-secret" footnote="rotate the secret to get a new one"
        notice={'The receiver uses it to check X-Leadflow-Signature: HMAC-SHA256 (hex) over "timestamp.body", with the timestamp from X-Leadflow-Timestamp.'}
      />
    </Stack>
  );
}
