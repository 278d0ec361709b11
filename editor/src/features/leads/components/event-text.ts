import { formatMoney, humanize } from '../../../lib/format';
import type { LeadEvent } from '../api/types';

type Names = (id: unknown) => string;
/** The admin constant's label of a code (visit types, statuses, reasons). */
type Labels = (category: string, code: unknown) => string;
/** A routing strategy `{ type: 'round_robin', team }` as words. */
const strategyOf = (v: unknown) => (v && typeof v === 'object' && 'type' in v ? ` (${humanize(String((v as { type: unknown }).type)).toLowerCase()})` : '');
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));

const behaviourNames: Record<string, string> = {
  email_open: 'an e-mail opened', email_click: 'a link clicked', page_visit: 'a page visit', download: 'a download', webinar_attended: 'a webinar attended',
};
/** "after an e-mail opened and a link clicked" — what made the lead re-score. */
function triggerText(trigger: unknown): string {
  if (!Array.isArray(trigger) || trigger.length === 0) return '';
  const what = [...new Set(trigger.map((t: { kind?: string; type?: string }) => (t.kind === 'visit' ? 'a logged visit' : behaviourNames[s(t.type)] ?? humanize(s(t.type)).toLowerCase())))];
  return `, after ${what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what.at(-1)}` : what[0]}`;
}
/** A behavioural event as words: "Clicked a link: https://…", "Attended a webinar: Pricing 101". */
function behaviourText(c: Record<string, unknown>): string {
  const d = (c.details && typeof c.details === 'object' ? c.details : {}) as Record<string, unknown>;
  const detail = s(d.url ?? d.title ?? d.name ?? d.page ?? '');
  const suffix = detail ? `: ${detail}` : '';
  switch (c.type) {
    case 'email_open': return 'Opened an e-mail';
    case 'email_click': return `Clicked a link in an e-mail${suffix}`;
    case 'page_visit': return `Visited a page${suffix}`;
    case 'download': return `Downloaded${suffix || ' a document'}`;
    case 'webinar_attended': return `Attended a webinar${suffix}`;
    default: return humanize(s(c.type));
  }
}

/** The rules that fired for a score, with their points: "email-opened +5, email-link-clicked +10". */
export function pointsText(points: unknown): string {
  if (!Array.isArray(points)) return '';
  return points.map((p: { rule?: string; points?: number }) => `${s(p.rule)} ${Number(p.points) >= 0 ? '+' : ''}${s(p.points)}`).join(', ');
}

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
    case 'scored': return c.rescore
      ? `Re-scored ${s(c.previousScore)} → ${s(c.score)} points${c.grade !== c.previousGrade ? ` — grade ${s(c.previousGrade ?? '—')} → ${s(c.grade)}` : ` — grade ${s(c.grade)}`}${triggerText(c.trigger)}`
      : `Scored ${s(c.score)} points${c.grade ? ` — grade ${s(c.grade)}` : ''}`;
    case 'behaviour': return `${behaviourText(c)}${c.via ? ` (${s(c.via)})` : ''}`;
    case 'behaviour_refused': return `Behavioural event refused: ${s(c.reason)}`;
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
  if (type === 'behaviour') return 'orange';
  if (type === 'behaviour_refused') return 'red';
  if (type === 'assigned' || type === 'reassigned' || type === 'unassigned') return 'cyan';
  if (type.startsWith('offer') || type === 'converted') return 'indigo';
  if (type === 'visit_logged' || type === 'qualified') return 'teal';
  return 'gray';
}
