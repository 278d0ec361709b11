import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link, useLocation } from 'react-router';

/** An unknown URL says so (it never silently redirects). */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <Center mih="60vh">
      <Stack align="center" gap="xs">
        <Text fz={56} fw={800} c="gray.3" lh={1}>404</Text>
        <Title order={2}>Page not found</Title>
        <Text c="dimmed">There is no page at <code>{pathname}</code>.</Text>
        <Button component={Link} to="/" variant="light" mt="sm">Go to your start page</Button>
      </Stack>
    </Center>
  );
}
