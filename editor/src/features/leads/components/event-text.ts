import { formatMoney, humanize } from '../../../lib/format';
import type { LeadEvent } from '../api/types';

type Names = (id: unknown) => string;
/** The admin constant's label of a code (visit types, statuses, reasons). */
type Labels = (category: string, code: unknown) => string;
/** A routing strategy `{ type: 'round_robin', team }` as words. */
const strategyOf = (v: unknown) => (v && typeof v === 'object' && 'type' in v ? ` (${humanize(String((v as { type: unknown }).type)).toLowerCase()})` : '');
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** One readable line per event type, with names instead of ids. */
export function eventTitle(e: LeadEvent, name: Names, label: Labels): string {
  const c = e.context ?? {};
  switch (e.type) {
    case 'captured': return `Lead captured${e.actorName ? ` by ${e.actorName}` : e.actor ? ` (${humanize(e.actor)})` : ''}`;
    case 'pipeline_entered': return `Entered pipeline “${s(c.pipelineId)}” v${s(c.version)}: ${s(c.reason)}`;
    case 'failed': return `Process failed${c.node ? ` at “${s(c.node)}”` : ''}: ${s(c.reason)}`;
    case 'retried': return `Restarted by ${e.actorName ?? name(e.actor)} at “${s(c.node)}” (v${s(c.version)})`;
    case 'form_submitted': return 'Submitted the form again';
    case 'email_engaged': return `E-mail ${c.kind === 'click' ? 'link clicked' : 'opened'}`;
    case 'email_sent': return `E-mail sent: ${humanize(s(c.template))}${c.to ? ` to the ${s(c.to)}` : ''}`;
    case 'scored': return `Scored ${s(c.score)} points${c.grade ? ` — grade ${s(c.grade)}` : ''}`;
    case 'assigned': return `Assigned to ${name(c.ownerId)}${typeof c.how === 'string' ? ` (${c.how})` : strategyOf(c.strategy)}`;
    case 'unassigned': return 'No owner found: left unassigned';
    case 'reassigned': return `Reassigned from ${c.from ? name(c.from) : 'nobody'} to ${name(c.to)}${c.reason ? `: ${s(c.reason)}` : ''}`;
    case 'stage_changed': return `Moved to ${humanize(s(c.to ?? e.stage))}`;
    case 'moved': return `Moved from v${s(c.fromVersion)} ${s(c.fromLabel ?? c.fromNode)} to v${s(c.toVersion)} ${s(c.toLabel ?? c.toNode)}${e.actorName ? ` by ${e.actorName}` : ''}`;
    case 'decision': return `Took the “${s(c.label ?? c.branch)}” branch`;
    case 'visit_logged': return `${label('visit_type', c.type)} logged (${label('visit_status', c.status).toLowerCase()})${c.outcome ? `: ${s(c.outcome)}` : ''}`;
    case 'qualified': return 'Qualified';
    case 'disqualified': return `Disqualified${c.reason ? `: ${label('disqualify_reason', c.reason)}` : ''}`;
    case 'nurtured': case 'nurture': case 'nurturing': return 'Sent to nurturing';
    case 'converted': return `Converted to an opportunity${c.name ? ` “${s(c.name)}”` : ''}${c.amount ? ` (${formatMoney(Number(c.amount))})` : ''}`;
    case 'offer_created': return `Offer v${s(c.version)} created (${formatMoney(Number(c.total))})${c.supersedes ? ', renegotiating the previous one' : ''}`;
    case 'offer_status': return `Offer ${c.from ? `${humanize(s(c.from)).toLowerCase()} → ` : ''}${humanize(s(c.status)).toLowerCase()}${c.reason ? ` (${label('rejection_reason', c.reason)})` : ''}`;
    case 'task_created': return `Task for ${name(c.ownerId)}: ${s(c.title)}`;
    case 'task_skipped': return `Task skipped: ${s(c.why)}`;
    case 'reminded': return `Reminder sent (${humanize(s(c.kind))})`;
    case 'escalated': return `Escalated to the manager (${humanize(s(c.kind))})`;
    case 'reminder_skipped': return `Reminder skipped: ${s(c.why)}`;
    case 'configurator_checked': return c.valid ? 'Offer passed the configurator check' : 'Offer failed the configurator check';
    case 'won': return 'Won — order created';
    case 'lost': return `Lost${c.reason ? `: ${label('loss_reason', c.reason)}` : ''}`;
    case 'custom_activity': return `Ran ${humanize(s(c.activity))}`;
    default: return humanize(e.type);
  }
}

/** Colour of the timeline bullet. */
export function eventColor(type: string): string {
  if (type === 'won') return 'green';
  if (type === 'lost' || type === 'disqualified' || type === 'escalated') return 'red';
  if (type === 'scored' || type === 'decision' || type === 'configurator_checked') return 'grape';
  if (type === 'assigned' || type === 'reassigned' || type === 'unassigned') return 'cyan';
  if (type.startsWith('offer') || type === 'converted') return 'indigo';
  if (type === 'visit_logged' || type === 'qualified') return 'teal';
  return 'gray';
}
