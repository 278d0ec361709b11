import { Alert, Badge, Card, Group, Loader, SegmentedControl, Stack, Text } from '@mantine/core';
import { DndContext, DragOverlay, KeyboardSensor, PointerSensor, useDroppable, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { notifications } from '@mantine/notifications';
import { IconTrophy, IconX } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { ApiError } from '../../../lib/api';
import { formatMoney } from '../../../lib/format';
import { useUser } from '../../../lib/session';
import { useBoard, useMoveLead, type BoardCard as Lead, type BoardColumn, type BoardScope } from '../api/board';
import { closeTargets, decideDrop, type BoardMove } from '../drop-actions';
import { BoardCard } from './BoardCard';
import { LostModal } from './LostModal';
import './board.css';

function DropColumn({ id, children, className, testId }: { id: string; children: ReactNode; className: string; testId: string }) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return <div ref={setNodeRef} className={`${className}${isOver ? ' is-over' : ''}`} data-testid={testId}>{children}</div>;
}

const actionLabel: Record<BoardMove['action'], string> = { qualify: 'Qualified', nurture: 'Sent to nurturing', won: 'Won', lost: 'Lost' };

/** Kanban of open leads by stage; dropping a card runs the matching workflow update, a refusal snaps it back. */
export function BoardPage() {
  const user = useUser();
  // A rep sees their own leads; a manager their teams' (or their own); ops and admins everyone's (or their own).
  const wide: BoardScope | null = user.role === 'manager' ? 'team' : user.role === 'rep' ? null : 'all';
  const [params, setParams] = useSearchParams();
  const scope: BoardScope = wide && params.get('scope') !== 'mine' ? wide : 'mine';
  const board = useBoard(scope);
  const move = useMoveLead(scope);
  const [dragged, setDragged] = useState<{ lead: Lead; stage: string }>();
  const [refusals, setRefusals] = useState<Record<string, string>>({});
  const [askLost, setAskLost] = useState<{ lead: Lead; from: string }>();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const columns = board.data?.columns ?? [];
  const findLead = (id: string) => {
    for (const c of columns) {
      const lead = c.leads.find((l) => l.id === id);
      if (lead) return { lead, stage: c.stage };
    }
    return undefined;
  };
  const labelOf = (stage: string) => columns.find((c) => c.stage === stage)?.label ?? closeTargets.find((t) => t.stage === stage)?.label ?? stage;

  const refuse = (lead: Lead, reason: string) => {
    setRefusals((r) => ({ ...r, [lead.id]: reason }));
    notifications.show({ color: 'red', title: `${lead.name} was not moved`, message: reason });
  };
  const send = (lead: Lead, m: BoardMove) => {
    setRefusals(({ [lead.id]: _gone, ...rest }) => rest);
    move.mutate({ ...m, leadId: lead.id }, {
      onSuccess: () => notifications.show({ color: 'green', message: `${lead.name}: ${actionLabel[m.action]}` }),
      onError: (err) => refuse(lead, err instanceof ApiError ? err.message : String(err)),
    });
  };

  const onDragStart = (e: DragStartEvent) => setDragged(findLead(String(e.active.id)));
  const onDragEnd = (e: DragEndEvent) => {
    setDragged(undefined);
    const found = findLead(String(e.active.id));
    if (!found || !e.over) return;
    const to = String(e.over.id).replace(/^stage:/, '');
    const decision = decideDrop(found.stage, to, labelOf(to));
    if (decision.kind === 'refused') refuse(found.lead, decision.reason);
    else if (decision.kind === 'ask-reason') setAskLost({ lead: found.lead, from: found.stage });
    else if (decision.kind === 'update') send(found.lead, { action: decision.action, toStage: to });
  };

  const totalOpen = columns.reduce((n, c) => n + c.count, 0);
  return (
    <Stack gap={0} className="page page-wide" data-testid="board">
      <PageHeader title="Board"
        description={`${scope === 'team' ? "Your team's open leads by stage." : scope === 'all' ? 'Every open lead by stage.' : 'Your open leads by stage.'} Drag a card to qualify it, send it to nurturing, or close it.`}
        actions={<>
          {board.data && <Badge variant="light" size="lg">{totalOpen} open</Badge>}
          {wide && (
            <SegmentedControl value={scope} onChange={(v) => setParams(v === 'mine' ? { scope: 'mine' } : {}, { replace: true })}
              data={[{ value: wide, label: wide === 'team' ? 'Team' : 'Everyone' }, { value: 'mine', label: 'Mine' }]} aria-label="whose leads" />
          )}
        </>} />
      {board.isPending && <Loader size="sm" />}
      {board.error && <Alert color="red" title="The board could not be loaded">{board.error.message}</Alert>}
      {board.data && (
        <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragged(undefined)}>
          <div className="board-columns">
            {columns.map((c: BoardColumn) => (
              <DropColumn key={c.stage} id={`stage:${c.stage}`} className="board-column" testId={`column-${c.stage}`}>
                <Group justify="space-between" px={4} pb={6} wrap="nowrap">
                  <Text fw={650} size="sm" tt="uppercase">{c.label}</Text>
                  <Badge variant="filled" color="gray" size="sm" data-testid={`column-count-${c.stage}`}>{c.count}</Badge>
                </Group>
                <Text size="xs" c="dimmed" px={4} pb={8} data-testid={`column-value-${c.stage}`}>{c.offerValue ? `${formatMoney(c.offerValue)} in offers` : 'no offers yet'}</Text>
                <Stack gap={8}>
                  {c.leads.map((l) => <BoardCard key={l.id} lead={l} stage={c.stage} showOwner={scope !== 'mine'} refusal={refusals[l.id]} />)}
                  {c.leads.length === 0 && <Text size="xs" c="dimmed" ta="center" py="md">No leads here.</Text>}
                  {c.count > c.leads.length && <Text size="xs" c="dimmed" ta="center">+{c.count - c.leads.length} more in the finder</Text>}
                </Stack>
              </DropColumn>
            ))}
            <div className="board-close-targets">
              {closeTargets.map((t) => (
                <DropColumn key={t.stage} id={`stage:${t.stage}`} className={`board-close board-close-${t.stage}`} testId={`column-${t.stage}`}>
                  <Card padding="sm" radius="md" withBorder className="board-close-inner">
                    <Group gap={6} justify="center">
                      {t.stage === 'won' ? <IconTrophy size={18} /> : <IconX size={18} />}
                      <Text fw={650} size="sm">{t.label}</Text>
                    </Group>
                    <Text size="xs" c="dimmed" ta="center">{t.stage === 'won' ? 'Drop here when the offer is accepted' : 'Drop here and give a reason'}</Text>
                  </Card>
                </DropColumn>
              ))}
            </div>
          </div>
          <DragOverlay dropAnimation={null}>
            {dragged && <BoardCard lead={dragged.lead} stage={dragged.stage} showOwner={scope !== 'mine'} overlay />}
          </DragOverlay>
        </DndContext>
      )}
      <LostModal leadName={askLost?.lead.name ?? ''} opened={!!askLost} onCancel={() => setAskLost(undefined)}
        onConfirm={(reason, note) => {
          if (askLost) send(askLost.lead, { action: 'lost', toStage: 'lost', reason, note });
          setAskLost(undefined);
        }} />
    </Stack>
  );
}
