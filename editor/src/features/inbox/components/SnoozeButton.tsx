import { ActionIcon, Button, Divider, Popover, Stack, Text, Tooltip } from '@mantine/core';
import { DatePicker } from '@mantine/dates';
import { IconClockPause } from '@tabler/icons-react';
import { useState } from 'react';
import { snoozeBodySchema } from '../../../../../engine/lead/workspace-schemas';

/** 09:00 local time on `day` (a `YYYY-MM-DD` string or a Date), as an ISO timestamp. */
export function morningOf(day: string | Date): string {
  const d = typeof day === 'string' ? new Date(`${day}T00:00:00`) : new Date(day);
  d.setHours(9, 0, 0, 0);
  return d.toISOString();
}

const addDays = (n: number) => {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return d;
};
const nextMonday = () => {
  const d = new Date();
  d.setDate(d.getDate() + (((8 - d.getDay()) % 7) || 7));
  return d;
};

/** Picks a new due date: quick choices or a day in the calendar (09:00 that day). */
export function SnoozeButton({ title, onSnooze }: { title: string; onSnooze(dueAt: string): void }) {
  const [opened, setOpened] = useState(false);
  const [error, setError] = useState<string>();
  const pick = (dueAt: string) => {
    const at = new Date(dueAt).getTime();
    // The same schema the API checks the body with, plus its range rule (future, within a year).
    if (!snoozeBodySchema.safeParse({ dueAt }).success || !(at > Date.now() && at <= addDays(366).getTime())) {
      setError('Pick a day in the future, within a year.');
      return;
    }
    setError(undefined);
    setOpened(false);
    onSnooze(dueAt);
  };
  const today = new Date();
  const inAYear = addDays(365);
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow shadow="md" trapFocus>
      <Popover.Target>
        <Tooltip label="Snooze: new due date">
          <ActionIcon variant="subtle" color="gray" aria-label={`Snooze "${title}"`} onClick={() => setOpened((o) => !o)}>
            <IconClockPause size={18} stroke={1.6} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6} data-testid="snooze-menu">
          <Text size="sm" fw={600}>Snooze until</Text>
          <Button size="xs" variant="light" onClick={() => pick(morningOf(addDays(1)))}>Tomorrow 09:00</Button>
          <Button size="xs" variant="light" onClick={() => pick(morningOf(nextMonday()))}>Next Monday 09:00</Button>
          <Button size="xs" variant="light" onClick={() => pick(morningOf(addDays(7)))}>In a week</Button>
          <Divider label="or pick a day" labelPosition="center" />
          <DatePicker size="xs" minDate={today} maxDate={inAYear} excludeDate={(d) => new Date(`${d}T23:59:59`).getTime() < Date.now()}
            onChange={(d) => d && pick(morningOf(d))} aria-label="new due date" />
          {error && <Text size="xs" c="red">{error}</Text>}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
