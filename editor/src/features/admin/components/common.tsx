import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { schemaResolver, type UseFormReturnType } from '@mantine/form';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { ApiError } from '../../../lib/api';

/**
 * Checks `body` with the shared zod schema (errors land on the form's fields); when it passes, sends it. The
 * server's field errors land on the same fields; anything else comes back as the refusal text to show in place.
 */
export async function submitChecked<V extends Record<string, unknown>, B, R>(
  form: UseFormReturnType<V>, schema: Parameters<typeof schemaResolver>[0], body: B, send: (body: B) => Promise<R>,
): Promise<{ ok: true; result: R } | { ok: false; refusal?: string }> {
  const errors = schemaResolver(schema, { sync: true })(body as Record<string, unknown>);
  if (Object.keys(errors).length) {
    form.setErrors(errors);
    return { ok: false };
  }
  try {
    return { ok: true, result: await send(body) };
  } catch (err) {
    if (err instanceof ApiError && Object.keys(err.fieldErrors).length && err.status !== 409) {
      form.setErrors(err.fieldErrors);
      return { ok: false };
    }
    return { ok: false, refusal: (err as Error).message };
  }
}

/**
 * A secret (generated password, API key, webhook signing secret) shown once, with a copy button. `notice` replaces the
 * default warning (for a secret Leadflow keeps, e.g. to sign deliveries), `footnote` adds to the closing line.
 */
export function SecretOnce({ title, what, secret, onClose, notice, footnote, testId = 'secret-once' }: {
  title: string; what: string; secret: string | null; onClose(): void; notice?: string; footnote?: string; testId?: string;
}) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
          This {what} is shown only now. {notice ?? 'Copy it and hand it over safely; Leadflow keeps only a hash and cannot show it again.'}
        </Alert>
        <Group wrap="nowrap" gap="xs">
          <Code block fz="md" style={{ flex: 1, wordBreak: 'break-all' }} data-testid={testId}>{secret}</Code>
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}>{copied ? 'Copied' : 'Copy'}</Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">Closing this window hides it for good{footnote ? `; ${footnote}` : ''}.</Text>
        <Group justify="flex-end"><Button onClick={onClose}>I have copied it</Button></Group>
      </Stack>
    </Modal>
  );
}

/** Empty text fields become absent (optional) in the body. */
export const orUndefined = (s: string) => (s.trim() === '' ? undefined : s.trim());
