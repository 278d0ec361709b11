import { Button, Group, Paper, Tooltip } from '@mantine/core';
import {
  IconArrowRightCircle, IconCheck, IconFileInvoice, IconPlant2, IconTrophy, IconUserShare, IconWalk, IconX, IconThumbDown,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { ActionName, Permission } from '../api/types';

const buttons: { name: ActionName; label: string; icon: ComponentType<{ size?: number }>; color?: string; variant?: string }[] = [
  { name: 'logVisit', label: 'Log visit', icon: IconWalk, variant: 'filled' },
  { name: 'qualify', label: 'Qualify', icon: IconCheck },
  { name: 'disqualify', label: 'Disqualify', icon: IconX, color: 'gray' },
  { name: 'nurture', label: 'Nurture', icon: IconPlant2, color: 'grape' },
  { name: 'opportunity', label: 'Convert to opportunity', icon: IconArrowRightCircle },
  { name: 'createOffer', label: 'Create offer', icon: IconFileInvoice },
  { name: 'won', label: 'Mark won', icon: IconTrophy, color: 'green' },
  { name: 'lost', label: 'Mark lost', icon: IconThumbDown, color: 'red' },
  { name: 'reassign', label: 'Reassign', icon: IconUserShare, color: 'gray' },
];

/** Exactly the actions the workflow allows now; the others are disabled and say why on hover. */
export function ActionBar({ permission, onAction }: { permission(name: ActionName): Permission & { pending?: boolean }; onAction(name: ActionName): void }) {
  return (
    <Paper withBorder p="xs" radius="md" mb="md" data-testid="action-bar">
      <Group gap="xs">
        {buttons.map((b) => {
          const p = permission(b.name);
          const button = (
            <Button key={b.name} size="sm" variant={p.allowed ? (b.variant ?? 'light') : 'default'} color={b.color} leftSection={<b.icon size={16} />}
              disabled={!p.allowed} onClick={() => onAction(b.name)} data-action={b.name}>
              {b.label}
            </Button>
          );
          return p.allowed ? button : (
            <Tooltip key={b.name} label={p.pending ? 'Asking the workflow…' : (p.reason ?? 'Not possible now')} multiline maw={280}>
              <span>{button}</span>
            </Tooltip>
          );
        })}
      </Group>
    </Paper>
  );
}
