import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import type { FormEventHandler, ReactNode } from 'react';

/** The frame of every action form: fields, the server's refusal in place, Cancel and the submit button with progress. */
export function ActionModal({ title, opened, onClose, onSubmit, pending, refusal, submitLabel, children, size, submitDisabled }: {
  title: string; opened: boolean; onClose(): void; onSubmit: FormEventHandler<HTMLFormElement>; pending: boolean; refusal?: string; submitLabel: string; children: ReactNode; size?: string | number;
  /** E.g. while the configuration the form shows is not valid. */
  submitDisabled?: boolean;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size ?? 'md'} closeOnClickOutside={!pending}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {children}
          {refusal && <Alert color="red" variant="light" role="alert" title="Not done">{refusal}</Alert>}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={pending}>Cancel</Button>
            <Button type="submit" loading={pending} disabled={submitDisabled}>{submitLabel}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
