import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** Title, one line of description and the page's actions on the right. */
export function PageHeader({ title, description, actions, eyebrow }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; eyebrow?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" mb="lg" wrap="wrap" gap="md">
      <div>
        {eyebrow && <Text size="sm" c="dimmed" mb={2}>{eyebrow}</Text>}
        <Title order={1} fz={24}>{title}</Title>
        {description && <Text c="dimmed" size="sm" mt={4}>{description}</Text>}
      </div>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}
