import { Alert, Anchor, Card, Group, Loader, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router';
import { useMailSwitch, useSetMail } from '../api/admin';

/** The global e-mail switch: off keeps every mail in the outbox unsent. */
export function MailPage() {
  const mail = useMailSwitch();
  const set = useSetMail();
  const enabled = set.isPending ? set.variables : mail.data?.enabled;
  return (
    <Stack data-testid="admin-mail-page" maw={640}>
      {mail.error && <Alert color="red">{mail.error.message}</Alert>}
      <Card withBorder radius="md">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={650}>Outgoing e-mail</Text>
            <Text size="sm" c="dimmed">When off, pipelines still write their mail to the outbox but nothing is sent: use it while testing or during an incident.</Text>
          </div>
          {mail.isPending ? <Loader size="sm" /> : (
            <Switch size="lg" checked={enabled ?? true} onLabel="ON" offLabel="OFF" aria-label="Outgoing e-mail"
              onChange={(e) => set.mutate(e.currentTarget.checked, {
                onSuccess: (r) => notifications.show({ color: r.enabled ? 'green' : 'orange', message: r.enabled ? 'Outgoing e-mail is on' : 'Outgoing e-mail is off: nothing is sent' }),
                onError: (err) => notifications.show({ color: 'red', message: err.message }),
              })} />
          )}
        </Group>
      </Card>
      {enabled === false && <Alert color="orange">E-mail is switched off: leads, owners and managers receive nothing until it is switched on again.</Alert>}
      <Text size="sm">See what was written and sent in the <Anchor component={Link} to="/outbox">outbox</Anchor>.</Text>
    </Stack>
  );
}
