import { Alert, Anchor, Button, Center, Grid, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { DocumentsCard } from '../../documents';
import { humanize } from '../../../lib/format';
import { useUser } from '../../../lib/session';
import { useConstants, useLead, useLeadActions, useOwners } from '../api/queries';
import type { ActionName, LeadDetail, LeadOffer, Permission } from '../api/types';
import { ConvertForm } from './actions/ConvertForm';
import { LogVisitForm } from './actions/LogVisitForm';
import { NoteForm } from './actions/NoteForm';
import { OfferForm } from './actions/OfferForm';
import { OfferStatusForm } from './actions/OfferStatusForm';
import { ReasonForm } from './actions/ReasonForm';
import { ReassignForm } from './actions/ReassignForm';
import { WonForm } from './actions/WonForm';
import { ActionBar } from './ActionBar';
import { FailedLead } from './FailedLead';
import { FailingSteps } from './FailingSteps';
import { LeadHeader } from './LeadHeader';
import { OffersSection, OrdersSection, TasksSection, VisitsSection } from './LeadSections';
import { LeadTimeline } from './LeadTimeline';
import { WaitingForWorker } from './WaitingForWorker';

type OpenForm = { kind: ActionName } | { kind: 'renegotiate'; offer: LeadOffer } | { kind: 'offerStatus'; offer: LeadOffer; status: string };

/** Ids in the timeline become names: everyone the page already knows by name. */
function namesOf(d: LeadDetail, me: { id: string; name: string }, users: { id: string; name: string }[]): (id: unknown) => string {
  const names = new Map<string, string>([...users.map((u) => [u.id, u.name] as const), ...Object.entries(d.people ?? {}), [me.id, me.name]]);
  if (d.lead.ownerId && d.lead.ownerName) names.set(d.lead.ownerId, d.lead.ownerName);
  for (const t of d.tasks) if (t.ownerId && t.ownerName) names.set(t.ownerId, t.ownerName);
  for (const v of d.visits) if (v.repId && v.repName) names.set(v.repId, v.repName);
  for (const e of d.events) if (e.actor && e.actorName) names.set(e.actor, e.actorName);
  return (id) => (typeof id === 'string' ? names.get(id) ?? id : '—');
}

/** `/leads/:id`: the lead, what happened, and every action the workflow allows now. */
export function LeadPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const lead = useLead(id);
  const actions = useLeadActions(id);
  const constants = useConstants();
  // Managers, ops and admins may list users: their names stand in for ids the page does not name itself.
  const owners = useOwners(user.role !== 'rep');
  const [open, setOpen] = useState<OpenForm | null>(null);
  const close = () => setOpen(null);

  if (lead.isPending) return <Center h="50vh"><Loader /></Center>;
  if (lead.error) {
    return (
      <div className="page">
        <Alert color={lead.error.status === 404 ? 'yellow' : 'red'} title={lead.error.status === 404 ? 'Lead not found' : 'The lead could not be loaded'}>
          {lead.error.status === 404 ? 'This lead does not exist or you may not see it.' : lead.error.message}
        </Alert>
        <Button component={Link} to="/leads" variant="subtle" mt="md">Back to leads</Button>
      </div>
    );
  }
  const d = lead.data;
  const l = d.lead;
  const c = constants.data ?? {};
  // Ask the workflow; if that fails, offer every action and let the server's answer say no.
  // A failed process takes no action until it is retried.
  const permission = (name: ActionName): Permission & { pending?: boolean } =>
    d.failure ? { allowed: false, reason: 'The lead\'s process failed; sales ops can retry it' }
    : actions.data ? (actions.data.actions[name] ?? { allowed: false, reason: 'Not offered by this pipeline' })
      : actions.isPending ? { allowed: false, pending: true } : { allowed: true };
  const statusPermission = (offerId: string, status: string): Permission =>
    actions.data ? (actions.data.offerStatus?.[offerId]?.[status] ?? { allowed: false, reason: 'Not possible from the current status' }) : { allowed: !actions.isPending };
  // The workflow's answer when it gives one per offer; else its rule: a new version of an open offer only.
  const renegotiatePermission = (offer: LeadOffer): Permission => {
    const asked = actions.data?.offerStatus?.[offer.id]?.renegotiate;
    if (asked) return asked;
    const create = permission('createOffer');
    if (!create.allowed) return create;
    return ['accepted', 'rejected', 'renegotiated'].includes(offer.status) ? { allowed: false, reason: `a ${humanize(offer.status).toLowerCase()} offer cannot be renegotiated` } : { allowed: true };
  };
  const openTasks = d.tasks.filter((t) => !t.done && t.dueAt).map((t) => t.dueAt!).sort();
  const nextDeadline = l.nextDeadline ?? openTasks[0] ?? null;
  const name = namesOf(d, user, owners.data?.items ?? []);
  const label = (category: string, code: unknown) => (typeof code === 'string' ? c[category]?.find((o) => o.value === code)?.label ?? humanize(code) : '');
  const warnings = d.warnings ?? [];

  return (
    <div className="page page-wide">
      <Text size="sm" mb="xs"><Anchor component={Link} to="/leads">Leads</Anchor> <Text span c="dimmed">/ {l.name}</Text></Text>
      <LeadHeader lead={l} score={d.score} nextDeadline={nextDeadline} />
      {warnings.length > 0 && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} mb="md" title="A colleague is working this account" data-testid="colleague-warning">
          <Stack gap={2}>
            {warnings.map((w, i) => (
              <Text key={i} size="sm">
                {w.message}
                {w.leadId && <> — <Anchor component={Link} to={`/leads/${encodeURIComponent(w.leadId)}`} size="sm">open their lead</Anchor></>}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {d.failure && <FailedLead leadId={l.id} failure={d.failure} canRetry={user.role === 'ops' || user.role === 'admin'} />}
      {(user.role === 'ops' || user.role === 'admin') && l.status !== 'won' && l.status !== 'lost' && <FailingSteps leadId={l.id} />}
      {l.status !== 'won' && l.status !== 'lost' && <WaitingForWorker leadId={l.id} />}
      {actions.error && <Alert color="yellow" variant="light" mb="sm">Could not ask the workflow which actions are possible ({actions.error.message}); the server will refuse what is not.</Alert>}
      <ActionBar permission={permission} onAction={(kind) => setOpen({ kind })} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <LeadTimeline events={d.events} leadId={l.id} name={name} label={label} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <TasksSection tasks={d.tasks} />
            <OffersSection offers={d.offers} statusPermission={statusPermission} canRenegotiate={renegotiatePermission}
              onStatus={(offer, status) => setOpen({ kind: 'offerStatus', offer, status })} onRenegotiate={(offer) => setOpen({ kind: 'renegotiate', offer })} />
            <OrdersSection orders={d.orders ?? []} />
            <VisitsSection visits={d.visits} label={label} />
            <DocumentsCard testId="lead-documents" owners={[{ type: 'lead', id: l.id, label: 'Lead' }, ...[...d.offers].sort((a, b) => b.version - a.version).map((o) => ({ type: 'offer' as const, id: o.id, label: `Offer v${o.version}` }))]} />
          </Stack>
        </Grid.Col>
      </Grid>

      {open?.kind === 'logVisit' && <LogVisitForm leadId={l.id} onClose={close} types={c.visit_type ?? []} statuses={c.visit_status ?? []} />}
      {open?.kind === 'qualify' && <NoteForm leadId={l.id} onClose={close} path="qualify" title="Qualify the lead" submitLabel="Qualify" success="Lead qualified" />}
      {open?.kind === 'nurture' && <NoteForm leadId={l.id} onClose={close} path="nurture" title="Send to nurturing" submitLabel="Send to nurturing" success="Lead sent to nurturing" />}
      {open?.kind === 'disqualify' && <ReasonForm leadId={l.id} onClose={close} path="disqualify" title="Disqualify the lead" submitLabel="Disqualify" success="Lead disqualified" reasons={c.disqualify_reason ?? []} />}
      {open?.kind === 'lost' && <ReasonForm leadId={l.id} onClose={close} path="lost" title="Mark the lead lost" submitLabel="Mark lost" success="Lead marked lost" reasons={c.loss_reason ?? []} />}
      {open?.kind === 'opportunity' && <ConvertForm leadId={l.id} onClose={close} defaultName={l.accountName ?? l.company ?? l.name} />}
      {open?.kind === 'createOffer' && <OfferForm leadId={l.id} onClose={close} />}
      {open?.kind === 'renegotiate' && <OfferForm leadId={l.id} onClose={close} supersedes={open.offer} />}
      {open?.kind === 'offerStatus' && <OfferStatusForm leadId={l.id} onClose={close} offer={open.offer} status={open.status} reasons={c.rejection_reason ?? []} />}
      {open?.kind === 'won' && <WonForm leadId={l.id} onClose={close} offers={d.offers} />}
      {open?.kind === 'reassign' && <ReassignForm leadId={l.id} onClose={close} currentOwnerId={l.ownerId} />}
    </div>
  );
}
