import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';

/** The signing secret of a subscription, shown once after creation or rotation, with a copy button. */
export function SecretOnce({ secret, onClose }: { secret: string | null; onClose(): void }) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title="The signing secret" size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
          This secret is shown only now. The receiver uses it to check X-Leadflow-Signature: HMAC-SHA256 (hex) over
          "timestamp.body", with the timestamp from X-Leadflow-Timestamp.
        </Alert>
        <Group wrap="nowrap" gap="xs">
          <Code block fz="md" style={{ flex: 1, wordBreak: 'break-all' }} data-testid="webhook-secret">{secret}</Code>
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}>{copied ? 'Copied' : 'Copy'}</Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">Closing this window hides it for good; rotate the secret to get a new one.</Text>
        <Group justify="flex-end"><Button onClick={onClose}>I have copied it</Button></Group>
      </Stack>
    </Modal>
  );
}
