import { Alert, Button, Group, NumberInput, Popover, SimpleGrid, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { humanize } from '../../../lib/format';
import { forecastProbabilitiesSchema, forecastStages, useSetForecastProbabilities, type ForecastProbabilities as Probabilities } from '../api/dashboard';

/** The probability of each offer stage, shown to everyone; ops and admins edit them here. */
export function ForecastProbabilities({ value, editable }: { value: Probabilities; editable: boolean }) {
  const [opened, setOpened] = useState(false);
  const [draft, setDraft] = useState<Record<string, number | string>>(value);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useSetForecastProbabilities();
  const submit = () => {
    const parsed = forecastProbabilitiesSchema.safeParse(draft);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    save.mutate(parsed.data, {
      onSuccess: () => {
        setOpened(false);
        notifications.show({ color: 'green', message: 'Forecast probabilities saved' });
      },
    });
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={320} withArrow shadow="md">
      <Popover.Target>
        <Button size="compact-xs" variant="default" onClick={() => { setDraft(value); setErrors({}); setOpened((o) => !o); }} data-testid="forecast-probabilities">
          Probabilities
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Text size="sm" fw={600}>Chance an offer becomes an order</Text>
          <SimpleGrid cols={2} spacing="xs">
            {forecastStages.map((s) => (
              <NumberInput key={s} size="xs" label={humanize(s)} suffix=" %" min={0} max={100} allowDecimal={false} readOnly={!editable}
                value={draft[s]} error={errors[s]} onChange={(v) => setDraft((d) => ({ ...d, [s]: v === '' ? '' : Number(v) }))} />
            ))}
          </SimpleGrid>
          {save.error && <Alert color="red">{save.error.message}</Alert>}
          {editable ? (
            <Group justify="flex-end"><Button size="xs" onClick={submit} loading={save.isPending}>Save</Button></Group>
          ) : <Text size="xs" c="dimmed">Sales ops set these.</Text>}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
