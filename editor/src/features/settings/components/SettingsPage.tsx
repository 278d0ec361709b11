import { Alert, Button, Card, Group, Loader, PasswordInput, Stack, Switch, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { passwordChangeSchema } from '../../../../../api/auth/admin-schemas';
import { PageHeader } from '../../../components/PageHeader';
import { submitChecked } from '../../admin/components/common';
import { changePassword, useMe, useSetNotifications } from '../api/settings';
import { DigestCard } from './DigestCard';

interface PasswordValues extends Record<string, unknown> { currentPassword: string; newPassword: string; repeat: string }

function PasswordCard() {
  const [refusal, setRefusal] = useState<string>();
  const [pending, setPending] = useState(false);
  const form = useForm<PasswordValues>({ initialValues: { currentPassword: '', newPassword: '', repeat: '' } });
  const submit = async (v: PasswordValues) => {
    setRefusal(undefined);
    if (v.newPassword !== v.repeat) return form.setFieldError('repeat', 'does not match the new password');
    setPending(true);
    const r = await submitChecked(form, passwordChangeSchema, { currentPassword: v.currentPassword, newPassword: v.newPassword }, changePassword);
    setPending(false);
    if (!r.ok) return setRefusal(r.refusal);
    form.reset();
    notifications.show({ color: 'green', message: 'Password changed; your other sessions were signed out' });
  };
  return (
    <Card withBorder radius="md" data-testid="settings-password">
      <Title order={2} fz="md" mb="sm">Password</Title>
      <form onSubmit={form.onSubmit((v) => void submit(v))}>
        <Stack maw={380}>
          <PasswordInput label="Current password" autoComplete="current-password" {...form.getInputProps('currentPassword')} />
          <PasswordInput label="New password" description="At least 12 characters" autoComplete="new-password" {...form.getInputProps('newPassword')} />
          <PasswordInput label="Repeat the new password" autoComplete="new-password" {...form.getInputProps('repeat')} />
          {refusal && <Alert color="red">{refusal}</Alert>}
          <Group><Button type="submit" loading={pending}>Change password</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}

function NotificationsCard() {
  const me = useMe();
  const set = useSetNotifications();
  const checked = set.isPending ? set.variables : me.data?.notifyEmail;
  return (
    <Card withBorder radius="md" data-testid="settings-notifications">
      <Title order={2} fz="md" mb="sm">Notifications</Title>
      {me.error && <Alert color="red">{me.error.message}</Alert>}
      {me.isPending ? <Loader size="sm" /> : (
        <Switch checked={checked ?? true} label="E-mail me about my leads and tasks"
          description="Assignments, reminders and escalations. Leads still get their mail either way."
          onChange={(e) => set.mutate(e.currentTarget.checked, {
            onSuccess: (u) => notifications.show({ color: 'green', message: u.notifyEmail ? 'You will get e-mail about your leads' : 'No more e-mail about your leads' }),
            onError: (err) => notifications.show({ color: 'red', message: err.message }),
          })} />
      )}
    </Card>
  );
}

/** Every user's own settings: password, notifications and the daily digest. */
export function SettingsPage() {
  const me = useMe();
  return (
    <div className="page" data-testid="settings">
      <PageHeader title="Your settings" description={me.data ? <Text span size="sm">{me.data.name} · {me.data.email}</Text> : undefined} />
      <Stack gap="lg" maw={640}>
        <PasswordCard />
        <NotificationsCard />
        <DigestCard />
      </Stack>
    </div>
  );
}
